package org.sparkbackprop.run;

import java.util.List;
import java.util.Objects;
import org.sparkbackprop.training.BestEpoch;
import org.sparkbackprop.training.EpochMetrics;
import org.sparkbackprop.training.TrainingListener;
import org.sparkbackprop.training.TrainingPosition;
import org.sparkbackprop.training.TrainingState;

/** Several listeners told of each event in the order given (nulls left out). */
public final class Listeners implements TrainingListener {
    private final List<TrainingListener> listeners;

    public Listeners(TrainingListener... listeners) {
        this.listeners = java.util.Arrays.stream(listeners).filter(Objects::nonNull).toList();
    }

    @Override
    public void epochEnded(EpochMetrics metrics, TrainingState state) {
        listeners.forEach(listener -> listener.epochEnded(metrics, state));
    }

    @Override
    public void stepEnded(TrainingPosition position, long steps, TrainingState state) {
        listeners.forEach(listener -> listener.stepEnded(position, steps, state));
    }

    @Override
    public void stoppedEarly(int epoch, BestEpoch best) {
        listeners.forEach(listener -> listener.stoppedEarly(epoch, best));
    }
}
