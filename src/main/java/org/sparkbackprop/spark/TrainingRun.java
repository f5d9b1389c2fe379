package org.sparkbackprop.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.data.HoldOut;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.training.GradientSource;
import org.sparkbackprop.training.MiniBatchTrainer;
import org.sparkbackprop.training.TrainingListener;
import org.sparkbackprop.training.TrainingPosition;
import org.sparkbackprop.training.TrainingSettings;
import org.sparkbackprop.training.TrainingState;

/**
 * One training run on Spark, as every front end runs it: the loaded examples are split (a held-out
 * validation set, when asked), the step sources built (resident tasks or jobs, with the chosen
 * combining and kernel), the mini-batch trainer run, the kept model scored, and the caches
 * released. The command line loads the data and wires checkpoints and progress around it; a
 * library call can do the same with examples loaded from a DataFrame.
 * <pre>
 * try (TrainingRun run = TrainingRun.split(loaded, test, holdOut, cache)) {
 *     // checkpoints and resuming, fingerprinted by run.train()
 *     TrainingRun.Result result = run.train(context, settings, how, start, position, listener, scoreKept);
 * }
 * </pre>
 */
public final class TrainingRun implements AutoCloseable {
    private final CachedExamples train;
    private final CachedExamples validation;
    private final CachedExamples test;

    /** How the steps run: none of it changes the math, only the kernel and the combining change bits. */
    public record Execution(StepMode stepMode, Combine combine, Kernel kernel, BlockCache cache) {
    }

    /**
     * What a run ends with: its end state, the kept model's scores on the test set (else the
     * validation set; null when neither, or not asked for) and which set that was.
     */
    public record Result(TrainingState state, Scores keptScores, String scoredSet, long trainExamples,
                         long validationExamples) {
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

    /** The examples the steps train on. */
    public CachedExamples train() {
        return train;
    }

    /** The held-out examples, or null. */
    public CachedExamples validation() {
        return validation;
    }

    /**
     * Trains from {@code start} at {@code position} and, when {@code scoreKept}, scores the kept
     * model for a report. {@code listener} hears every step and epoch.
     */
    public Result train(JavaSparkContext context, TrainingSettings settings, Execution how, TrainingState start,
                        TrainingPosition position, TrainingListener listener, boolean scoreKept) {
        int batchSize = settings.batchSize();
        DistributedSource testSource = test == null ? null
                : new DistributedSource(context, test, batchSize, Combine.ORDERED, how.kernel());
        DistributedSource validationSource = validation == null ? null
                : new DistributedSource(context, validation, batchSize, Combine.ORDERED, how.kernel());
        DistributedSource jobs = new DistributedSource(context, train, batchSize, how.combine(), how.kernel());
        GradientSource steps = how.stepMode() == StepMode.RESIDENT
                ? ResidentSource.open(context, train, batchSize, settings.architecture(), jobs, how.cache()) : jobs;
        TrainingState end;
        try {
            end = new MiniBatchTrainer(settings).train(start, position, steps, testSource, validationSource, listener);
        } finally {
            if (steps instanceof ResidentSource resident) {
                resident.close();
            }
        }
        DistributedSource scored = testSource != null ? testSource : validationSource;
        Scores keptScores = !scoreKept || scored == null ? null : scored.score(end.model());
        return new Result(end, keptScores, testSource != null ? "test" : "validation", train.exampleCount(),
                validation == null ? 0 : validation.exampleCount());
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
