package org.sparkbackprop.training;

import org.sparkbackprop.network.Architecture;
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
        long seed) {

    public TrainingSettings {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be a positive integer, got " + epochs);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch-size must be a positive integer, got " + batchSize);
        }
        if (!(learningRate > 0.0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning-rate must be a positive number, got " + learningRate);
        }
    }
}
