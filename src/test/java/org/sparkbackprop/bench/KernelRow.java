package org.sparkbackprop.bench;

import static org.sparkbackprop.bench.Table.f;

import java.util.List;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Backpropagation;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Workspace;
import org.sparkbackprop.training.EpochOrder;

/** The forward and backward pass in this thread: [784,100,10], batch 128, Fashion-MNIST rows. */
final class KernelRow {
    static final int[] SIZES = {784, 100, 10};
    static final int BATCH = 128;
    private final boolean quick;

    KernelRow(boolean quick) {
        this.quick = quick;
    }

    void measure(FashionMnist fashion, Table table) {
        Architecture architecture = new Architecture(SIZES, Activation.SIGMOID, Output.SOFTMAX);
        Parameters parameters = Initialization.SCALED.initialize(architecture, 1);
        Workspace workspace = new Workspace(architecture, BATCH);
        EpochOrder order = new EpochOrder(1, 0, fashion.train.exampleCount());
        fashion.wholeTrain().copyMembers(order.batch(0, BATCH), workspace);
        Gradients sums = new Gradients(architecture);
        run(parameters, workspace, sums, quick ? 50 : 2000);
        int repeats = quick ? 5 : 15;
        int passes = quick ? 20 : 200;
        long[] nanos = new long[repeats];
        for (int r = 0; r < repeats; r++) {
            nanos[r] = run(parameters, workspace, sums, passes) / passes;
        }
        double seconds = Timing.medianMillis(nanos) / 1e3;
        double examplesPerSecond = BATCH / seconds;
        double gflops = examplesPerSecond * Timing.flopsPerExample(SIZES) / 1e9;
        table.row("kernel", f("%.2f GFLOP/s (%,.0f examples/s)", gflops, examplesPerSecond), ">= 6 GFLOP/s",
                gflops >= 6.0, List.of(f("[784,100,10], batch %d, one thread, float64: %.3f ms per forward+backward pass"
                        + " (median of %d x %d)", BATCH, seconds * 1e3, repeats, passes)));
    }

    private static long run(Parameters parameters, Workspace workspace, Gradients sums, int passes) {
        long started = System.nanoTime();
        for (int pass = 0; pass < passes; pass++) {
            Backpropagation.accumulateGradients(parameters, workspace, sums);
        }
        return System.nanoTime() - started;
    }
}
