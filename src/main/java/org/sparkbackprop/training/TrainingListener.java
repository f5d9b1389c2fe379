package org.sparkbackprop.training;

import org.sparkbackprop.network.Parameters;

/** Told what training does as it happens; the command line logs it and writes metrics. */
@FunctionalInterface
public interface TrainingListener {
    void epochEnded(EpochMetrics metrics, Parameters parameters);
}
