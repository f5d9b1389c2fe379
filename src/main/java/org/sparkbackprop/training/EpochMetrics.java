package org.sparkbackprop.training;

import org.sparkbackprop.network.Scores;

/**
 * What one epoch did. {@code trainLoss} is the mean loss over the epoch's examples, each
 * measured in its batch's forward pass, before that batch's update. {@code seconds} covers
 * the training steps; evaluating the test set is timed apart. {@code test} is null without a
 * test set.
 */
public record EpochMetrics(
        int epoch,
        long steps,
        double trainLoss,
        double seconds,
        double examplesPerSecond,
        Scores test,
        double testSeconds) {
}
