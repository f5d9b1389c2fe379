package org.sparkbackprop.network;

import java.io.Serializable;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The shape of a network, apart from its numbers: layer sizes {@code [n0, n1, ..., nH]},
 * the hidden activation, the output layer and the loss. Immutable; validated when built.
 */
public final class Architecture implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] sizes;
    private final Activation hiddenActivation;
    private final Output output;
    private final Loss loss;

    /** 784, 30, 10: the tutorial's network for MNIST, and what a run trains unless told otherwise. */
    public static int[] defaultSizes() {
        return new int[] {784, 30, 10};
    }

    /** With the output's cross-entropy as the loss. */
    public Architecture(int[] sizes, Activation hiddenActivation, Output output) {
        this(sizes, hiddenActivation, output, Loss.CROSS_ENTROPY);
    }

    public Architecture(int[] sizes, Activation hiddenActivation, Output output, Loss loss) {
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
        if (loss == Loss.QUADRATIC && output != Output.SIGMOID) {
            throw new IllegalArgumentException("loss quadratic needs output sigmoid (its delta (a − y) ∘ σ'(z) is"
                    + " that of sigmoid outputs), got output " + output.id());
        }
        this.sizes = sizes.clone();
        this.hiddenActivation = hiddenActivation;
        this.output = output;
        this.loss = loss;
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

    public Loss loss() {
        return loss;
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
                && output == that.output
                && loss == that.loss;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(sizes) + hiddenActivation.hashCode()) + output.hashCode())
                + loss.hashCode();
    }

    @Override
    public String toString() {
        String network = "[" + describe(sizes) + "] " + hiddenActivation.id() + " → " + output.id();
        return loss == Loss.CROSS_ENTROPY ? network : network + ", " + loss.id() + " loss";
    }
}
