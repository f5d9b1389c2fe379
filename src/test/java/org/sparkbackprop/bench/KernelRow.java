package org.sparkbackprop.bench;

import static org.sparkbackprop.bench.Table.f;

import java.util.List;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Backpropagation;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Workspace;
import org.sparkbackprop.training.EpochOrder;

/**
 * The forward and backward pass in this thread: [784,100,10], batch 128, Fashion-MNIST rows, on
 * each kernel, alternating: native BLAS (the goal: 30 GFLOP/s) beside EJML.
 */
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
        Blas.Selection selection = Blas.select(Blas.Choice.AUTO);
        Kernel[] kernels = selection.kernel() == Kernel.NATIVE ? Kernel.values() : new Kernel[] {Kernel.EJML};
        Workspace[] workspaces = new Workspace[kernels.length];
        EpochOrder order = new EpochOrder(1, 0, fashion.train.exampleCount());
        Gradients sums = new Gradients(architecture);
        for (int k = 0; k < kernels.length; k++) {
            workspaces[k] = new Workspace(architecture, BATCH, Blas.products(kernels[k]));
            fashion.wholeTrain().copyMembers(order.batch(0, BATCH), workspaces[k]);
            run(parameters, workspaces[k], sums, quick ? 50 : 2000);
        }
        int repeats = quick ? 5 : 15;
        int passes = quick ? 20 : 200;
        long[][] nanos = new long[kernels.length][repeats];
        for (int r = 0; r < repeats; r++) {
            for (int k = 0; k < kernels.length; k++) {
                nanos[k][r] = run(parameters, workspaces[k], sums, passes) / passes;
            }
        }
        double[] gflops = new double[kernels.length];
        double[] millis = new double[kernels.length];
        for (int k = 0; k < kernels.length; k++) {
            millis[k] = Timing.medianMillis(nanos[k]);
            gflops[k] = BATCH / (millis[k] / 1e3) * Timing.flopsPerExample(SIZES) / 1e9;
        }
        Gemm gemm = new Gemm(quick);
        List<String> notes = new java.util.ArrayList<>();
        notes.add(f("[784,100,10], batch %d, one thread, float64, median of %d x %d passes, alternating kernels: %s",
                BATCH, repeats, passes, kernels.length == 2
                        ? f("native %.3f ms a pass, EJML %.3f ms (%.2f GFLOP/s): native is %.1f x EJML", millis[1],
                                millis[0], gflops[0], millis[0] / millis[1])
                        : f("EJML %.3f ms a pass (%.2f GFLOP/s); no native BLAS: %s", millis[0], gflops[0],
                                selection.description())));
        notes.add(f("EJML alone on the first layer's shapes: float64 A W %.2f, A^T D %.2f GFLOP/s; float32 %.2f and %.2f GFLOP/s",
                gemm.doubleForward, gemm.doubleGradient, gemm.floatForward, gemm.floatGradient));
        if (kernels.length == 2) {
            notes.add(f("native dgemm alone on those shapes: A W %.2f, A^T D %.2f GFLOP/s; sgemm (float32) %.2f and %.2f"
                    + " GFLOP/s", gemm.nativeDoubleForward, gemm.nativeDoubleGradient, gemm.nativeFloatForward,
                    gemm.nativeFloatGradient));
            notes.add(selection.description());
        }
        double measured = gflops[kernels.length - 1];
        table.row("kernel", f("%.2f GFLOP/s %s", measured, kernels.length == 2 ? "native" : "EJML"), ">= 30 GFLOP/s",
                measured >= 30, notes);
    }

    /**
     * The matrix products alone on the first layer's shapes, Z = A (W)ᵀ-stored and Aᵀ Δ, in both
     * precisions: EJML's, and BLAS dgemm and sgemm where a native BLAS loads (zero otherwise).
     */
    private static final class Gemm {
        final double doubleForward;
        final double doubleGradient;
        final double floatForward;
        final double floatGradient;
        final double nativeDoubleForward;
        final double nativeDoubleGradient;
        final double nativeFloatForward;
        final double nativeFloatGradient;

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
            if (Blas.select(Blas.Choice.AUTO).kernel() != Kernel.NATIVE) {
                nativeDoubleForward = 0;
                nativeDoubleGradient = 0;
                nativeFloatForward = 0;
                nativeFloatGradient = 0;
                return;
            }
            // row-major products as column-major dgemm/sgemm on the transposes, as NativeProducts calls them
            dev.ludovic.netlib.blas.NativeBLAS blas = dev.ludovic.netlib.blas.NativeBLAS.getInstance();
            nativeDoubleForward = flops / best(passes, () -> blas.dgemm("N", "N", out, n, in, 1.0, w.data, 0, out,
                    a.data, 0, in, 0.0, z.data, 0, out));
            nativeDoubleGradient = flops / best(passes, () -> blas.dgemm("N", "T", out, in, n, 1.0, z.data, 0, out,
                    a.data, 0, in, 1.0, g.data, 0, out));
            nativeFloatForward = flops / best(passes, () -> blas.sgemm("N", "N", out, n, in, 1.0f, wf.data, 0, out,
                    af.data, 0, in, 0.0f, zf.data, 0, out));
            nativeFloatGradient = flops / best(passes, () -> blas.sgemm("N", "T", out, in, n, 1.0f, zf.data, 0, out,
                    af.data, 0, in, 1.0f, gf.data, 0, out));
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
