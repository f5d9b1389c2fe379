package org.sparkbackprop.report;

/**
 * One epoch of a training run as its report shows it. Losses and scores of a set the run did
 * not have are NaN; {@code testScore} and {@code validationScore} are accuracies, or micro-F1
 * for multi-label runs.
 */
public record EpochRow(int epoch, double learningRate, double trainLoss, double validationLoss, double testLoss,
                       double validationScore, double testScore, double seconds) {
}
