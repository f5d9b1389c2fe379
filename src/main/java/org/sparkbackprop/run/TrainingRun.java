package org.sparkbackprop.run;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.checkpoint.Checkpoint;
import org.sparkbackprop.checkpoint.CheckpointPolicy;
import org.sparkbackprop.checkpoint.CheckpointStore;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.HoldOut;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.resident.Exchange;
import org.sparkbackprop.spark.resident.ResidentSource;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.spark.step.KernelCheck;
import org.sparkbackprop.spark.step.StepMode;
import org.sparkbackprop.training.EpochOrder;
import org.sparkbackprop.training.GradientSource;
import org.sparkbackprop.training.LearningRateDecay;
import org.sparkbackprop.training.MiniBatchTrainer;
import org.sparkbackprop.training.TrainingPosition;
import org.sparkbackprop.training.TrainingSettings;
import org.sparkbackprop.training.TrainingState;
import scala.util.Properties;

/**
 * One training run on Spark, as every front end runs it (the command line's {@code train} and the
 * Spark ML estimator): the loaded examples are split (a held-out validation set, when asked), the
 * executors' kernel checked, the run logged, its checkpoints found and resumed, the step sources
 * built (resident tasks or jobs, with the chosen combining and kernel), the mini-batch trainer run
 * with progress, metrics and checkpoints listening, the kept model scored, and the caches
 * released. What differs between front ends is only where the examples come from and what is
 * done with the result.
 * <pre>
 * try (TrainingRun run = TrainingRun.split(loaded, test, holdOut, cache)) {
 *     TrainingRun.Result result = run.train(context, request);
 * }
 * </pre>
 */
