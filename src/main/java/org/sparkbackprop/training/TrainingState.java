package org.sparkbackprop.training;

import org.sparkbackprop.network.Parameters;

/**
 * What training carries from step to step besides its {@link TrainingPosition}: the parameters,
 * the optimizer's velocity (null while zero, always without momentum) and, with early stopping,
 * the best epoch so far (null before the first epoch's end and without early stopping). A
 * checkpoint keeps all three. Listeners are given the live objects and must not modify them.
 */
public record TrainingState(Parameters parameters, Parameters velocity, BestEpoch best) {

    /** Fresh parameters: zero velocity, no best epoch yet. */
    public static TrainingState startingFrom(Parameters parameters) {
        return new TrainingState(parameters, null, null);
    }

    /** The model a run keeps: the best epoch's with early stopping, otherwise the last parameters. */
    public Parameters model() {
        return best != null ? best.parameters() : parameters;
    }
}
