package org.sparkbackprop.spark.input;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.sparkbackprop.common.Ids;
import org.sparkbackprop.data.ExampleBlock;

/**
 * Where the executors keep the cached examples ({@code --cache}).
 *
 * <p>Every step touches every partition, since a batch is drawn from a permutation of all the
 * examples. Spark caches, spills and reads back whole partitions, so once a partition no longer
 * fits in memory, each step would read all of it back. {@link #DISK} therefore keeps the
 * features out of Spark's cache: each block's features go to a file in the executor's local
 * directory, read through a memory mapping, and Spark caches only the small handles (indices,
 * targets, file name). A step then reads the pages of its batch's rows alone, from the page
 * cache or the disk. A lost executor loses its handles with its files, and Spark recomputes
 * both from the input.
 */
public enum BlockCache {
    /** Blocks in Spark's cache, MEMORY_AND_DISK: fastest while the data fits in memory. */
    MEMORY("memory"),
    /** Features in executor-local memory-mapped files: for data larger than the executors' memory. */
    DISK("disk");

    private final String id;

    BlockCache(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static BlockCache fromId(String id) {
        return Ids.find(values(), BlockCache::id, "cache", id);
    }

    /** Persists {@code blocks} this way. */
    JavaRDD<ExampleBlock> persist(JavaRDD<ExampleBlock> blocks) {
        if (this == MEMORY) {
            return blocks.persist(StorageLevel.MEMORY_AND_DISK());
        }
        return blocks.mapPartitions(BlockCache::toLocalFiles).persist(StorageLevel.MEMORY_AND_DISK());
    }

    private static Iterator<ExampleBlock> toLocalFiles(Iterator<ExampleBlock> blocks) throws IOException {
        Path directory = Path.of(SparkFiles.getRootDirectory(), "spark-backprop-features");
        Files.createDirectories(directory);
        List<ExampleBlock> handles = new ArrayList<>();
        while (blocks.hasNext()) {
            ExampleBlock block = blocks.next();
            Path file = directory.resolve(block.firstIndex() + "-" + UUID.randomUUID() + ".f32");
            try {
                handles.add(block.withFeaturesIn(file));
            } catch (UncheckedIOException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        return handles.iterator();
    }
}