public final class TrainingRun implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    private final CachedExamples train;
    private final CachedExamples validation;
    private final CachedExamples test;

    /** How the steps run: none of it changes the math, only the kernel and the combining change bits. */
    public record Execution(StepMode stepMode, Combine combine, Exchange exchange, Blas.Selection kernel,
                            BlockCache cache) {
    }

    /**
     * Checkpoints in {@code store} (null: none) every {@code every} steps and at every epoch's end;
     * {@code resume}: go on from the newest valid one.
     */
    public record Checkpointing(CheckpointStore store, int every, boolean resume) {
        public static final Checkpointing NONE = new Checkpointing(null, 0, false);
        /** Steps between checkpoints within an epoch unless told otherwise. */
        public static final int DEFAULT_EVERY = 500;
        /** Checkpoints kept unless told otherwise. */
        public static final int DEFAULT_KEEP = 2;

        public Checkpointing {
            if (every < 0) {
                throw new BadInputException("checkpoint-every must be 0 or a positive integer, got " + every);
            }
            if (resume && store == null) {
                throw new BadInputException("resume needs --checkpoint-dir, the directory to resume from");
            }
        }
    }

    /**
     * What to train: the settings, how the steps run, the initial parameters, and what else the
     * front end set that decides the bits ({@code startValues}: the init model, the validation
     * set's choice; shown with the settings and fingerprinted). {@code dataFingerprint}: what
     * identifies the training data beyond its count and partitions, for checkpoints.
     * {@code metricsOut}: where the metrics file goes (null: none), rewritten after every epoch.
     * {@code report}: the report to keep current while the run goes on (null: none); the kept
     * model is scored at the end for it.
     */
    public record Request(TrainingSettings settings, Execution how, Parameters initial,
                          Map<String, String> startValues, Map<String, String> dataFingerprint,
                          Checkpointing checkpointing, String metricsOut, LiveReport.Request report) {
    }

    /** What a run ends with: its end state and every epoch's metrics. */
    public record Result(TrainingState state, MetricsLog metrics) {
    }

    private TrainingRun(CachedExamples train, CachedExamples validation, CachedExamples test) {
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    /**
     * The run's data: {@code loaded} less what {@code holdOut} (null for none) keeps for
     * validation, and {@code test} (null for none).
     */
    public static TrainingRun split(CachedExamples loaded, CachedExamples test, HoldOut holdOut, BlockCache cache) {
        if (holdOut == null) {
            return new TrainingRun(loaded, null, test);
        }
        CachedExamples.Split split = loaded.split(holdOut, cache);
        return new TrainingRun(split.kept(), split.heldOut(), test);
    }

    /** The run's data as given: training examples, and validation and test examples (each null for none). */
    public static TrainingRun of(CachedExamples train, CachedExamples validation, CachedExamples test) {
        return new TrainingRun(train, validation, test);
    }

    /**
     * Trains as {@code request} says, from the newest valid checkpoint when it asks to resume,
     * logging the run, its progress and every epoch's metrics.
     */
    public Result train(JavaSparkContext context, TrainingRun.Request request) {
        TrainingSettings settings = request.settings();
        Execution how = request.how();
        KernelCheck.onExecutors(context, train, how.kernel().kernel());
        LOG.info("training {} on {} examples of {} in {} partitions{}; {} epochs, batch size {}, learning rate"
                        + " {}{}, momentum {}, L2 {}, {} combining; on Spark {}", settings.architecture(), train.exampleCount(),
                train.source(), train.partitions(),
                validation == null ? "" : ", validating on " + validation.exampleCount(),
                settings.epochs(), settings.batchSize(), settings.learningRate(),
                settings.learningRateDecay() == LearningRateDecay.NONE ? ""
                        : " (decay " + settings.learningRateDecay().describe() + ")",
                settings.momentum(), settings.l2(), how.combine().id(), sparkVersion(context));
        Blas.log(how.kernel());

        Map<String, String> settingValues = settingValues(request);
        MetricsLog metrics = new MetricsLog(settings.epochs(), settings.architecture().output(), how.kernel().kernel(),
                request.metricsOut());
        CheckpointPolicy checkpoints = checkpoints(request.checkpointing(), fingerprint(request, settingValues), settings,
                metrics);
        TrainingState start = TrainingState.startingFrom(request.initial());
        TrainingPosition position = TrainingPosition.START;
        Checkpoint resumed = checkpoints != null && request.checkpointing().resume()
                ? checkpoints.resumable(settings.epochs()) : null;
        if (resumed != null) {
            start = resumed.state();
            position = resumed.position();
            metrics.restore(resumed.metrics());
        }

        LiveReport report = request.report() == null ? null : new LiveReport(request.report(),
                settings.architecture().output(), settings.epochs(), metrics, reportSettings(request.report(),
                        settingValues, how));
        try {
            TrainingState end = train(context, request, start, position, metrics, checkpoints, report);
            DistributedSource scored = scoredSource(context, request);
            Scores keptScores = report == null || scored == null ? null : scored.score(end.model());
            String scoredSet = test != null ? "test" : "validation";
            if (report != null) {
                report.finished(end, keptScores, scoredSet);
            }
            return new Result(end, metrics);
        } catch (RuntimeException | Error e) {
            if (report != null) {
                report.stopped(e);
            }
            throw e;
        } finally {
            if (report != null) {
                report.close();
            }
        }
    }

    private TrainingState train(JavaSparkContext context, Request request, TrainingState start,
                                TrainingPosition position, MetricsLog metrics, CheckpointPolicy checkpoints,
                                LiveReport report) {
        TrainingSettings settings = request.settings();
        Execution how = request.how();
        int batchSize = settings.batchSize();
        DistributedSource testSource = test == null ? null
                : new DistributedSource(context, test, batchSize, Combine.ORDERED, how.kernel().kernel());
        DistributedSource validationSource = validation == null ? null
                : new DistributedSource(context, validation, batchSize, Combine.ORDERED, how.kernel().kernel());
        DistributedSource jobs = new DistributedSource(context, train, batchSize, how.combine(), how.kernel().kernel());
        TrainingState end;
        try (GradientSource steps = how.stepMode() == StepMode.RESIDENT
                ? ResidentSource.open(context, train, batchSize, settings.architecture(), jobs, how.cache(),
                        how.exchange()) : jobs;
             Progress progress = Progress.forThisProcess(settings.epochs())) {
            end = new MiniBatchTrainer(settings).train(start, position, steps, testSource, validationSource,
                    new Listeners(progress, metrics, checkpoints, report));
        }
        return end;
    }

    /** Where the kept model is scored for the report: the test set, else the validation set; null for neither. */
    private DistributedSource scoredSource(JavaSparkContext context, Request request) {
        CachedExamples scored = test != null ? test : validation;
        return scored == null ? null : new DistributedSource(context, scored, request.settings().batchSize(),
                Combine.ORDERED, request.how().kernel().kernel());
    }

    /** The report's Settings section: the data with their counts, every setting, and the kernel in words. */
    private Map<String, String> reportSettings(LiveReport.Request report, Map<String, String> settingValues,
                                               Execution how) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("train", report.data().get("train") + " (" + train.exampleCount() + " examples)");
        if (validation != null) {
            rows.put("validation", report.data().getOrDefault("validation", "held out") + " ("
                    + validation.exampleCount() + " examples)");
        }
        rows.put("test", report.data().getOrDefault("test", "none"));
        // the data's rows say more than a setting of the same name (the estimator's validation column)
        settingValues.forEach(rows::putIfAbsent);
        rows.put("matrix products", how.kernel().description());
        return rows;
    }

    /** The Spark and Scala this run is on, e.g. {@code 4.2.0 (Scala 2.13)}: each Spark line has its own build. */
    static String sparkVersion(JavaSparkContext context) {
        String scalaVersion = Properties.versionNumberString();
        return context.version() + " (Scala " + scalaVersion.substring(0, scalaVersion.lastIndexOf('.')) + ")";
    }

    private CheckpointPolicy checkpoints(Checkpointing checkpointing, Map<String, String> fingerprint,
                                    TrainingSettings settings, MetricsLog metrics) {
        if (checkpointing.store() == null) {
            return null;
        }
        long stepsPerEpoch = new EpochOrder(settings.seed(), 0, train.exampleCount()).batchCount(settings.batchSize());
        return new CheckpointPolicy(checkpointing.store(), checkpointing.every(), fingerprint, stepsPerEpoch, metrics::lines);
    }

    /**
     * Every setting of the run by its option's name, as the report lists them: the training
     * settings' own ({@link TrainingSettings#values}, so none is left out), what the front end
     * adds, and the execution's choices that decide the bits of a step too.
     */
    private static Map<String, String> settingValues(Request request) {
        Map<String, String> values = new LinkedHashMap<>(request.settings().values());
        values.putAll(request.startValues());
        values.put("combine", request.how().combine().id());
        // the bits depend on the kernel: a checkpoint made with another one is not resumed
        values.put("blas", request.how().kernel().kernel().label());
        return values;
    }

    /**
     * Everything that decides the bits of the model's steps, as a checkpoint records it: the
     * settings, the data's partitions and count and what identifies it. Not the number of epochs
     * (resuming with more goes on past the end) nor the test data.
     */
    private Map<String, String> fingerprint(Request request, Map<String, String> settingValues) {
        Map<String, String> fingerprint = new TreeMap<>(request.dataFingerprint());
        fingerprint.putAll(settingValues);
        // more epochs go on past the end of a finished run
        fingerprint.remove("epochs");
        fingerprint.put("partitions", Integer.toString(train.partitions()));
        fingerprint.put("train", train.source());
        fingerprint.put("train examples", Long.toString(train.exampleCount()));
        return fingerprint;
    }

    /** Releases every cache of the run. */
    @Override
    public void close() {
        for (CachedExamples released : new CachedExamples[] {train, validation, test}) {
            if (released != null) {
                released.release();
            }
        }
    }
}
