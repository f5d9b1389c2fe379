package org.sparkbackprop.training;

import java.util.Arrays;
import org.sparkbackprop.network.Seeds;

/**
 * The order in which epoch e visits the N examples: a pseudo-random permutation of
 * [0, N) that is a function of (seed, e) only. Mini-batch k is positions [kB, (k+1)B) of it,
 * like network.py's shuffle-then-slice, so batches do not depend on how the data is
 * partitioned.
 *
 * <p>The permutation is a six-round balanced Feistel network on the smallest even-bit domain
 * 2^{2h} ≥ N, restricted to [0, N) by cycle walking (Black and Rogaway 2002). Any position
 * maps to its index in O(1) time and memory, so no step touches all N indices and the
 * driver never holds an array of N.
 */
public final class EpochOrder {
    private static final int ROUNDS = 6;

    private final long exampleCount;
    private final int halfBits;
    private final long halfMask;
    private final long[] roundKeys = new long[ROUNDS];

    public EpochOrder(long seed, int epoch, long exampleCount) {
        if (exampleCount <= 0) {
            throw new IllegalArgumentException("an epoch needs at least one example");
        }
        this.exampleCount = exampleCount;
        int bits = exampleCount == 1 ? 1 : 64 - Long.numberOfLeadingZeros(exampleCount - 1);
        this.halfBits = Math.max(1, (bits + 1) / 2);
        this.halfMask = (1L << halfBits) - 1;
        for (int round = 0; round < ROUNDS; round++) {
            roundKeys[round] = Seeds.derive(seed, epoch, round);
        }
    }

    public long exampleCount() {
        return exampleCount;
    }

    /** The global index of the example at {@code position} of this epoch. */
    public long indexAt(long position) {
        if (position < 0 || position >= exampleCount) {
            throw new IndexOutOfBoundsException("position " + position + " outside [0, " + exampleCount + ")");
        }
        long value = encrypt(position);
        while (value >= exampleCount) {
            value = encrypt(value);
        }
        return value;
    }

    /** ⌈N / B⌉: the last batch is short when B does not divide N. */
    public long batchCount(int batchSize) {
        return (exampleCount + batchSize - 1) / batchSize;
    }

    /** The global indices of batch k, positions [kB, min((k+1)B, N)), sorted ascending. */
    public long[] batch(long batch, int batchSize) {
        long start = batch * batchSize;
        int size = (int) Math.min(batchSize, exampleCount - start);
        if (batch < 0 || size <= 0) {
            throw new IndexOutOfBoundsException("batch " + batch + " outside [0, " + batchCount(batchSize) + ")");
        }
        long[] indices = new long[size];
        for (int i = 0; i < size; i++) {
            indices[i] = indexAt(start + i);
        }
        Arrays.sort(indices);
        return indices;
    }

    private long encrypt(long value) {
        long left = value >>> halfBits;
        long right = value & halfMask;
        for (long key : roundKeys) {
            long next = left ^ (Seeds.mix(right ^ key) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }
}
