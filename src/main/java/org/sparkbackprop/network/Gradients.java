package org.sparkbackprop.network;

import java.io.Serializable;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Sums over a set of examples of ∂J/∂W^l and ∂J/∂b^l, with the loss summed over the same
 * examples and their count. Sums, not means: dividing by the true count happens once, in
 * {@link GradientDescent}. Weight gradients share the layout of {@link Parameters#weights}.
 */
public final class Gradients implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Architecture architecture;
    private final DMatrixRMaj[] weights;
    private final DMatrixRMaj[] biases;
    private double lossSum;
    private long exampleCount;

    /** Zero sums over no examples. */
    public Gradients(Architecture architecture) {
        this.architecture = architecture;
        int layers = architecture.weightLayers();
        this.weights = new DMatrixRMaj[layers];
        this.biases = new DMatrixRMaj[layers];
        for (int l = 1; l <= layers; l++) {
            weights[l - 1] = new DMatrixRMaj(architecture.size(l - 1), architecture.size(l));
            biases[l - 1] = new DMatrixRMaj(1, architecture.size(l));
        }
    }

    public Architecture architecture() {
        return architecture;
    }

    /** Σ ∂J/∂(W^l)ᵀ, {@code n_{l−1} × n_l}, for l in 1..H. */
    public DMatrixRMaj weights(int layer) {
        return weights[layer - 1];
    }

    /** Σ ∂J/∂b^l as a {@code 1 × n_l} row, for l in 1..H. */
    public DMatrixRMaj biases(int layer) {
        return biases[layer - 1];
    }

    /** Σ J over the examples. */
    public double lossSum() {
        return lossSum;
    }

    public long exampleCount() {
        return exampleCount;
    }

    /** Counts {@code examples} more examples whose losses sum to {@code loss}. Modifies this. */
    void addExamples(long examples, double loss) {
        exampleCount += examples;
        lossSum += loss;
    }

    /** this ← this + other. Modifies this. */
    public void add(Gradients other) {
        for (int l = 1; l <= architecture.weightLayers(); l++) {
            CommonOps_DDRM.addEquals(weights(l), other.weights(l));
            CommonOps_DDRM.addEquals(biases(l), other.biases(l));
        }
        lossSum += other.lossSum;
        exampleCount += other.exampleCount;
    }
}
