package org.sparkbackprop.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A dense block of examples with consecutive storage: row r has the global index
 * {@code indices[r]} (strictly increasing), the features {@code features[r·F .. (r+1)·F)} and
 * the one-hot or multi-hot targets {@code targets[r·C .. (r+1)·C)}. Features are stored as
 * float32 to halve the cache, in memory or, for data larger than memory, in a local
 * {@link FeatureFile}; they become doubles when copied into a workspace.
 */
public final class ExampleBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] indices;
    private final int featureCount;
    /** The features in memory, or null when they are in {@link #featureFile}. */
    private final float[] features;
    private final FeatureFile featureFile;
    private final int targetCount;
    private final float[] targets;

    public ExampleBlock(long[] indices, int featureCount, float[] features, int targetCount, float[] targets) {
        if (features.length != indices.length * featureCount || targets.length != indices.length * targetCount) {
            throw new IllegalArgumentException("block arrays do not match " + indices.length + " rows");
        }
        for (int r = 1; r < indices.length; r++) {
            if (indices[r] <= indices[r - 1]) {
                throw new IllegalArgumentException("block indices must be strictly increasing");
            }
        }
        this.indices = indices;
        this.featureCount = featureCount;
        this.features = features;
        this.featureFile = null;
        this.targetCount = targetCount;
        this.targets = targets;
    }

    private ExampleBlock(ExampleBlock inMemory, FeatureFile featureFile) {
        this.indices = inMemory.indices;
        this.featureCount = inMemory.featureCount;
        this.features = null;
        this.featureFile = featureFile;
        this.targetCount = inMemory.targetCount;
        this.targets = inMemory.targets;
    }

    /** This block with its features moved to {@code file} (a new file), read back through a memory mapping. */
    public ExampleBlock withFeaturesIn(java.nio.file.Path file) {
        if (features == null) {
            throw new IllegalStateException("the features are already in " + featureFile);
        }
        return new ExampleBlock(this, FeatureFile.write(file, features, rows(), featureCount));
    }

    /** Whether this JVM can read the features: they are in memory, or their file is on this machine. */
    public boolean featuresReadableHere() {
        return featureFile == null || featureFile.onThisMachine();
    }

    public int rows() {
        return indices.length;
    }

    public int featureCount() {
        return featureCount;
    }

    public int targetCount() {
        return targetCount;
    }

    public long firstIndex() {
        return indices[0];
    }

    public long lastIndex() {
        return indices[indices.length - 1];
    }

    public long index(int row) {
        return indices[row];
    }

    /** The row holding global index {@code index}, or a negative number when this block lacks it. */
    public int rowOf(long index) {
        return Arrays.binarySearch(indices, index);
    }

    /**
     * Copies row {@code row} into {@code inputs} at {@code inputOffset} and {@code outputs} at
     * {@code targetOffset}, widening to double. Modifies {@code inputs} and {@code outputs}.
     */
    public void copyRow(int row, double[] inputs, int inputOffset, double[] outputs, int targetOffset) {
        if (features == null) {
            featureFile.copyRow(row, inputs, inputOffset);
        } else {
            int featureStart = row * featureCount;
            for (int i = 0; i < featureCount; i++) {
                inputs[inputOffset + i] = features[featureStart + i];
            }
        }
        int targetStart = row * targetCount;
        for (int k = 0; k < targetCount; k++) {
            outputs[targetOffset + k] = targets[targetStart + k];
        }
    }

    public float feature(int row, int column) {
        return features == null ? featureFile.get(row, column) : features[row * featureCount + column];
    }

    public float target(int row, int column) {
        return targets[row * targetCount + column];
    }

    /**
     * The rows that {@code holdOut} holds out ({@code heldOut} true) or keeps, renumbered as it
     * says, in memory; null when there are none.
     */
    public ExampleBlock part(HoldOut holdOut, boolean heldOut) {
        int rows = 0;
        for (long index : indices) {
            if (holdOut.isHeldOut(index) == heldOut) {
                rows++;
            }
        }
        if (rows == 0) {
            return null;
        }
        long[] partIndices = new long[rows];
        float[] partFeatures = new float[rows * featureCount];
        float[] partTargets = new float[rows * targetCount];
        int part = 0;
        for (int row = 0; row < indices.length; row++) {
            if (holdOut.isHeldOut(indices[row]) != heldOut) {
                continue;
            }
            partIndices[part] = holdOut.renumbered(indices[row]);
            for (int column = 0; column < featureCount; column++) {
                partFeatures[part * featureCount + column] = feature(row, column);
            }
            System.arraycopy(targets, row * targetCount, partTargets, part * targetCount, targetCount);
            part++;
        }
        return new ExampleBlock(partIndices, featureCount, partFeatures, targetCount, partTargets);
    }
}
