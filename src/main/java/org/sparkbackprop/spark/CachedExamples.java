package org.sparkbackprop.spark;

import org.apache.spark.api.java.JavaRDD;
import org.sparkbackprop.data.ExampleBlock;

/**
 * A data set read and cached by the executors: blocks of examples sorted by global index, a
 * partition holding ascending, disjoint ranges. The driver keeps only the shape and count.
 */
public record CachedExamples(String source, JavaRDD<ExampleBlock> blocks, long exampleCount, int featureCount,
                             int targetCount) {

    public int partitions() {
        return blocks.getNumPartitions();
    }

    /** Drops the cached blocks from the executors. */
    public void release() {
        blocks.unpersist(false);
    }
}
