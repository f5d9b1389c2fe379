package org.sparkbackprop.training;

import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.GradientDescent;
import org.sparkbackprop.network.Initialization;

/**
 * What a training run does, apart from where its data comes from. Immutable; every value is
 * checked when built, and a bad one is named by its setting.
 */
public record TrainingSettings(
        Architecture architecture,
        Initialization initialization,
        int epochs,
        int batchSize,
        double learningRate,
        long seed,
        double momentum,
        double l2,
        LearningRateDecay learningRateDecay,
        int earlyStopPatience) {

    /** Plain gradient descent: no momentum, no weight decay, a constant learning rate, every epoch run. */
    public TrainingSettings(Architecture architecture, Initialization initialization, int epochs, int batchSize,
                            double learningRate, long seed) {
        this(architecture, initialization, epochs, batchSize, learningRate, seed, 0.0, 0.0);
    }

    /** A constant learning rate, every epoch run. */
    public TrainingSettings(Architecture architecture, Initialization initialization, int epochs, int batchSize,
                            double learningRate, long seed, double momentum, double l2) {
        this(architecture, initialization, epochs, batchSize, learningRate, seed, momentum, l2,
                LearningRateDecay.NONE, 0);
    }

    public TrainingSettings {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be a positive integer, got " + epochs);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch-size must be a positive integer, got " + batchSize);
        }
        GradientDescent.checkSettings(learningRate, momentum, l2);
        if (earlyStopPatience < 0) {
            throw new IllegalArgumentException("early-stop-patience must be 0 (off) or a positive integer, got "
                    + earlyStopPatience);
        }
    }

    /** η for {@code epoch}, counted from 1, after the decay. */
    public double learningRate(int epoch) {
        return learningRateDecay.learningRate(learningRate, epoch);
    }

    public boolean earlyStopping() {
        return earlyStopPatience > 0;
    }
}
