package org.sparkbackprop.ml;

import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.GeneralMLWritable;
import org.apache.spark.ml.util.GeneralMLWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Backpropagation;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Workspace;
import org.sparkbackprop.spark.HadoopConfigurationOfSpark;
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
        extends ProbabilisticClassificationModel<Vector, BackpropClassificationModel> implements GeneralMLWritable {
    private static final long serialVersionUID = 1L;

    static {
        // initialModel, checkpointDir and saved models on the application's Hadoop configuration
        HadoopConfigurationOfSpark.follow();
    }

    private final String uid;
    private final Parameters network;
    /** A one-row workspace per thread that predicts: rows are transformed one call at a time. */
    private transient volatile ThreadLocal<Workspace> workspaces;

    /** Class k's name, where the labels the model was fitted on were names; else null. */
    private final List<String> classNames;

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

    /** The trained weights and biases. */
    public Parameters network() {
        return network;
    }

    /** Layer sizes, input first. */
    public int[] getLayers() {
        return network.architecture().sizes().clone();
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
        return copied.setParent(parent());
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
            return model;
        }
    }
}
