package org.sparkbackprop.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ExamplePartition;

/** Small seeded data sets: features uniform in [0, 1), one-hot or multi-hot targets. */
public final class SyntheticData {
    private SyntheticData() {
    }

    /** {@code count} examples with global indices 0..count−1, in blocks of at most {@code blockRows}. */
    public static List<ExampleBlock> blocks(long seed, int count, int features, int classes, boolean multiLabel,
                                            int blockRows) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ExampleBlock> blocks = new ArrayList<>();
        for (int first = 0; first < count; first += blockRows) {
            int rows = Math.min(blockRows, count - first);
            long[] indices = new long[rows];
            float[] x = new float[rows * features];
            float[] y = new float[rows * classes];
            for (int r = 0; r < rows; r++) {
                indices[r] = first + r;
                for (int i = 0; i < features; i++) {
                    x[r * features + i] = (float) random.nextDouble();
                }
                if (multiLabel) {
                    for (int k = 0; k < classes; k++) {
                        y[r * classes + k] = random.nextBoolean() ? 1f : 0f;
                    }
                } else {
                    y[r * classes + random.nextInt(classes)] = 1f;
                }
            }
            blocks.add(new ExampleBlock(indices, features, x, classes, y));
        }
        return blocks;
    }

    public static ExamplePartition partition(List<ExampleBlock> blocks) {
        return new ExamplePartition(blocks);
    }
}
