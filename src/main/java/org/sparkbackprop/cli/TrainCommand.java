package org.sparkbackprop.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.checkpoint.CheckpointStore;
import org.sparkbackprop.checkpoint.DataFingerprint;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.HoldOut;
import org.sparkbackprop.files.DriverFiles;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.run.LiveReport;
import org.sparkbackprop.run.TrainingRun;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.input.IdxSource;
import org.sparkbackprop.spark.LostExecutors;
import org.sparkbackprop.spark.input.PartitionCount;
import org.sparkbackprop.spark.resident.Exchange;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.StepMode;
import org.sparkbackprop.training.TrainingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: mini-batch gradient descent on Spark, writing the model as network2 JSON. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a network by backpropagation with cross-entropy loss on Spark.")
final class TrainCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Mixin
    DataSetOptions dataSet;

    @Option(names = "--train", paramLabel = "PATH", description = "Training data: a file or directory in any format of --format (a directory in MNIST's layout: its train set).")
    String train;

    @Option(names = "--test", paramLabel = "PATH", description = "Test data, scored after every epoch.")
    String test;

    @Option(names = "--layers", paramLabel = "SIZES", split = ",", arity = "1",
            description = "Layer sizes, input first (default: 784,30,10, or those of --init-model).")
    int[] layers;

    @Option(names = "--output", paramLabel = "OUTPUT",
            description = "softmax (single label, categorical cross-entropy) or sigmoid (multi-label, binary cross-entropy). Default: softmax, or that of --init-model.")
    Output output;

    @Option(names = "--activation", paramLabel = "ACTIVATION",
            description = "The hidden layers' activation: sigmoid (network2's), tanh or relu. Default: sigmoid, or that of"
                    + " --init-model.")
    Activation activation;

    @Option(names = "--loss", paramLabel = "LOSS",
            description = "cross-entropy (δ = a − y) or quadratic (sigmoid output only: J = ½‖a − y‖², δ = (a − y) ∘ σ'(z),"
                    + " the tutorial's first network). Default: cross-entropy, or that of --init-model.")
    Loss loss;

    @Mixin
    TrainingOptions training;

    @Option(names = "--validation-fraction", paramLabel = "F",
            description = "Hold out this fraction of the training data to validate on after every epoch: example i is"
                    + " held out when ⌊(i+1)F⌋ > ⌊iF⌋ (i its place in the input), spread evenly, the same on any cluster.")
    Double validationFraction;

    @Option(names = "--combine", defaultValue = "ordered", paramLabel = "HOW",
            description = "ordered: the driver adds every partition's sum in partition order; tree: a shuffle adds them in runs"
                    + " first, so the driver receives one sum per core (for many partitions of a large model). Both are"
                    + " reproducible; their bits differ (default: ${DEFAULT-VALUE}).")
    Combine combine;

    @Option(names = "--exchange", defaultValue = "auto", paramLabel = "HOW",
            description = "How resident steps move weights and sums on a cluster. star: the driver sends every task all"
                    + " the weights and adds all sums (2·P·M bytes a step through the driver for P tasks, M bytes of"
                    + " weights); sliced: each task owns a slice of the parameters and the tasks pass slices to each other"
                    + " (about 2·M through the driver whatever P is); auto: whichever ran the first steps faster. The same"
                    + " bits all three (default: ${DEFAULT-VALUE}).")
    Exchange exchange;

    @Option(names = "--step-mode", defaultValue = "resident", paramLabel = "MODE",
            description = "resident: one long-lived task per partition for each epoch's steps, sent each step's weights"
                    + " and batch over a socket; job: a Spark job per step. The same bits either way; resident falls back"
                    + " to jobs, saying why, where it cannot run (default: ${DEFAULT-VALUE}).")
    StepMode stepMode;

    @Mixin
    BlasOption blas;

    @Option(names = "--init-model", paramLabel = "FILE", description = "Start from this model file instead of --init:"
            + " a local path, a file shipped with spark-submit --files, or any Hadoop file system's URI.")
    String initModel;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Write checkpoints here (the driver's local disk, or any Hadoop file system's URI), atomically, every"
                    + " --checkpoint-every steps and at every epoch's end.")
    String checkpointDir;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "" + TrainingRun.Checkpointing.DEFAULT_EVERY,
            description = "Steps between checkpoints within an epoch; 0 for epoch ends only (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--keep-checkpoints", paramLabel = "K", defaultValue = "" + TrainingRun.Checkpointing.DEFAULT_KEEP,
            description = "How many of the newest checkpoints to keep (default: ${DEFAULT-VALUE}).")
    int keepCheckpoints;

    @Option(names = "--resume", description = "Go on from the newest valid checkpoint in --checkpoint-dir, to the model"
            + " an uninterrupted run makes; refused when the settings or data differ. Starts afresh when there is none.")
    boolean resume;

    @Option(names = "--model-out", paramLabel = "FILE", description = "Write the trained model here (network2 JSON, atomically): the driver's local disk, or any"
            + " Hadoop file system's URI (hdfs://, s3a://, file://).")
    String modelOut;

    @Option(names = "--metrics-out", paramLabel = "FILE", description = "Write one JSON line per epoch here (a local path or any Hadoop file system's URI).")
    String metricsOut;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write a report here: charts (PNG) of loss and accuracy per epoch, the confusion matrix or"
                    + " per-label F1, and index.html with the settings, timings and results; kept current while the"
                    + " run goes on (--report-every).")
    String report;

    @Option(names = "--report-every", paramLabel = "SECONDS", defaultValue = "" + LiveReport.DEFAULT_EVERY_SECONDS,
            description = "Refresh --report after an epoch once this many seconds have passed since it was last"
                    + " written; 0: after every epoch (default: ${DEFAULT-VALUE}).")
    double reportEvery;

    @Override
    public Integer call() {
        if (train == null) {
            throw new BadInputException("train: --train is required (the training data)");
        }
        DataPaths.requireKeptInClusterMode("--model-out", modelOut);
        DataPaths.requireKeptInClusterMode("--metrics-out", metricsOut);
        DataPaths.requireKeptInClusterMode("--report", report);
        DataPaths.requireKeptInClusterMode("--checkpoint-dir", checkpointDir);
        dataSet.requireExists("--train", train);
        if (test != null) {
            dataSet.requireExists("--test", test);
        }
        dataSet.validate();
        LiveReport.Request.checkRefresh(reportEvery);
        TrainingRun.Checkpointing checkpointing = new TrainingRun.Checkpointing(checkpointDir == null ? null
                : new CheckpointStore(checkpointDir, keepCheckpoints), checkpointEvery, resume);
        HoldOut holdOut = holdOut();
        if (training.earlyStopPatience > 0 && test == null && holdOut == null) {
            throw new BadInputException("early-stop-patience needs a loss to watch: give --validation-fraction or --test");
        }
        ModelFile.Stored stored = initModel == null ? null : ModelFile.read(initModel);
        Architecture architecture = architecture(stored);
        TrainingSettings settings = training.settings(architecture);
        Parameters initial = stored != null ? stored.parameters(architecture.output(), architecture.loss())
                : settings.initialization().initialize(architecture, settings.seed());
        Blas.Selection kernel = blas.select();

        long started = System.nanoTime();
        Map<String, String> startValues = new LinkedHashMap<>();
        if (initModel != null) {
            startValues.put("init", "model " + DriverFiles.resolve(initModel));
        }
        startValues.put("validation-fraction", validationFraction == null ? "none" : validationFraction.toString());
        TrainingRun.Execution how = new TrainingRun.Execution(stepMode, combine, exchange, kernel, dataSet.cache);
        AtomicReference<List<String>> classNames = new AtomicReference<>();
        TrainingRun.Result finished;
        try {
            finished = train(checkpointing, architecture, settings, initial, startValues, how, classNames, stored,
                    holdOut, reportRequest(started));
        } catch (LostExecutors.LostForGood lost) {
            throw new BadInputException(lost.getMessage() + "; " + resumeHint(checkpointing), lost);
        }
        Parameters trained = finished.state().model();
        if (modelOut != null) {
            try {
                ModelFile.write(trained, classNames.get(), modelOut);
            } catch (IOException e) {
                throw new UncheckedIOException(modelOut + ": cannot write the model (" + e.getMessage() + ")", e);
            }
            LOG.info("model written to {}", DriverFiles.resolve(modelOut));
        }
        finished.metrics().write();
        return ExitCodes.OK;
    }

    /** What --report asks of the run (null without it): the directory, its refresh, the data by their options. */
    private LiveReport.Request reportRequest(long started) {
        if (report == null) {
            return null;
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put("train", train);
        if (validationFraction != null) {
            data.put("validation", "fraction " + validationFraction + " of the training data");
        }
        data.put("test", test == null ? "none" : test);
        return new LiveReport.Request(report, reportEvery, data, started);
    }

    /** Loads the data and trains on Spark, which starts and stops here; class names, where the labels are names, to {@code classNames}. */
    private TrainingRun.Result train(TrainingRun.Checkpointing checkpointing, Architecture architecture,
                                     TrainingSettings settings, Parameters initial, Map<String, String> startValues,
                                     TrainingRun.Execution how, AtomicReference<List<String>> classNames,
                                     ModelFile.Stored stored, HoldOut holdOut, LiveReport.Request reportRequest) {
        return SparkRun.with("spark-backprop train", context -> {
            PartitionCount.Choice partitions = dataSet.partitionChoice(context);
            int partitionCount = partitions.count();
            CachedExamples loaded = DataSetReader.load(context, train, dataSet, IdxSource.Role.TRAIN,
                    architecture.inputSize(), architecture.outputSize(), partitionCount);
            if (stored != null && stored.classNames() != null
                    && !stored.classNames().equals(loaded.classNames())) {
                throw new BadInputException("--init-model " + initModel + ": its classes " + stored.classNames()
                        + " are not those of " + train + ", " + (loaded.classNames() == null ? "whose labels are indices"
                        : loaded.classNames()));
            }
            // labels given as names: the test data's are the training data's classes
            CachedExamples testExamples = test == null ? null : DataSetReader.load(context, test, dataSet,
                    IdxSource.Role.TEST, architecture.inputSize(), architecture.outputSize(), partitionCount,
                    loaded.classNames());
            classNames.set(loaded.classNames());
            Map<String, String> dataFingerprint = new TreeMap<>(dataSet.fingerprint());
            dataFingerprint.put("train files", dataSet.readsTable()
                    ? DataFingerprint.ofFiles("table " + train, List.of(SparkSession.active().table(train).inputFiles()),
                            context.hadoopConfiguration())
                    : DataFingerprint.of(train, context.hadoopConfiguration()));
            try (TrainingRun run = TrainingRun.split(loaded, testExamples, holdOut, dataSet.cache)) {
                if (dataSet.partitions == null) {
                    partitions.log();
                }
                return run.train(context, new TrainingRun.Request(settings, how, initial, startValues, dataFingerprint,
                        checkpointing, metricsOut, reportRequest));
            }
        });
    }

    /** Where a run whose cluster was lost goes on from. */
    private static String resumeHint(TrainingRun.Checkpointing checkpointing) {
        if (checkpointing.store() == null) {
            return "no checkpoints were written (--checkpoint-dir), so the run starts again from the beginning";
        }
        try {
            return checkpointing.store().newest().map(checkpoint -> "the last checkpoint in " + checkpointing.store()
                    + " has " + checkpoint.position().epochsDone() + " epochs and " + checkpoint.position().stepsDone()
                    + " steps done: run the same command with --resume to go on from it")
                    .orElse("no checkpoint was written yet in " + checkpointing.store());
        } catch (IOException e) {
            return "the checkpoints in " + checkpointing.store() + " cannot be read (" + e.getMessage() + ")";
        }
    }

    /** The network's shape from --layers and --output, which must agree with --init-model when both are given. */
    private Architecture architecture(ModelFile.Stored stored) {
        int[] sizes = layers != null ? layers : stored != null ? stored.sizes() : Architecture.defaultSizes();
        Output chosenOutput = output != null ? output
                : stored != null && stored.output() != null ? stored.output() : Output.SOFTMAX;
        Loss chosenLoss = loss != null ? loss
                : stored != null && stored.loss() != null ? stored.loss() : Loss.CROSS_ENTROPY;
        Activation chosenActivation = activation != null ? activation
                : stored != null ? stored.activation() : Activation.SIGMOID;
        Architecture architecture;
        try {
            architecture = new Architecture(sizes, chosenActivation, chosenOutput, chosenLoss);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        if (stored != null) {
            stored.checkStartsFrom(architecture, "", initModel);
        }
        return architecture;
    }

    /** The examples --validation-fraction holds out, or null without it. */
    private HoldOut holdOut() {
        if (validationFraction == null) {
            return null;
        }
        try {
            return new HoldOut(validationFraction);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }
}
