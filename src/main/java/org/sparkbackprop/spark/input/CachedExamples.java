package org.sparkbackprop.spark.input;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.HoldOut;

/**
 * A data set read and cached by the executors: blocks of examples sorted by global index, a
 * partition holding ascending, disjoint ranges. The driver keeps only the shape and count, and,
 * for labels given as names, {@code classNames}: class k's name (null for labels given as indices).
 */
public record CachedExamples(String source, JavaRDD<ExampleBlock> blocks, long exampleCount, int featureCount,
                             int targetCount, List<String> classNames) {

    /** Examples whose labels were class indices. */
    public CachedExamples(String source, JavaRDD<ExampleBlock> blocks, long exampleCount, int featureCount,
                          int targetCount) {
        this(source, blocks, exampleCount, featureCount, targetCount, null);
    }

    /** A data set split into the examples training keeps and those held out to validate on. */
    public record Split(CachedExamples kept, CachedExamples heldOut) {
    }

    /** These examples, their labels having been the names {@code names} (null: indices). */
    public CachedExamples withClassNames(List<String> names) {
        return new CachedExamples(source, blocks, exampleCount, featureCount, targetCount, names);
    }

    public int partitions() {
        return blocks.getNumPartitions();
    }

    /**
     * A SHA-256 digest of every example's index, features and targets, in index order, computed
     * on the executors (the driver receives one digest per block): what identifies data that has
     * no files to fingerprint.
     */
    public String digest() {
        MessageDigest all = sha256();
        for (byte[] block : blocks.map(CachedExamples::digest).collect()) {
            all.update(block);
        }
        return HexFormat.of().formatHex(all.digest());
    }

    private static byte[] digest(ExampleBlock block) {
        MessageDigest digest = sha256();
        ByteBuffer row = ByteBuffer.allocate(Long.BYTES + Float.BYTES * (block.featureCount() + block.targetCount()));
        for (int r = 0; r < block.rows(); r++) {
            row.clear();
            row.putLong(block.index(r));
            for (int i = 0; i < block.featureCount(); i++) {
                row.putFloat(block.feature(r, i));
            }
            for (int k = 0; k < block.targetCount(); k++) {
                row.putFloat(block.target(r, k));
            }
            digest.update(row.array());
        }
        return digest.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
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
        return new CachedExamples(name, partBlocks, count, featureCount, targetCount, classNames);
    }
}
