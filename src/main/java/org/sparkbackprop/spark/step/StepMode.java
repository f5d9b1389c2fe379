package org.sparkbackprop.spark.step;

import org.sparkbackprop.common.Ids;

/**
 * How a step reaches the executors ({@code --step-mode}). The step is the same either way:
 * the driver sends the weights and the batch's sorted indices, each partition sums its members'
 * gradients, the driver adds the sums in partition order and applies the update; the model's
 * bits are the same. Only what a step costs differs.
 */
public enum StepMode {
    /** One Spark job per step: a broadcast, one task per partition, the results collected. */
    JOB("job"),
    /**
     * One long-lived task per partition for each epoch's steps, next to its cached blocks, to
     * which the driver sends each step over an authenticated socket ({@link org.sparkbackprop.spark.resident.ResidentSource}).
     */
    RESIDENT("resident");

    private final String id;

    StepMode(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static StepMode fromId(String id) {
        return Ids.find(values(), StepMode::id, "step-mode", id);
    }
}
