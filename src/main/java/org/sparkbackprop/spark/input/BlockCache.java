package org.sparkbackprop.spark.input;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.spark.Partition;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    public JavaRDD<ExampleBlock> persist(JavaRDD<ExampleBlock> blocks) {
        if (this == MEMORY) {
            return blocks.persist(StorageLevel.MEMORY_AND_DISK());
        }
        return blocks.mapPartitions(BlockCache::toLocalFiles).persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * What a task that may run on any executor needs to read {@code cached} (blocks this cache
     * persisted) where it runs, or null when it reads them anywhere as they are ({@link #MEMORY}).
     */
    public PartitionRebuild rebuildOf(JavaRDD<ExampleBlock> cached) {
        if (this == MEMORY) {
            return null;
        }
        // persist(...) above: the cached handles are computed from their one parent, the input's blocks
        @SuppressWarnings("unchecked")
        RDD<ExampleBlock> source = (RDD<ExampleBlock>) cached.rdd().dependencies().head().rdd();
        return new PartitionRebuild(source);
    }

    /**
     * Rebuilds a {@link #DISK}-cached partition on an executor that does not hold its feature
     * files: a task Spark ran away from the executor that cached the partition (a barrier stage
     * does not wait for locality) receives handles to files on another machine. It computes the
     * partition's blocks again from the input, through Spark's lineage, and writes them to files
     * of its own: the same features, so the same bits, as the executor that wrote the first ones.
     */
    public static final class PartitionRebuild implements Serializable {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(PartitionRebuild.class);

        /** The input's blocks, whose partition p is the cached partition p; computed again only when needed. */
        private final RDD<ExampleBlock> source;
        /** The source's partitions: an RDD's own are not sent with it to the executors. */
        private final Partition[] partitions;

        PartitionRebuild(RDD<ExampleBlock> source) {
            this.source = source;
            this.partitions = source.partitions();
            // as for any task's RDD: its lineage goes along with it only once the driver has looked it up
            source.dependencies();
        }

        /**
         * The blocks of the task's partition: {@code cached}, as Spark gave them, when their
         * feature files are on this machine, else rebuilt here from the input.
         */
        public List<ExampleBlock> readableHere(List<ExampleBlock> cached) throws IOException {
            if (cached.stream().allMatch(ExampleBlock::featuresReadableHere)) {
                return cached;
            }
            TaskContext task = TaskContext.get();
            LOG.info("the feature files of partition {} are on another executor: rebuilding them here from the input",
                    task.partitionId());
            scala.collection.Iterator<ExampleBlock> rebuilt = source.iterator(partitions[task.partitionId()], task);
            List<ExampleBlock> blocks = new ArrayList<>();
            // a Scala iterator walked by hand: Scala 2.12's and 2.13's converters live in different places
            while (rebuilt.hasNext()) {
                blocks.add(rebuilt.next());
            }
            List<ExampleBlock> handles = new ArrayList<>();
            toLocalFiles(blocks.iterator()).forEachRemaining(handles::add);
            return handles;
        }
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
