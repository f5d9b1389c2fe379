package org.sparkbackprop.ml;

import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.GeneralMLWritable;
import org.apache.spark.ml.util.GeneralMLWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Backpropagation;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Workspace;
import org.sparkbackprop.spark.HadoopConfigurationOfSpark;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.input.PartitionCount;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.spark.step.KernelCheck;
import scala.Option;

/**
 * A trained network as a Spark ML model. {@code transform} adds, for every row,
 * {@code rawPrediction}: the output layer's weighted inputs z; {@code probability}: softmax(z);
 * and {@code prediction}: the most probable class (as a double), or Spark's thresholded choice
 * when {@code thresholds} is set. Features are rounded to float32 first, as training read them.
 *
 * <p>Saved as a directory: Spark ML's {@code metadata/} (the params) and {@value
 * ModelFile#IN_MODEL_DIRECTORY}, the network2 JSON model file the command line writes, which
 * {@code network2.load()} and {@code evaluate --model} read as well; or, with
 * {@code write().format("onnx")}, as an ONNX model for serving outside Spark.
 */
public final class BackpropClassificationModel
        extends ProbabilisticClassificationModel<Vector, BackpropClassificationModel>
        implements BackpropParams, GeneralMLWritable {
    private static final long serialVersionUID = 1L;

    static {
        // initialModel, checkpointDir and saved models on the application's Hadoop configuration
        HadoopConfigurationOfSpark.follow();
    }

    private final String uid;
    private final TrainingParams trainingParams = new TrainingParams(this);
    private final Parameters network;
    /** A DMatrixRMaj's object on a 64-bit JVM with compressed references: header, numRows, numCols, data. */
    private static final int MATRIX_HEADER_BYTES = 24;
    private static final int ARRAY_HEADER_BYTES = 16;
    private static final int STRING_HEADER_BYTES = 24;

    /** A one-row workspace per thread that predicts: rows are transformed one call at a time. */
    private transient volatile ThreadLocal<Workspace> workspaces;

    /** Class k's name, where the labels the model was fitted on were names; else null. */
    private final List<String> classNames;
    /** What the fit did; null for a model made of a model file. Not shipped with the model into tasks. */
    private transient BackpropTrainingSummary summary;

    /** A model of {@code network}, which must have the softmax output of a classifier. */
    public BackpropClassificationModel(String uid, Parameters network) {
        this(uid, network, null);
    }

    /** As above, class k being named {@code classNames[k]} (null: the classes are indices only). */
    public BackpropClassificationModel(String uid, Parameters network, List<String> classNames) {
        this(PendingUid.hold(uid), network, classNames, true);
    }

    private BackpropClassificationModel(String uid, Parameters network, List<String> classNames, boolean held) {
        this.uid = uid;
        PendingUid.release();
        if (network.architecture().output() != Output.SOFTMAX) {
            throw new BadInputException(uid + ": a classifier's network has a softmax output, not "
                    + network.architecture().output().id());
        }
        if (classNames != null && classNames.size() != network.architecture().outputSize()) {
            throw new BadInputException(uid + ": " + classNames.size() + " class names for "
                    + network.architecture().outputSize() + " classes");
        }
        this.network = network;
        this.classNames = classNames == null ? null : List.copyOf(classNames);
        // what the network itself tells; a fit sets every training param (trainedWith)
        setDefault(layers(), network.architecture().sizes());
        setDefault(activation(), network.architecture().hiddenActivation().id());
    }

    /**
     * The model in a network2 JSON model file, as {@code train --model-out} writes it (a local
     * path or any Hadoop file system's URI), or in a saved model's directory.
     */
    public static BackpropClassificationModel fromModelFile(String location) {
        ModelFile.Stored stored = ModelFile.read(location);
        return new BackpropClassificationModel(Identifiable$.MODULE$.randomUID("backpropClassificationModel"),
                stored.parameters(Output.SOFTMAX, Loss.CROSS_ENTROPY), stored.classNames());
    }

    /**
     * Class k's name, for a model fitted on a label column of names (the sorted distinct names):
     * {@code prediction} k is {@code classNames().get(k)}, as {@code IndexToString} maps it with
     * these labels. Null where the labels were indices.
     */
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String uid() {
        return uid != null ? uid : PendingUid.held();
    }

    @Override
    public TrainingParams trainingParams() {
        return trainingParams;
    }

    /** The trained weights and biases. */
    public Parameters network() {
        return network;
    }

    @Override
    public int numClasses() {
        return network.architecture().outputSize();
    }

    @Override
    public int numFeatures() {
        return network.architecture().inputSize();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        StructType checked = super.transformSchema(schema);
        Columns.checkFeatures(schema, getFeaturesCol(), network.architecture().sizes());
        return checked;
    }

    /** z of the output layer for one row: z^l = W^l a^{l−1} + b^l up the layers. */
    @Override
    public Vector predictRaw(Vector features) {
        int inputs = numFeatures();
        if (features.size() != inputs) {
            throw new BadInputException(uid + ": features has " + features.size()
                    + " values, but the model's input size, layers(0), is " + inputs);
        }
        Workspace workspace = workspace();
        double[] input = workspace.inputs().data;
        // float32 first, as every example that training read
        if (features instanceof SparseVector sparse) {
            Arrays.fill(input, 0, inputs, 0.0);
            int[] indices = sparse.indices();
            double[] values = sparse.values();
            for (int k = 0; k < indices.length; k++) {
                input[indices[k]] = (float) values[k];
            }
        } else {
            double[] values = ((DenseVector) features).values();
            for (int i = 0; i < inputs; i++) {
                input[i] = (float) values[i];
            }
        }
        Backpropagation.forward(network, workspace);
        return Vectors.dense(Arrays.copyOf(workspace.outputZ().data, numClasses()));
    }

    /** softmax(z) in place, as the network's output layer computes it. */
    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        if (!(rawPrediction instanceof DenseVector dense)) {
            throw new IllegalArgumentException(uid + ": rawPrediction must be a dense vector, got a sparse one");
        }
        Output.SOFTMAX.activateInPlace(dense.values());
        return dense;
    }

    private Workspace workspace() {
        ThreadLocal<Workspace> local = workspaces;
        if (local == null) {
            synchronized (this) {
                if (workspaces == null) {
                    Architecture architecture = network.architecture();
                    workspaces = ThreadLocal.withInitial(() -> new Workspace(architecture, 1));
                }
                local = workspaces;
            }
        }
        return local.get();
    }

    /**
     * Spark's own: Scala narrows this method's tuple type from ClassificationModel to
     * ProbabilisticClassificationModel, two signatures that only a raw override reconciles in Java.
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public BackpropClassificationModel copy(ParamMap extra) {
        BackpropClassificationModel copied = copyValues(new BackpropClassificationModel(uid, network, classNames), extra);
        copied.summary = summary;
        return copied.setParent(parent());
    }

    /** This model with class k named {@code classNames[k]}: the same params and summary. */
    BackpropClassificationModel withClassNames(List<String> names) {
        BackpropClassificationModel named = copyValues(new BackpropClassificationModel(uid, network, names),
                ParamMap.empty());
        named.summary = summary;
        return named.setParent(parent());
    }

    /**
     * Takes the value of every training param that {@code estimator} has (set or by default) as
     * this model's own, and {@code summary} as what the fit did. Modifies this.
     */
    BackpropClassificationModel trainedWith(BackpropClassifier estimator, BackpropTrainingSummary fitSummary) {
        for (Param<?> param : estimator.trainingParams().all()) {
            if (estimator.isDefined(param)) {
                set(param.name(), estimator.getOrDefault(param));
            }
        }
        this.summary = fitSummary;
        return this;
    }

    /** Whether the model has a training summary: after {@code fit}, and after loading a fitted model. */
    public boolean hasSummary() {
        return summary != null;
    }

    /**
     * What the fit did, epoch by epoch. Kept when the model is saved and loaded (MLlib's models
     * drop theirs on load); a model made of a model file ({@link #fromModelFile}) has none.
     */
    public BackpropTrainingSummary summary() {
        if (summary == null) {
            throw new IllegalStateException(uid() + ": no training summary: the model was not fitted by"
                    + " BackpropClassifier, nor loaded from a fitted model's directory");
        }
        return summary;
    }

    /**
     * The model's scores on {@code dataset}: the numbers {@code evaluate} prints for the same rows
     * (loss, accuracy, per-class precision, recall, F1, the confusion matrix), computed on the
     * executors as it computes them, with the kernel of {@code blas} (auto when unset) in Spark's
     * default parallelism. The label column holds class indices, or, for a model fitted on names,
     * the names. A bad row is named as {@code fit} names it.
     */
    public BackpropClassificationSummary evaluate(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        Columns.checkFeatures(schema, getFeaturesCol(), network.architecture().sizes());
        boolean named = schema.apply(getLabelCol()).dataType().equals(DataTypes.StringType);
        Dataset<?> labelled = dataset;
        if (!named) {
            labelled = dataset.withColumn(getLabelCol(), functions.col(getLabelCol()).cast(DataTypes.DoubleType));
        } else if (classNames == null) {
            throw new BadInputException(uid() + ": label column '" + getLabelCol() + "' holds strings, but the model"
                    + " was fitted on class indices, not names");
        }
        Blas.Selection kernel = Blas.select(Blas.Choice.fromId(isDefined(blas()) ? getBlas() : Blas.Choice.AUTO.id()));
        JavaSparkContext context = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        Architecture architecture = network.architecture();
        CachedExamples examples = DatasetExamples.cache(labelled, getFeaturesCol(), getLabelCol(), null,
                architecture.inputSize(), architecture.outputSize(), PartitionCount.chosen(context).count(),
                BlockCache.MEMORY, named ? classNames : null).train();
        try {
            KernelCheck.onExecutors(context, examples, kernel.kernel());
            return new BackpropClassificationSummary(new DistributedSource(context, examples,
                    DistributedSource.SCORING_ROWS, Combine.ORDERED, kernel.kernel()).score(network), classNames);
        } finally {
            examples.release();
        }
    }

    /**
     * The model's size in memory, in bytes: its weights and biases (8 bytes each) and their
     * matrices, and its class names. Spark Connect plans its model cache by it (Spark 4's
     * {@code Model.estimatedSize}); {@link BackpropClassifier#estimateModelSize} tells it before the fit.
     */
    public long estimatedSize() {
        return sizeInBytes(network.architecture(), classNames);
    }

    /**
     * The bytes a model of {@code architecture} takes: per weight layer two EJML matrices, each
     * an object of {@value #MATRIX_HEADER_BYTES} bytes and an array of 8-byte numbers with a
     * {@value #ARRAY_HEADER_BYTES}-byte header; and per class name its characters.
     */
    static long sizeInBytes(Architecture architecture, List<String> classNames) {
        long bytes = 8L * architecture.parameterCount()
                + 2L * architecture.weightLayers() * (MATRIX_HEADER_BYTES + ARRAY_HEADER_BYTES);
        if (classNames != null) {
            for (String name : classNames) {
                bytes += STRING_HEADER_BYTES + ARRAY_HEADER_BYTES + name.length();
            }
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "BackpropClassificationModel: uid=" + uid + ", layers=" + Architecture.describe(network.architecture().sizes())
                + ", activation=" + network.architecture().hiddenActivation().id();
    }

    /**
     * Saves the model: {@code write().save(dir)} as the model directory that {@link #load} reads;
     * {@code write().format("onnx").save(file)} as an ONNX model (see {@link ModelFormats.Onnx}).
     */
    @Override
    public GeneralMLWriter write() {
        return new GeneralMLWriter(this);
    }

    public static MLReader<BackpropClassificationModel> read() {
        return new Reader();
    }

    public static BackpropClassificationModel load(String path) {
        return read().load(path);
    }

    private static final class Reader extends MLReader<BackpropClassificationModel> {
        @Override
        public BackpropClassificationModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(),
                    BackpropClassificationModel.class.getName());
            ModelFile.Stored stored = ModelFile.read(ModelFormats.qualified(new Path(path, ModelFile.IN_MODEL_DIRECTORY),
                    sparkSession()));
            BackpropClassificationModel model = new BackpropClassificationModel(metadata.uid(),
                    stored.parameters(Output.SOFTMAX, Loss.CROSS_ENTROPY), stored.classNames());
            metadata.getAndSetParams(model, Option.empty());
            model.summary = ModelFormats.readSummary(path, sparkSession());
            return model;
        }
    }
}
