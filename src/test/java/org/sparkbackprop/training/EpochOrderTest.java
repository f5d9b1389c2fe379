package org.sparkbackprop.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EpochOrderTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 7, 64, 1000, 4097, 60000})
    void everyEpochIsAPermutation(long count) {
        for (int epoch = 0; epoch < 3; epoch++) {
            EpochOrder order = new EpochOrder(42, epoch, count);
            BitSet seen = new BitSet();
            for (long position = 0; position < count; position++) {
                long index = order.indexAt(position);
                assertTrue(index >= 0 && index < count, "index " + index);
                assertFalse(seen.get((int) index), "index " + index + " twice");
                seen.set((int) index);
            }
            assertEquals(count, seen.cardinality());
        }
    }

    @Test
    void batchesSliceTheOrderAndCoverTheEpochOnce() {
        long count = 1003;
        int batchSize = 100;
        EpochOrder order = new EpochOrder(5, 2, count);
        assertEquals(11, order.batchCount(batchSize));
        BitSet seen = new BitSet();
        for (long k = 0; k < order.batchCount(batchSize); k++) {
            long[] batch = order.batch(k, batchSize);
            assertEquals(k < 10 ? batchSize : 3, batch.length);
            for (int i = 0; i < batch.length; i++) {
                assertTrue(i == 0 || batch[i - 1] < batch[i], "sorted");
                seen.set((int) batch[i]);
            }
        }
        assertEquals(count, seen.cardinality());
        long[] expected = new long[batchSize];
        for (int i = 0; i < batchSize; i++) {
            expected[i] = order.indexAt(3L * batchSize + i);
        }
        java.util.Arrays.sort(expected);
        assertArrayEquals(expected, order.batch(3, batchSize));
    }

    @Test
    void orderDependsOnSeedAndEpochOnly() {
        long count = 500;
        assertArrayEquals(positions(new EpochOrder(9, 4, count)), positions(new EpochOrder(9, 4, count)));
        assertFalse(java.util.Arrays.equals(positions(new EpochOrder(9, 4, count)), positions(new EpochOrder(9, 5, count))));
        assertFalse(java.util.Arrays.equals(positions(new EpochOrder(9, 4, count)), positions(new EpochOrder(10, 4, count))));
    }

    @Test
    void shufflesWell() {
        // Displacement of a uniform random permutation: E|π(i) − i| = (N² − 1)/3N ≈ N/3.
        long count = 60000;
        EpochOrder order = new EpochOrder(1, 0, count);
        double displacement = 0;
        int fixedPoints = 0;
        for (long position = 0; position < count; position++) {
            long index = order.indexAt(position);
            displacement += Math.abs(index - position);
            fixedPoints += index == position ? 1 : 0;
        }
        assertEquals(count / 3.0, displacement / count, count * 0.01);
        assertTrue(fixedPoints < 10, fixedPoints + " fixed points");
    }

    private static long[] positions(EpochOrder order) {
        long[] indices = new long[(int) order.exampleCount()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = order.indexAt(i);
        }
        return indices;
    }
}
