package org.sparkbackprop.bench;

import static org.sparkbackprop.bench.Table.f;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.resident.Exchange;
import org.sparkbackprop.spark.resident.ResidentSource;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.spark.step.StepProfile;
import org.sparkbackprop.training.GradientSource;
import org.sparkbackprop.training.InProcessSource;
import org.sparkbackprop.training.MiniBatchTrainer;
import org.sparkbackprop.training.TrainingSettings;

/**
 * A whole epoch on Spark (resident steps, the default) against the in-process trainer on as
 * many threads as Spark has partitions, same data, same partitions, at batch 512 and at batch
 * 32. Epochs alternate between the two.
 */
final class SparkEfficiencyRow {
    static final int[] SIZES = {784, 100, 10};
    static final int[] BATCHES = {512, 32};
    private final boolean quick;

    SparkEfficiencyRow(boolean quick) {
        this.quick = quick;
    }

    void measure(JavaSparkContext context, FashionMnist fashion, Table table) {
        for (int batch : BATCHES) {
            measure(context, fashion, table, batch);
        }
    }

    private void measure(JavaSparkContext context, FashionMnist fashion, Table table, int batch) {
        Architecture architecture = new Architecture(SIZES, Activation.SIGMOID, Output.SOFTMAX);
        TrainingSettings settings = TrainingSettings.of(architecture).epochs(1).batchSize(batch).learningRate(0.5).seed(1).build();
        Parameters initial = Initialization.SCALED.initialize(architecture, 1);
        int partitions = fashion.trainPartitions.size();
        int repeats = quick ? 1 : 3;
        long[] sparkNanos = new long[repeats];
        long[] inProcessNanos = new long[repeats];
        boolean sameBits = true;
        DistributedSource jobs = new DistributedSource(context, fashion.train, batch, Combine.ORDERED, AutoKernel.KERNEL);
        GradientSource opened = ResidentSource.open(context, fashion.train, batch, architecture, jobs, BlockCache.MEMORY, Exchange.STAR);
        String mode = opened instanceof ResidentSource ? "resident" : "job";
        List<StepProfile> profiles = new ArrayList<>();
        GradientSource distributed = new GradientSource() {
            @Override
            public long exampleCount() {
                return opened.exampleCount();
            }

            @Override
            public Gradients sumGradients(Parameters parameters, long[] sortedBatch) {
                Gradients sums = opened.sumGradients(parameters, sortedBatch);
                profiles.add(opened instanceof ResidentSource resident ? resident.lastStep() : jobs.lastStep());
                return sums;
            }

            @Override
            public void epochStepsDone() {
                opened.epochStepsDone();
            }
        };
        try (InProcessSource inProcess = new InProcessSource(fashion.trainPartitions, architecture, batch, partitions, AutoKernel.products())) {
            MiniBatchTrainer trainer = new MiniBatchTrainer(settings);
            trainer.train(initial, inProcess, null, (metrics, parameters) -> { });
            trainer.train(initial, distributed, null, (metrics, parameters) -> { });
            profiles.clear();
            for (int r = 0; r < repeats; r++) {
                long started = System.nanoTime();
                Parameters local = trainer.train(initial, inProcess, null, (metrics, parameters) -> { });
                long between = System.nanoTime();
                Parameters viaSpark = trainer.train(initial, distributed, null, (metrics, parameters) -> { });
                long ended = System.nanoTime();
                inProcessNanos[r] = between - started;
                sparkNanos[r] = ended - between;
                sameBits &= local.bitwiseEquals(viaSpark);
            }
        } finally {
            if (opened instanceof ResidentSource resident) {
                resident.close();
            }
        }
        double sparkSeconds = Timing.medianMillis(sparkNanos) / 1e3;
        double local = Timing.medianMillis(inProcessNanos) / 1e3;
        double ratio = sparkSeconds / local;
        long steps = (fashion.train.exampleCount() + batch - 1) / batch;
        table.row("Spark efficiency b" + batch, f("%.2f x in-process epoch", ratio), "<= 1.3", ratio <= 1.3, List.of(
                f("[784,100,10], batch %d, %d steps, %s steps, median of %d epochs: %s %.2f s, in-process on %d threads"
                        + " %.2f s (%.2f ms a step more on Spark)", batch, steps, mode, repeats, context.master(),
                        sparkSeconds, partitions, local, (sparkSeconds - local) * 1e3 / steps),
                f("a Spark step, medians: send %.2f + wait for the sums %.2f (compute %.2f) + combine %.2f + release %.2f ms;"
                        + " same model bits on both: %s", median(profiles, StepProfile::broadcastNanos),
                        median(profiles, StepProfile::jobNanos), median(profiles, StepProfile::computeNanos),
                        median(profiles, StepProfile::combineNanos), median(profiles, StepProfile::releaseNanos),
                        sameBits ? "yes" : "NO")));
    }

    private static double median(List<StepProfile> profiles, ToLongFunction<StepProfile> part) {
        return Timing.medianMillis(profiles.stream().mapToLong(part).toArray());
    }
}
