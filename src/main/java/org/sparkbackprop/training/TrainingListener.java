package org.sparkbackprop.training;

import org.sparkbackprop.network.Parameters;

/** Told what training does as it happens; the command line logs it and writes metrics. */
@FunctionalInterface
public interface TrainingListener {
    void epochEnded(EpochMetrics metrics, Parameters parameters);

    /**
     * At an epoch's end, with the optimizer's velocity (null while zero) besides the parameters,
     * neither to be modified. Tells {@link #epochEnded(EpochMetrics, Parameters)} unless overridden.
     */
    default void epochEnded(EpochMetrics metrics, Parameters parameters, Parameters velocity) {
        epochEnded(metrics, parameters);
    }

    /**
     * After each step but an epoch's last (whose end {@link #epochEnded} reports): where training
     * stands, the parameters there and the optimizer's velocity (null while zero), not to be modified.
     */
    default void stepEnded(TrainingPosition position, Parameters parameters, Parameters velocity) {
    }
}
