package org.sparkbackprop.training;

import org.sparkbackprop.network.Scores;

/**
 * What one epoch did. {@code trainLoss} is the mean loss over the epoch's examples, each
 * measured in its batch's forward pass, before that batch's update. {@code seconds} covers
 * the training steps; scoring the test and validation sets is timed apart. {@code test} and
 * {@code validation} are null without those sets.
 * {@code learningRate} is the epoch's η after any decay.
 */
public record EpochMetrics(
        int epoch,
        long steps,
        double learningRate,
        double trainLoss,
        double seconds,
        double examplesPerSecond,
        Scores test,
        double testSeconds,
        Scores validation,
        double validationSeconds) {

    /**
     * The loss early stopping watches: the validation set's when there is one, else the test
     * set's; NaN without either.
     */
    public double monitoredLoss() {
        return validation != null ? validation.loss() : test != null ? test.loss() : Double.NaN;
    }
}
