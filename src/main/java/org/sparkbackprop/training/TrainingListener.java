package org.sparkbackprop.training;

import org.sparkbackprop.network.Parameters;

/** Told what training does as it happens; the command line logs it and writes metrics. */
@FunctionalInterface
public interface TrainingListener {
    void epochEnded(EpochMetrics metrics, Parameters parameters);

    /**
     * After each step but an epoch's last (whose end {@link #epochEnded} reports): where training
     * stands and the parameters there, not to be modified.
     */
    default void stepEnded(TrainingPosition position, Parameters parameters) {
    }
}
