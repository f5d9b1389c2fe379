package org.sparkbackprop.spark.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The partition count without --partitions, and the reason the log gives for it. */
class PartitionCountTest {
    private static SparkConf dynamic() {
        return new SparkConf(false).set("spark.master", "yarn").set("spark.dynamicAllocation.enabled", "true");
    }

    @Test
    void withoutDynamicAllocationItIsSparksDefaultParallelism() {
        assertEquals(new PartitionCount.Choice(6, "Spark's default parallelism, the task slots of its executors"),
                PartitionCount.of(new SparkConf(false).set("spark.master", "yarn"), 6));
        // local mode has no dynamic allocation, whatever the setting says
        assertEquals(2, PartitionCount.of(dynamic().set("spark.master", "local[2]").set("spark.dynamicAllocation.maxExecutors",
                "50"), 2).count());
    }

    @Test
    void underDynamicAllocationItIsTheSlotsTheApplicationMayGrowTo() {
        PartitionCount.Choice choice = PartitionCount.of(dynamic().set("spark.dynamicAllocation.maxExecutors", "10")
                .set("spark.executor.cores", "4").set("spark.task.cpus", "2"), 2);
        assertEquals(new PartitionCount.Choice(20, "dynamic allocation's most executors"
                + " (spark.dynamicAllocation.maxExecutors 10) × 2 task slots each"), choice);
    }

    @Test
    void underDynamicAllocationWithoutAMaximumItIsTheExecutorsAtStart() {
        assertEquals(12, PartitionCount.of(dynamic().set("spark.dynamicAllocation.initialExecutors", "3")
                .set("spark.executor.cores", "4"), 2).count());
        PartitionCount.Choice none = PartitionCount.of(dynamic(), 2);
        assertEquals(new PartitionCount.Choice(2, "dynamic allocation without spark.dynamicAllocation.maxExecutors: the"
                + " executors at start (0) × 1 task slots each, at least Spark's default parallelism (2); set"
                + " maxExecutors to train on more"), none);
    }
}
