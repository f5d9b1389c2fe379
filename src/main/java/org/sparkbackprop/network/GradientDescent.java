package org.sparkbackprop.network;

import org.ejml.data.DMatrixRMaj;

/**
 * Mini-batch gradient descent, with network2's L2 weight decay and classical momentum. With
 * m the batch's true example count and n the training set's:
 * <ul>
 *   <li>momentum μ = 0: W ← (1 − ηλ/n) W − (η/m) Σ ∂J/∂W and b ← b − (η/m) Σ ∂J/∂b, exactly as
 *       network2 (and, with λ = 0, plain gradient descent);</li>
 *   <li>μ > 0: g = (1/m) Σ ∂J/∂W + (λ/n) W; v ← μ v + g; W ← W − η v; the same for b without
 *       the decay term.</li>
 * </ul>
 * The velocity v is this object's state: it lives on the driver, starts at zero, and is what a
 * checkpoint must keep besides the weights.
 */
public final class GradientDescent {
    private double learningRate;
    private final double momentum;
    private final double l2;
    private final long trainingExamples;
    private Parameters velocity;

    /** Plain mini-batch gradient descent. */
    public GradientDescent(double learningRate) {
        this(learningRate, 0.0, 0.0, 1);
    }

    public GradientDescent(double learningRate, double momentum, double l2, long trainingExamples) {
        checkSettings(learningRate, momentum, l2);
        if (trainingExamples <= 0) {
            throw new IllegalArgumentException("the training set must hold at least one example");
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.l2 = l2;
        this.trainingExamples = trainingExamples;
    }

    public double learningRate() {
        return learningRate;
    }

    /** Sets η for the steps from now on, as a decay schedule does between epochs. Modifies this. */
    public void setLearningRate(double learningRate) {
        checkLearningRate(learningRate);
        this.learningRate = learningRate;
    }

    /**
     * Fails with an IllegalArgumentException naming the setting (as the command line does) when
     * η is not a positive number, μ not in [0, 1) or λ negative.
     */
    public static void checkSettings(double learningRate, double momentum, double l2) {
        checkLearningRate(learningRate);
        if (!(momentum >= 0.0 && momentum < 1.0)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(l2 >= 0.0) || !Double.isFinite(l2)) {
            throw new IllegalArgumentException("l2 must be 0 or a positive number, got " + l2);
        }
    }

    private static void checkLearningRate(double learningRate) {
        if (!(learningRate > 0.0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning-rate must be a positive number, got " + learningRate);
        }
    }

    /** v, or null while it is zero (before the first step, and always without momentum). */
    public Parameters velocity() {
        return velocity;
    }

    /** Sets v, as a checkpoint kept it (null for zero). Modifies this. */
    public void restoreVelocity(Parameters saved) {
        this.velocity = saved == null ? null : saved.copy();
    }

    /**
     * Applies one step with m = {@code sums.exampleCount()}, the true number of examples in
     * the batch. Modifies {@code parameters} and this (the velocity).
     */
    public void apply(Gradients sums, Parameters parameters) {
        if (sums.exampleCount() <= 0) {
            throw new IllegalArgumentException("a gradient step needs at least one example");
        }
        long m = sums.exampleCount();
        int layers = parameters.architecture().weightLayers();
        if (momentum == 0.0) {
            double decay = 1 - learningRate * (l2 / trainingExamples);
            double stepSize = -learningRate / m;
            for (int l = 1; l <= layers; l++) {
                // W^l ← (1 − ηλ/n) W^l − (η/m) Σ ∂J/∂W^l ; b^l ← b^l − (η/m) Σ δ^l
                decayAndStep(parameters.weights(l), decay, stepSize, sums.weights(l));
                decayAndStep(parameters.biases(l), 1.0, stepSize, sums.biases(l));
            }
            return;
        }
        if (velocity == null) {
            velocity = new Parameters(parameters.architecture());
        }
        for (int l = 1; l <= layers; l++) {
            // g = (1/m) Σ ∂J/∂W + (λ/n) W ; v ← μ v + g ; W ← W − η v (biases: no decay)
            momentumStep(parameters.weights(l), velocity.weights(l), sums.weights(l), m, l2 / trainingExamples);
            momentumStep(parameters.biases(l), velocity.biases(l), sums.biases(l), m, 0.0);
        }
    }

    /** x ← decay · x + stepSize · s, element by element. Modifies {@code x}. */
    private static void decayAndStep(DMatrixRMaj x, double decay, double stepSize, DMatrixRMaj s) {
        double[] values = x.data;
        double[] sum = s.data;
        int length = x.getNumElements();
        for (int i = 0; i < length; i++) {
            values[i] = decay * values[i] + stepSize * sum[i];
        }
    }

    /** v ← μ v + (s / m + decayRate · x); x ← x − η v. Modifies {@code x} and {@code v}. */
    private void momentumStep(DMatrixRMaj x, DMatrixRMaj v, DMatrixRMaj s, long m, double decayRate) {
        double[] values = x.data;
        double[] speed = v.data;
        double[] sum = s.data;
        int length = x.getNumElements();
        for (int i = 0; i < length; i++) {
            double gradient = sum[i] / m + decayRate * values[i];
            speed[i] = momentum * speed[i] + gradient;
            values[i] = values[i] - learningRate * speed[i];
        }
    }
}
