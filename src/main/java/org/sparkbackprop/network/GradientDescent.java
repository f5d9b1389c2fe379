package org.sparkbackprop.network;

import org.ejml.dense.row.CommonOps_DDRM;

/** Mini-batch gradient descent: W ← W − (η/m) Σ ∂J/∂W, b ← b − (η/m) Σ ∂J/∂b. */
public final class GradientDescent {
    private final double learningRate;

    public GradientDescent(double learningRate) {
        if (!(learningRate > 0.0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning-rate must be a positive number, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    public double learningRate() {
        return learningRate;
    }

    /**
     * Applies one step with m = {@code sums.exampleCount()}, the true number of examples in
     * the batch. Modifies {@code parameters}.
     */
    public void apply(Gradients sums, Parameters parameters) {
        if (sums.exampleCount() <= 0) {
            throw new IllegalArgumentException("a gradient step needs at least one example");
        }
        double stepSize = -learningRate / sums.exampleCount();
        for (int l = 1; l <= parameters.architecture().weightLayers(); l++) {
            // W^l ← W^l − (η/m) Σ ∂J/∂W^l ; b^l ← b^l − (η/m) Σ δ^l
            CommonOps_DDRM.addEquals(parameters.weights(l), stepSize, sums.weights(l));
            CommonOps_DDRM.addEquals(parameters.biases(l), stepSize, sums.biases(l));
        }
    }
}
