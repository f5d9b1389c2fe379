package org.sparkbackprop.training;

/**
 * Told what training does as it happens; the command line logs it, draws progress, writes
 * metrics and checkpoints. The state it is given is live: a listener must not modify it.
 */
@FunctionalInterface
public interface TrainingListener {
    /** At an epoch's end, after scoring the test and validation sets. */
    void epochEnded(EpochMetrics metrics, TrainingState state);

    /**
     * After every step, an epoch's last included: where training stands (its step of
     * {@code steps} in the epoch) and the state there.
     */
    default void stepEnded(TrainingPosition position, long steps, TrainingState state) {
    }

    /** When early stopping ends training after {@code epoch}, keeping the model of {@code best}. */
    default void stoppedEarly(int epoch, BestEpoch best) {
    }
}
