package org.sparkbackprop.ml;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.checkpoint.CheckpointStore;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.files.DriverFiles;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.run.LiveReport;
import org.sparkbackprop.run.TrainingRun;
import org.sparkbackprop.spark.ExecutorLossLog;
import org.sparkbackprop.spark.HadoopConfigurationOfSpark;
import org.sparkbackprop.spark.LostExecutors;
import org.sparkbackprop.spark.StandaloneFit;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.PartitionCount;
import org.sparkbackprop.spark.input.SqlSource;
import org.sparkbackprop.spark.resident.Exchange;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.StepMode;
import org.sparkbackprop.training.BestEpoch;
import org.sparkbackprop.training.LearningRateDecay;
import org.sparkbackprop.training.TrainingDiverged;
import org.sparkbackprop.training.TrainingSettings;

/**
 * The trainer as a Spark ML estimator: a softmax network with categorical cross-entropy, trained
 * by mini-batch gradient descent on Spark, over a {@code Vector} features column (dense or
 * sparse) and a label column of class indices 0 … k−1, as {@code StringIndexer} makes them.
 * {@code fit} runs the training run of the command line's {@code train} ({@link TrainingRun}):
 * the same rows, order, partitions, seed and settings give the same model bits. The DataFrame's
 * row order is the examples' global index; the driver never collects the data.
 * <pre>
 * BackpropClassifier trainer = new BackpropClassifier()
 *         .setLayers(new int[] {784, 30, 10}).setMaxIter(10).setBatchSize(10).setStepSize(0.5);
 * BackpropClassificationModel model = trainer.fit(train);
 * </pre>
 * Each param's default is that of the matching {@code train} option; a bad value fails at its
 * setter, in Spark's words.
 */
