package org.sparkbackprop.bench;

import java.util.Arrays;

/** Small helpers for timings in nanoseconds. */
final class Timing {
    private Timing() {
    }

    static double medianMillis(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return median / 1e6;
    }

    /** Floating-point operations of one example's forward and backward pass: 2 per multiply-add. */
    static double flopsPerExample(int[] sizes) {
        double flops = 0;
        for (int l = 1; l < sizes.length; l++) {
            double macs = (double) sizes[l - 1] * sizes[l];
            // forward Z^l = A^{l-1} (W^l)ᵀ, and Σ δ^l (a^{l-1})ᵀ; δ^{l-1} = (W^l)ᵀ δ^l for l ≥ 2
            flops += 2 * macs * (l >= 2 ? 3 : 2);
        }
        return flops;
    }
}
