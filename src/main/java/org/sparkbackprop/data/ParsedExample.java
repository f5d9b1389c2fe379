package org.sparkbackprop.data;

import java.io.Serializable;

/**
 * One example as read from a row of input, before it joins a block: its features, already
 * scaled, and its class labels (one for single-label data, any number for multi-label data).
 * A plain class, not a record: Kryo 4 cannot write records, and these cross a shuffle.
 */
public final class ParsedExample implements Serializable {
    private static final long serialVersionUID = 1L;

    private final float[] features;
    private final int[] labels;
    private final String id;

    public ParsedExample(float[] features, int[] labels) {
        this(features, labels, null);
    }

    /** With {@code id}, the value of an id column carried through to predictions (may be null). */
    public ParsedExample(float[] features, int[] labels, String id) {
        this.features = features;
        this.labels = labels;
        this.id = id;
    }

    public String id() {
        return id;
    }

    public float[] features() {
        return features;
    }

    public int[] labels() {
        return labels;
    }

    /**
     * Packs examples with ascending global indices into one block, targets one-hot (or
     * multi-hot) over {@code classes}.
     */
    public static ExampleBlock toBlock(long[] indices, ParsedExample[] examples, int featureCount, int classes) {
        float[] features = new float[examples.length * featureCount];
        float[] targets = new float[examples.length * classes];
        for (int r = 0; r < examples.length; r++) {
            System.arraycopy(examples[r].features, 0, features, r * featureCount, featureCount);
            for (int label : examples[r].labels) {
                targets[r * classes + label] = 1.0f;
            }
        }
        return new ExampleBlock(indices, featureCount, features, classes, targets);
    }
}
