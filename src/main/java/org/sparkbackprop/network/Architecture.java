package org.sparkbackprop.network;

import java.io.Serializable;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The shape of a network, apart from its numbers: layer sizes {@code [n0, n1, ..., nH]},
 * the hidden activation and the output layer with its loss. Immutable; validated when built.
 */
public final class Architecture implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] sizes;
    private final Activation hiddenActivation;
    private final Output output;

    public Architecture(int[] sizes, Activation hiddenActivation, Output output) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException(
                    "layers must name at least an input and an output size, got " + describe(sizes));
        }
        for (int size : sizes) {
            if (size <= 0) {
                throw new IllegalArgumentException("layers must all be positive, got " + describe(sizes));
            }
        }
        if (output == Output.SOFTMAX && sizes[sizes.length - 1] < 2) {
            throw new IllegalArgumentException(
                    "output softmax needs at least 2 classes in the last layer, got " + describe(sizes));
        }
        this.sizes = sizes.clone();
        this.hiddenActivation = hiddenActivation;
        this.output = output;
    }

    /** Layer sizes, input first. A copy. */
    public int[] sizes() {
        return sizes.clone();
    }

    public int size(int layer) {
        return sizes[layer];
    }

    /** The number of weight layers, H: one less than the number of sizes. */
    public int weightLayers() {
        return sizes.length - 1;
    }

    public int inputSize() {
        return sizes[0];
    }

    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    public Activation hiddenActivation() {
        return hiddenActivation;
    }

    public Output output() {
        return output;
    }

    /** Σ_l n_{l−1} n_l + n_l: the number of weights and biases. */
    public long parameterCount() {
        long count = 0;
        for (int layer = 1; layer < sizes.length; layer++) {
            count += (long) sizes[layer - 1] * sizes[layer] + sizes[layer];
        }
        return count;
    }

    /** Sizes as written on the command line, e.g. {@code 784,30,10}. */
    public static String describe(int[] sizes) {
        return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Architecture that
                && Arrays.equals(sizes, that.sizes)
                && hiddenActivation == that.hiddenActivation
                && output == that.output;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(sizes) + hiddenActivation.hashCode()) + output.hashCode();
    }

    @Override
    public String toString() {
        return "[" + describe(sizes) + "] " + hiddenActivation.id() + " → " + output.id();
    }
}
