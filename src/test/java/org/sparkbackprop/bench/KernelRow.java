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
        Gemm gemm = new Gemm(quick);
        table.row("kernel", f("%.2f GFLOP/s (%,.0f examples/s)", gflops, examplesPerSecond), ">= 6 GFLOP/s",
                gflops >= 6.0, List.of(f("[784,100,10], batch %d, one thread, float64: %.3f ms per forward+backward pass"
                        + " (median of %d x %d)", BATCH, seconds * 1e3, repeats, passes),
                f("EJML alone on the first layer's shapes: float64 A W %.2f, A^T D %.2f GFLOP/s; float32 %.2f and %.2f GFLOP/s",
                        gemm.doubleForward, gemm.doubleGradient, gemm.floatForward, gemm.floatGradient)));
    }

    /** EJML's matrix products alone on the first layer's shapes: Z = A (W)ᵀ-stored and Aᵀ Δ, both precisions. */
    private static final class Gemm {
        final double doubleForward;
        final double doubleGradient;
        final double floatForward;
        final double floatGradient;

        Gemm(boolean quick) {
            int n = BATCH;
            int in = SIZES[0];
            int out = SIZES[1];
            double flops = 2.0 * n * in * out;
            int passes = quick ? 20 : 300;
            java.util.Random random = new java.util.Random(1);
            org.ejml.data.DMatrixRMaj a = org.ejml.dense.row.RandomMatrices_DDRM.rectangle(n, in, random);
            org.ejml.data.DMatrixRMaj w = org.ejml.dense.row.RandomMatrices_DDRM.rectangle(in, out, random);
            org.ejml.data.DMatrixRMaj z = new org.ejml.data.DMatrixRMaj(n, out);
            org.ejml.data.DMatrixRMaj g = new org.ejml.data.DMatrixRMaj(in, out);
            org.ejml.data.FMatrixRMaj af = org.ejml.dense.row.RandomMatrices_FDRM.rectangle(n, in, random);
            org.ejml.data.FMatrixRMaj wf = org.ejml.dense.row.RandomMatrices_FDRM.rectangle(in, out, random);
            org.ejml.data.FMatrixRMaj zf = new org.ejml.data.FMatrixRMaj(n, out);
            org.ejml.data.FMatrixRMaj gf = new org.ejml.data.FMatrixRMaj(in, out);
            doubleForward = flops / best(passes, () -> org.ejml.dense.row.CommonOps_DDRM.mult(a, w, z));
            doubleGradient = flops / best(passes, () -> org.ejml.dense.row.CommonOps_DDRM.multAddTransA(a, z, g));
            floatForward = flops / best(passes, () -> org.ejml.dense.row.CommonOps_FDRM.mult(af, wf, zf));
            floatGradient = flops / best(passes, () -> org.ejml.dense.row.CommonOps_FDRM.multAddTransA(af, zf, gf));
        }

        /** Median nanoseconds of one call, after as many calls to warm up. */
        private static double best(int passes, Runnable call) {
            long[] nanos = new long[passes];
            for (int warm = 0; warm < passes; warm++) {
                call.run();
            }
            for (int p = 0; p < passes; p++) {
                long started = System.nanoTime();
                call.run();
                nanos[p] = System.nanoTime() - started;
            }
            return Timing.medianMillis(nanos) * 1e6;
        }
    }

    private static long run(Parameters parameters, Workspace workspace, Gradients sums, int passes) {
        long started = System.nanoTime();
        for (int pass = 0; pass < passes; pass++) {
            Backpropagation.accumulateGradients(parameters, workspace, sums);
        }
        return System.nanoTime() - started;
    }
}
