package org.sparkbackprop.bench;

import static org.sparkbackprop.bench.Table.f;

import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.GradientDescent;
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
import org.sparkbackprop.training.EpochOrder;
import org.sparkbackprop.training.GradientSource;
import org.sparkbackprop.training.InProcessSource;

/**
 * What Spark adds to a step: the README's network [784,30,10] at batch 32, where the compute is
 * tiny, so the step is nearly all overhead. Each iteration runs the distributed step, the same
 * slices in-process on as many threads as partitions, and a trivial job (count of the cached
 * training RDD), interleaved so that noise hits all three alike.
 */
final class StepOverheadRow {
    static final int[] SIZES = {784, 30, 10};
    static final int BATCH = 32;
    private final boolean quick;

    StepOverheadRow(boolean quick) {
        this.quick = quick;
    }

    void measure(JavaSparkContext context, FashionMnist fashion, Table table) {
        Architecture architecture = new Architecture(SIZES, Activation.SIGMOID, Output.SOFTMAX);
        DistributedSource distributed = new DistributedSource(context, fashion.train, BATCH, Combine.ORDERED,
                AutoKernel.KERNEL);
        int partitions = fashion.trainPartitions.size();
        int warmup = quick ? 20 : 200;
        int measured = quick ? 30 : 400;
        Alternation jobs = alternate(fashion, architecture, distributed, distributed::lastStep,
                () -> fashion.train.blocks().count(), warmup, measured);
        double step = Timing.medianMillis(jobs.stepNanos());
        double compute = Timing.medianMillis(jobs.inProcessNanos());
        double trivial = Timing.medianMillis(jobs.betweenNanos());
        double ratio = (step - compute) / trivial;
        table.row("step overhead", f("%.2f trivial jobs", ratio), "<= 1.5", ratio <= 1.5, List.of(
                f("[784,30,10], batch %d, %d partitions, medians of %d steps: step %.2f ms, same slices in-process %.3f ms,"
                        + " trivial job %.2f ms", BATCH, partitions, measured, step, compute, trivial),
                f("step = broadcast %.2f + job %.2f (compute %.3f) + combine %.3f + destroy %.2f ms; Spark step = in-process step"
                        + " bit for bit: %s", jobs.part(0), jobs.part(1), jobs.part(2), jobs.part(3), jobs.part(4),
                        jobs.sameBits() ? "yes" : "NO")));
        measureResident(context, fashion, table, warmup, measured);
    }

    /**
     * Resident steps, each followed by the same slices in-process: what a step costs beyond its
     * compute when no Spark job carries it. The goal: at most 1 ms more than the in-process step.
     */
    private void measureResident(JavaSparkContext context, FashionMnist fashion, Table table, int warmup, int measured) {
        Architecture architecture = new Architecture(SIZES, Activation.SIGMOID, Output.SOFTMAX);
        DistributedSource jobs = new DistributedSource(context, fashion.train, BATCH, Combine.ORDERED, AutoKernel.KERNEL);
        GradientSource opened = ResidentSource.open(context, fashion.train, BATCH, architecture, jobs, BlockCache.MEMORY, Exchange.STAR);
        if (!(opened instanceof ResidentSource resident)) {
            table.row("resident step", "not run", "<= 1 ms", false,
                    List.of("resident steps cannot run here: see the log line above"));
            return;
        }
        Alternation steps;
        try (resident) {
            steps = alternate(fashion, architecture, resident, resident::lastStep, () -> { }, warmup, measured);
        }
        double step = Timing.medianMillis(steps.stepNanos());
        double compute = Timing.medianMillis(steps.inProcessNanos());
        double more = step - compute;
        table.row("resident step", f("%.2f ms over in-process", more), "<= 1 ms", more <= 1.0, List.of(
                f("[784,30,10], batch %d, %d partitions, medians of %d steps: resident step %.3f ms, same slices"
                        + " in-process %.3f ms", BATCH, fashion.trainPartitions.size(), measured, step, compute),
                f("step = send %.3f + wait for the sums %.3f (compute %.3f) ms; resident step = in-process step bit for"
                        + " bit: %s", steps.part(0), steps.part(1), steps.part(2), steps.sameBits() ? "yes" : "NO")));
    }

    /**
     * The timings of {@code warmup + measured} steps through a Spark source, each followed by the
     * same slices in-process and then {@code between} (timed too); {@code parts}: the source's
     * profile of each step, broadcast (send), job (wait), compute, combine, release.
     */
    private record Alternation(long[] stepNanos, long[] inProcessNanos, long[] betweenNanos, long[][] parts,
                               boolean sameBits) {
        double part(int index) {
            return Timing.medianMillis(parts[index]);
        }
    }

    private static Alternation alternate(FashionMnist fashion, Architecture architecture, GradientSource source,
                                         Supplier<StepProfile> profiles, Runnable between, int warmup, int measured) {
        Parameters parameters = Initialization.SCALED.initialize(architecture, 1);
        GradientDescent descent = new GradientDescent(0.5);
        long[] stepNanos = new long[measured];
        long[] inProcessNanos = new long[measured];
        long[] betweenNanos = new long[measured];
        long[][] parts = new long[5][measured];
        boolean sameBits = true;
        EpochOrder order = new EpochOrder(1, 0, fashion.train.exampleCount());
        try (InProcessSource inProcess = new InProcessSource(fashion.trainPartitions, architecture, BATCH,
                fashion.trainPartitions.size(), AutoKernel.products())) {
            for (int i = 0; i < warmup + measured; i++) {
                long[] batch = order.batch(i % order.batchCount(BATCH), BATCH);
                long started = System.nanoTime();
                Gradients sums = source.sumGradients(parameters, batch);
                long stepped = System.nanoTime();
                Gradients reference = inProcess.sumGradients(parameters, batch);
                long computed = System.nanoTime();
                between.run();
                long after = System.nanoTime();
                Parameters viaSpark = parameters.copy();
                descent.apply(sums, viaSpark);
                descent.apply(reference, parameters);
                sameBits &= viaSpark.bitwiseEquals(parameters);
                if (i >= warmup) {
                    int m = i - warmup;
                    stepNanos[m] = stepped - started;
                    inProcessNanos[m] = computed - stepped;
                    betweenNanos[m] = after - computed;
                    StepProfile profile = profiles.get();
                    parts[0][m] = profile.broadcastNanos();
                    parts[1][m] = profile.jobNanos();
                    parts[2][m] = profile.computeNanos();
                    parts[3][m] = profile.combineNanos();
                    parts[4][m] = profile.releaseNanos();
                }
            }
        }
        return new Alternation(stepNanos, inProcessNanos, betweenNanos, parts, sameBits);
    }
}
