package org.sparkbackprop.spark.step;

/**
 * Where one distributed step's time went, in nanoseconds. {@code broadcast}: the driver
 * publishing the parameters; {@code job}: from submitting the job until the last partial sum
 * is back on the driver; {@code compute}: the slowest partition's forward and backward pass,
 * timed on its executor (part of {@code job}); {@code combine}: adding the partial sums on the
 * driver; {@code release}: destroying the broadcast.
 */
public record StepProfile(long broadcastNanos, long jobNanos, long computeNanos, long combineNanos,
                          long releaseNanos) {

    public long totalNanos() {
        return broadcastNanos + jobNanos + combineNanos + releaseNanos;
    }
}
