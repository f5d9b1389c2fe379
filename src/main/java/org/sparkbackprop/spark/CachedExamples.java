package org.sparkbackprop.spark;

import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.HoldOut;

/**
 * A data set read and cached by the executors: blocks of examples sorted by global index, a
 * partition holding ascending, disjoint ranges. The driver keeps only the shape and count.
 */
public record CachedExamples(String source, JavaRDD<ExampleBlock> blocks, long exampleCount, int featureCount,
                             int targetCount) {

    /** A data set split into the examples training keeps and those held out to validate on. */
    public record Split(CachedExamples kept, CachedExamples heldOut) {
    }

    public int partitions() {
        return blocks.getNumPartitions();
    }

    /** Drops the cached blocks from the executors. */
    public void release() {
        blocks.unpersist(false);
    }

    /**
     * Splits these examples as {@code holdOut} says, each part cached {@code cache}'s way in the
     * same partitions, and releases these. Both parts must hold at least one example.
     */
    public Split split(HoldOut holdOut, BlockCache cache) {
        long heldOutCount = holdOut.heldOutCount(exampleCount);
        long keptCount = holdOut.keptCount(exampleCount);
        if (heldOutCount == 0 || keptCount == 0) {
            throw new BadInputException("validation-fraction " + holdOut.fraction() + " of the " + exampleCount
                    + " examples of " + source + " leaves " + heldOutCount + " to validate on and " + keptCount
                    + " to train on; each needs at least one");
        }
        CachedExamples kept = part(holdOut, false, keptCount, source, cache);
        CachedExamples heldOut = part(holdOut, true, heldOutCount, source + " (validation part)", cache);
        release();
        return new Split(kept, heldOut);
    }

    private CachedExamples part(HoldOut holdOut, boolean heldOut, long count, String name, BlockCache cache) {
        JavaRDD<ExampleBlock> partBlocks = cache.persist(
                blocks.map(block -> block.part(holdOut, heldOut)).filter(Objects::nonNull));
        long loaded = partBlocks.map(block -> (long) block.rows()).fold(0L, Long::sum);
        if (loaded != count) {
            throw new IllegalStateException(name + ": cached " + loaded + " of " + count + " examples");
        }
        return new CachedExamples(name, partBlocks, count, featureCount, targetCount);
    }
}
