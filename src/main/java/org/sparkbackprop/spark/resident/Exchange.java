package org.sparkbackprop.spark.resident;

import org.sparkbackprop.common.Ids;

/**
 * How a resident step's weights reach the tasks and their gradient sums come back
 * ({@code --exchange}). All three give the same bits, as each other and as job steps: the sums
 * are added in partition order either way.
 */
public enum Exchange {
    /**
     * The driver sends every task all the weights and adds every task's sums: 2·P·M bytes a step
     * through the driver's link for P tasks and M bytes of weights; the fewest hops.
     */
    STAR("star"),
    /**
     * Task s owns slice s of the parameter vector: the driver sends it that slice of the weights
     * and receives that slice of the sums; the tasks pass the slices to each other. About 2·M
     * bytes a step through the driver's link whatever P is, about 4·M through each task's.
     */
    SLICED("sliced"),
    /** Whichever of the two ran this run's first steps faster, measured alternately. The default. */
    AUTO("auto");

    private final String id;

    Exchange(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Exchange fromId(String id) {
        return Ids.find(values(), Exchange::id, "exchange", id);
    }
}
