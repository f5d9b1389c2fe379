package org.sparkbackprop.training;

import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Parameters;

/**
 * Where a step's gradient sums come from: in this process, or from the partitions of a cluster.
 * Closed when training ends: a source that holds threads, a port or a cluster's cores lets them go.
 */
public interface GradientSource extends AutoCloseable {
    /** N, the number of training examples, each with a global index in [0, N). */
    long exampleCount();

    /** Σ over the examples of {@code sortedBatch} of the gradients at {@code parameters}, with their losses. */
    Gradients sumGradients(Parameters parameters, long[] sortedBatch);

    /**
     * Told before each {@link #sumGradients} which step it is for (epoch and step counted from 1),
     * so that a cluster can show where training is.
     */
    default void stepStarting(int epoch, long step, long steps) {
    }

    /**
     * Told when an epoch's steps are done, before its scoring: a source that holds the cluster's
     * cores between steps lets them go, so that the scoring can run.
     */
    default void epochStepsDone() {
    }

    /** Lets go of what the source holds; nothing by default. */
    @Override
    default void close() {
    }
}
