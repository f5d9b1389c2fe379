package org.sparkbackprop.training;

import org.sparkbackprop.network.Parameters;

/**
 * Early stopping's memory: the epoch (counted from 1) whose monitored loss (validation, else
 * test) was the lowest so far, that loss, and a copy of the parameters at its end.
 */
public record BestEpoch(int epoch, double loss, Parameters parameters) {
}
