package org.sparkbackprop.spark.step;

import org.sparkbackprop.common.Ids;

/**
 * How a step's partial gradient sums become one ({@code --combine}). Both add the partials in
 * an order fixed by partition index, never by which task finished first, so both are
 * bit-reproducible for a given partition count; they group the additions differently, so
 * their bits differ from each other in the last places.
 */
public enum Combine {
    /** Every partition's sum goes to the driver, which adds them in partition order. The default. */
    ORDERED("ordered"),
    /**
     * A shuffle first: as many combine tasks as Spark has cores each add a run of consecutive
     * partitions' sums in partition order, and the driver adds their results in order. The driver
     * then receives one sum per core instead of one per partition: worth it when many partitions
     * would each send it a large sum (README, Performance).
     */
    TREE("tree");

    private final String id;

    Combine(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Combine fromId(String id) {
        return Ids.find(values(), Combine::id, "combine", id);
    }
}