public final class BackpropClassifier
        extends ProbabilisticClassifier<Vector, BackpropClassifier, BackpropClassificationModel>
        implements BackpropParams, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    static {
        // initialModel, checkpointDir and saved models on the application's Hadoop configuration
        HadoopConfigurationOfSpark.follow();
    }

    private final String uid;

    private final TrainingParams trainingParams = new TrainingParams(this);
    private final Param<String> stepMode = new Param<>(this, "stepMode",
            "resident: one long-lived task per partition for each epoch's steps; job: a Spark job per step; the same"
                    + " bits either way", ParamValidators.inArray(TrainingParams.ids(StepMode.values(), StepMode::id)));
    private final Param<String> combine = new Param<>(this, "combine",
            "how the partitions' gradient sums are added: ordered (on the driver) or tree (through a shuffle)",
            ParamValidators.inArray(TrainingParams.ids(Combine.values(), Combine::id)));
    private final Param<String> exchange = new Param<>(this, "exchange",
            "how resident steps move weights and sums on a cluster: star (through the driver), sliced (each task owns a"
                    + " slice, the tasks pass slices to each other), or auto (whichever ran the first steps faster); the"
                    + " same bits all three", ParamValidators.inArray(TrainingParams.ids(Exchange.values(), Exchange::id)));
    private final Param<String> cache = new Param<>(this, "cache",
            "where the executors keep the examples: memory (Spark's cache) or disk (memory-mapped local files)",
            ParamValidators.inArray(TrainingParams.ids(BlockCache.values(), BlockCache::id)));
    private final Param<String> checkpointDir = new Param<>(this, "checkpointDir",
            "write checkpoints here (any Hadoop file system's URI) and resume from the newest valid one");
    private final IntParam checkpointInterval = new IntParam(this, "checkpointInterval",
            "steps between checkpoints within an epoch; 0 for epoch ends only (>= 0)", ParamValidators.gtEq(0));
    private final IntParam keepCheckpoints = new IntParam(this, "keepCheckpoints",
            "how many of the newest checkpoints to keep (>= 1)", ParamValidators.gtEq(1));
    private final Param<String> metricsOut = new Param<>(this, "metricsOut",
            "write one JSON line per epoch here, the file replaced after every epoch (any Hadoop file system's URI)");
    private final Param<String> reportDir = new Param<>(this, "reportDir",
            "write the run's report here (charts and index.html), kept current while the fit goes on (any Hadoop"
                    + " file system's URI)");
    private final DoubleParam reportEvery = new DoubleParam(this, "reportEvery",
            "refresh reportDir after an epoch once this many seconds have passed since it was last written; 0: after"
                    + " every epoch (>= 0)", ParamValidators.gtEq(0));

    public BackpropClassifier() {
        this(Identifiable$.MODULE$.randomUID("backpropClassifier"));
    }

    public BackpropClassifier(String uid) {
        this(PendingUid.hold(uid), true);
    }

    private BackpropClassifier(String uid, boolean held) {
        this.uid = uid;
        PendingUid.release();
        // the defaults of train's options
        TrainingSettings defaults = TrainingSettings.of(new Architecture(Architecture.defaultSizes(), Activation.SIGMOID,
                Output.SOFTMAX, Loss.CROSS_ENTROPY)).build();
        setDefault(layers(), Architecture.defaultSizes());
        setDefault(maxIter(), defaults.epochs());
        setDefault(batchSize(), defaults.batchSize());
        setDefault(stepSize(), defaults.learningRate());
        setDefault(momentum(), defaults.momentum());
        setDefault(regParam(), defaults.l2());
        setDefault(seed(), defaults.seed());
        setDefault(initMode(), defaults.initialization().id());
        setDefault(activation(), defaults.architecture().hiddenActivation().id());
        setDefault(stepSizeDecay(), defaults.learningRateDecay().schedule().id());
        setDefault(stepSizeDecayEvery(), LearningRateDecay.DEFAULT_EVERY);
        setDefault(earlyStopPatience(), defaults.earlyStopPatience());
        setDefault(stepMode, StepMode.RESIDENT.id());
        setDefault(blas(), Blas.Choice.AUTO.id());
        setDefault(combine, Combine.ORDERED.id());
        setDefault(exchange, Exchange.AUTO.id());
        setDefault(cache, BlockCache.MEMORY.id());
        setDefault(checkpointInterval, TrainingRun.Checkpointing.DEFAULT_EVERY);
        setDefault(keepCheckpoints, TrainingRun.Checkpointing.DEFAULT_KEEP);
        setDefault(reportEvery, LiveReport.DEFAULT_EVERY_SECONDS);
    }

    @Override
    public TrainingParams trainingParams() {
        return trainingParams;
    }

    @Override
    public String uid() {
        return uid != null ? uid : PendingUid.held();
    }

    // Spark finds a stage's params by its public no-argument methods that return a Param.

    public Param<String> stepMode() {
        return stepMode;
    }

    public Param<String> combine() {
        return combine;
    }

    public Param<String> exchange() {
        return exchange;
    }

    public Param<String> cache() {
        return cache;
    }

    public Param<String> checkpointDir() {
        return checkpointDir;
    }

    public IntParam checkpointInterval() {
        return checkpointInterval;
    }

    public IntParam keepCheckpoints() {
        return keepCheckpoints;
    }

    public Param<String> metricsOut() {
        return metricsOut;
    }

    public Param<String> reportDir() {
        return reportDir;
    }

    public DoubleParam reportEvery() {
        return reportEvery;
    }

    public BackpropClassifier setLayers(int[] value) {
        return (BackpropClassifier) set(layers(), value);
    }

    public BackpropClassifier setMaxIter(int value) {
        return (BackpropClassifier) set(maxIter(), value);
    }

    public BackpropClassifier setBatchSize(int value) {
        return (BackpropClassifier) set(batchSize(), value);
    }

    public BackpropClassifier setStepSize(double value) {
        return (BackpropClassifier) set(stepSize(), value);
    }

    public BackpropClassifier setMomentum(double value) {
        return (BackpropClassifier) set(momentum(), value);
    }

    public BackpropClassifier setRegParam(double value) {
        return (BackpropClassifier) set(regParam(), value);
    }

    public BackpropClassifier setSeed(long value) {
        return (BackpropClassifier) set(seed(), value);
    }

    public BackpropClassifier setInitMode(String value) {
        return (BackpropClassifier) set(initMode(), value);
    }

    public BackpropClassifier setActivation(String value) {
        return (BackpropClassifier) set(activation(), value);
    }

    public BackpropClassifier setStepSizeDecay(String value) {
        return (BackpropClassifier) set(stepSizeDecay(), value);
    }

    public BackpropClassifier setStepSizeDecayRate(double value) {
        return (BackpropClassifier) set(stepSizeDecayRate(), value);
    }

    public BackpropClassifier setStepSizeDecayEvery(int value) {
        return (BackpropClassifier) set(stepSizeDecayEvery(), value);
    }

    public BackpropClassifier setEarlyStopPatience(int value) {
        return (BackpropClassifier) set(earlyStopPatience(), value);
    }

    public BackpropClassifier setValidationIndicatorCol(String value) {
        return (BackpropClassifier) set(validationIndicatorCol(), value);
    }

    public BackpropClassifier setInitialModel(String value) {
        return (BackpropClassifier) set(initialModel(), value);
    }

    public BackpropClassifier setStepMode(String value) {
        return (BackpropClassifier) set(stepMode, value);
    }

    public BackpropClassifier setBlas(String value) {
        return (BackpropClassifier) set(blas(), value);
    }

    public BackpropClassifier setCombine(String value) {
        return (BackpropClassifier) set(combine, value);
    }

    public BackpropClassifier setExchange(String value) {
        return (BackpropClassifier) set(exchange, value);
    }

    public BackpropClassifier setCache(String value) {
        return (BackpropClassifier) set(cache, value);
    }

    public BackpropClassifier setNumPartitions(int value) {
        return (BackpropClassifier) set(numPartitions(), value);
    }

    public BackpropClassifier setCheckpointDir(String value) {
        return (BackpropClassifier) set(checkpointDir, value);
    }

    public BackpropClassifier setCheckpointInterval(int value) {
        return (BackpropClassifier) set(checkpointInterval, value);
    }

    public BackpropClassifier setKeepCheckpoints(int value) {
        return (BackpropClassifier) set(keepCheckpoints, value);
    }

    public BackpropClassifier setMetricsOut(String value) {
        return (BackpropClassifier) set(metricsOut, value);
    }

    public BackpropClassifier setReportDir(String value) {
        return (BackpropClassifier) set(reportDir, value);
    }

    public BackpropClassifier setReportEvery(double value) {
        return (BackpropClassifier) set(reportEvery, value);
    }

    public String getStepMode() {
        return $(stepMode);
    }

    public String getCombine() {
        return $(combine);
    }

    public String getExchange() {
        return $(exchange);
    }

    public String getCache() {
        return $(cache);
    }

    public String getCheckpointDir() {
        return $(checkpointDir);
    }

    public int getCheckpointInterval() {
        return (Integer) $(checkpointInterval);
    }

    public int getKeepCheckpoints() {
        return (Integer) $(keepCheckpoints);
    }

    public String getMetricsOut() {
        return $(metricsOut);
    }

    public String getReportDir() {
        return $(reportDir);
    }

    public double getReportEvery() {
        return (Double) $(reportEvery);
    }

    /**
     * The training settings these params make, as {@code train}'s options make them: the network
     * (softmax output, categorical cross-entropy) and every setting of the mini-batch trainer.
     */
    public TrainingSettings trainingSettings() {
        Architecture architecture = new Architecture(getLayers(), Activation.fromId(getActivation()), Output.SOFTMAX,
                Loss.CROSS_ENTROPY);
        LearningRateDecay decay = LearningRateDecay.of(LearningRateDecay.Schedule.fromId(getStepSizeDecay()),
                isDefined(stepSizeDecayRate()) ? getStepSizeDecayRate() : null, getStepSizeDecayEvery());
        return TrainingSettings.of(architecture).initialization(Initialization.fromId(getInitMode()))
                .epochs(getMaxIter()).batchSize(getBatchSize()).learningRate(getStepSize()).seed(getSeed())
                .momentum(getMomentum()).l2(getRegParam()).learningRateDecay(decay)
                .earlyStopPatience(getEarlyStopPatience()).build();
    }

    /**
     * Checks the columns a fit reads, as Spark's classifiers do; a label column of strings (class
     * names) is checked as the class indices {@link #fit} makes of it.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        boolean named = namesLabels(schema);
        StructType numeric = !named ? schema : new StructType(Arrays.stream(schema.fields())
                .map(field -> field.name().equals(getLabelCol())
                        ? new StructField(field.name(), DataTypes.DoubleType, true, field.metadata()) : field)
                .toArray(StructField[]::new));
        StructType checked = super.transformSchema(numeric);
        Columns.checkFit(numeric, getFeaturesCol(), getLabelCol(),
                isDefined(validationIndicatorCol()) ? getValidationIndicatorCol() : null, getLayers());
        if (!named) {
            return checked;
        }
        StructType output = schema;
        for (StructField field : checked.fields()) {
            if (!Arrays.asList(schema.fieldNames()).contains(field.name())) {
                output = output.add(field);
            }
        }
        return output;
    }

    private boolean namesLabels(StructType schema) {
        return Arrays.asList(schema.fieldNames()).contains(getLabelCol())
                && schema.apply(getLabelCol()).dataType().equals(DataTypes.StringType);
    }

    /**
     * Fits on {@code dataset}. A label column of strings needs no StringIndexer: the classes are
     * the sorted distinct names, class k the k-th, which the model keeps
     * ({@link BackpropClassificationModel#classNames()}); the last layer needs one output per name.
     */
    @Override
    public BackpropClassificationModel fit(Dataset<?> dataset) {
        if (!namesLabels(dataset.schema())) {
            return super.fit(dataset);
        }
        List<String> names = SqlSource.classNames(dataset, getLabelCol(), false);
        int classes = getLayers()[getLayers().length - 1];
        if (names.size() != classes) {
            throw new BadInputException("label column '" + getLabelCol() + "' names " + names.size() + " classes "
                    + SqlSource.shown(names) + ", but layers end in " + classes + " (" + Architecture.describe(getLayers())
                    + "): the last layer needs one output per class");
        }
        // class k for the k-th name; a null label stays null, for the row check to name it
        Column index = functions.array_position(functions.array(names.stream().map(functions::lit)
                .toArray(Column[]::new)), functions.col(getLabelCol())).minus(1).cast(DataTypes.DoubleType);
        return super.fit(dataset.withColumn(getLabelCol(), index)).withClassNames(names);
    }

    /** Trains on {@code dataset}, whose label column Spark has cast to double. */
    @Override
    public BackpropClassificationModel train(Dataset<?> dataset) {
        long started = System.nanoTime();
        TrainingSettings settings = trainingSettings();
        Architecture architecture = settings.architecture();
        String validationCol = isDefined(validationIndicatorCol()) ? getValidationIndicatorCol() : null;
        if (settings.earlyStopping() && validationCol == null) {
            throw new BadInputException(uid() + ": earlyStopPatience needs validationIndicatorCol, the rows whose loss"
                    + " it watches");
        }
        // the columns were checked by transformSchema, which fit calls first
        Parameters initial = initialParameters(settings);
        Blas.Selection kernel = Blas.select(Blas.Choice.fromId(getBlas()));
        BlockCache blockCache = BlockCache.fromId(getCache());
        TrainingRun.Execution how = new TrainingRun.Execution(StepMode.fromId(getStepMode()),
                Combine.fromId(getCombine()), Exchange.fromId(getExchange()), kernel, blockCache);
        TrainingRun.Checkpointing checkpointing = isDefined(checkpointDir)
                ? new TrainingRun.Checkpointing(new CheckpointStore(getCheckpointDir(), getKeepCheckpoints(),
                        "checkpointDir"), getCheckpointInterval(), true)
                : TrainingRun.Checkpointing.NONE;

        SparkSession spark = dataset.sparkSession();
        StandaloneFit.check(spark.sparkContext());
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions = isDefined(numPartitions()) ? getNumPartitions() : PartitionCount.chosen(context).count();
        ExecutorLossLog executorLoss = new ExecutorLossLog();
        context.sc().addSparkListener(executorLoss);
        LostExecutors lost = LostExecutors.watch(context.sc());
        try {
            DatasetExamples.Loaded loaded = DatasetExamples.cache(dataset, getFeaturesCol(), getLabelCol(),
                    validationCol, architecture.inputSize(), architecture.outputSize(), partitions, blockCache);
            try (TrainingRun run = TrainingRun.of(loaded.train(), loaded.validation(), null)) {
                Map<String, String> dataFingerprint = new LinkedHashMap<>();
                dataFingerprint.put("features-col", getFeaturesCol());
                dataFingerprint.put("label-col", getLabelCol());
                if (checkpointing.store() != null) {
                    // the rows themselves: a DataFrame has no file to fingerprint
                    dataFingerprint.put("train digest", loaded.train().digest());
                }
                TrainingRun.Result result = run.train(context, new TrainingRun.Request(settings, how, initial,
                        startValues(validationCol), dataFingerprint, checkpointing,
                        isDefined(metricsOut) ? getMetricsOut() : null, reportRequest(validationCol, started)));
                result.metrics().write();
                BestEpoch best = result.state().best();
                return new BackpropClassificationModel(uid(), result.state().model()).trainedWith(this,
                        new BackpropTrainingSummary(result.metrics().epochs(), best == null ? 0 : best.epoch(),
                                loaded.train().partitions()));
            }
        } catch (TrainingDiverged e) {
            throw e.namingSettings(new TrainingDiverged.SettingNames("stepSize", "stepSizeDecay"));
        } catch (Exception e) {
            // Spark throws its SparkException undeclared; a cluster lost for good is said as such
            LostExecutors.LostForGood verdict = lost.verdict(e);
            if (verdict != null) {
                throw verdict;
            }
            throw e;
        } finally {
            lost.close();
            context.sc().removeSparkListener(executorLoss);
        }
    }

    /** What reportDir asks of the run (null without it). */
    private LiveReport.Request reportRequest(String validationCol, long started) {
        if (!isDefined(reportDir)) {
            return null;
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put("train", validationCol == null ? "the DataFrame" : "the DataFrame's rows where " + validationCol
                + " is false");
        if (validationCol != null) {
            data.put("validation", "the DataFrame's rows where " + validationCol + " is true");
        }
        return new LiveReport.Request(getReportDir(), getReportEvery(), data, started);
    }

    /** What the settings do not hold but the bits depend on: the start and the validation rows. */
    private Map<String, String> startValues(String validationCol) {
        Map<String, String> values = new LinkedHashMap<>();
        if (isDefined(initialModel())) {
            values.put("init", "model " + DriverFiles.resolve(getInitialModel()));
        }
        values.put("validation", validationCol == null ? "none" : "column " + validationCol);
        return values;
    }

    private Parameters initialParameters(TrainingSettings settings) {
        Architecture architecture = settings.architecture();
        if (!isDefined(initialModel())) {
            return settings.initialization().initialize(architecture, settings.seed());
        }
        ModelFile.Stored stored = ModelFile.read(getInitialModel());
        stored.checkStartsFrom(architecture, uid() + ": ", "initialModel " + getInitialModel());
        return stored.parameters(architecture.output(), architecture.loss());
    }

    /**
     * The size in bytes of the model a fit would make ({@link BackpropClassificationModel#estimatedSize}),
     * from {@code layers} alone: Spark Connect plans its model cache by it (Spark 4's
     * {@code Estimator.estimateModelSize}). A label column of names adds the names' bytes, which
     * only the fit reads.
     */
    public long estimateModelSize(Dataset<?> dataset) {
        return BackpropClassificationModel.sizeInBytes(trainingSettings().architecture(), null);
    }

    @Override
    public BackpropClassifier copy(ParamMap extra) {
        return (BackpropClassifier) defaultCopy(extra);
    }

    public static MLReader<BackpropClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static BackpropClassifier load(String path) {
        return read().load(path);
    }
}
