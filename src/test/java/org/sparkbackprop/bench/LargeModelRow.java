package org.sparkbackprop.bench;

import static org.sparkbackprop.bench.Table.f;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.GradientDescent;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.spark.step.StepProfile;
import org.sparkbackprop.training.EpochOrder;
import org.sparkbackprop.training.InProcessSource;

/**
 * [784,1000,1000,10] at batch 512: a step where the weights (14 MB) and the compute both count,
 * with native BLAS, and the same steps' compute on EJML alternating with them (the goal: native
 * at least 4 x faster).
 */
final class LargeModelRow {
    static final int[] SIZES = {784, 1000, 1000, 10};
    static final int BATCH = 512;
    private final boolean quick;

    LargeModelRow(boolean quick) {
        this.quick = quick;
    }

    void measure(JavaSparkContext context, FashionMnist fashion, Table table) {
        Architecture architecture = new Architecture(SIZES, Activation.SIGMOID, Output.SOFTMAX);
        Parameters parameters = Initialization.SCALED.initialize(architecture, 1);
        GradientDescent descent = new GradientDescent(0.1);
        Kernel kernel = Blas.select(Blas.Choice.AUTO).kernel();
        DistributedSource distributed = new DistributedSource(context, fashion.train, BATCH, Combine.ORDERED, kernel);
        DistributedSource onEjml = new DistributedSource(context, fashion.train, BATCH, Combine.ORDERED, Kernel.EJML);
        int partitions = fashion.trainPartitions.size();
        int warmup = quick ? 1 : 3;
        int measured = quick ? 2 : 8;
        long[][] parts = new long[8][measured];
        EpochOrder order = new EpochOrder(1, 0, fashion.train.exampleCount());
        try (InProcessSource inProcess = new InProcessSource(fashion.trainPartitions, architecture, BATCH, partitions,
                Blas.products(kernel))) {
            for (int i = 0; i < warmup + measured; i++) {
                long[] batch = order.batch(i, BATCH);
                long started = System.nanoTime();
                Gradients sums = distributed.sumGradients(parameters, batch);
                long summed = System.nanoTime();
                descent.apply(sums, parameters);
                long updated = System.nanoTime();
                inProcess.sumGradients(parameters, batch);
                long computed = System.nanoTime();
                onEjml.sumGradients(parameters, batch);
                if (i >= warmup) {
                    int m = i - warmup;
                    StepProfile profile = distributed.lastStep();
                    parts[0][m] = updated - started;
                    parts[1][m] = profile.broadcastNanos();
                    parts[2][m] = profile.jobNanos();
                    parts[3][m] = profile.computeNanos();
                    parts[4][m] = profile.combineNanos() + profile.releaseNanos();
                    parts[5][m] = updated - summed;
                    parts[6][m] = computed - updated;
                    parts[7][m] = onEjml.lastStep().computeNanos();
                }
            }
        }
        double step = Timing.medianMillis(parts[0]);
        double job = Timing.medianMillis(parts[2]);
        double compute = Timing.medianMillis(parts[3]);
        double ejmlCompute = Timing.medianMillis(parts[7]);
        List<String> notes = List.of(
                f("[784,1000,1000,10] (%,d weights), batch %d, %d partitions, %s, medians of %d steps: a step %.0f ms:",
                        architecture.parameterCount(), BATCH, partitions, kernel == Kernel.NATIVE ? "native BLAS" : "EJML",
                        measured, step),
                f("broadcast %.1f ms, compute %.1f ms (slowest partition), rest of the job %.1f ms (ship tasks and results),"
                        + " combine %.1f ms, update %.1f ms", Timing.medianMillis(parts[1]), compute, job - compute,
                        Timing.medianMillis(parts[4]), Timing.medianMillis(parts[5])),
                f("the same slices in-process on %d threads: %.1f ms; the same steps' compute on EJML, alternating:"
                        + " %.1f ms", partitions, Timing.medianMillis(parts[6]), ejmlCompute));
        if (kernel != Kernel.NATIVE) {
            table.row("large model compute", "no native BLAS", ">= 4 x EJML", false, notes);
            return;
        }
        double ratio = ejmlCompute / compute;
        table.row("large model compute", f("%.1f x faster than EJML", ratio), ">= 4 x EJML", ratio >= 4, notes);
    }
}
