package org.sparkbackprop.spark.input;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.storage.StorageLevel;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ParsedExample;
import scala.Tuple2;

/**
 * Turns parsed rows, in input order, into cached blocks: every row gets its global index (its
 * position in the input, by zipWithIndex), then partition p of P receives the contiguous index
 * range [p⌈N/P⌉, (p+1)⌈N/P⌉), sorted, packed in blocks. The layout is a function of the input
 * and P only, whatever the file splits were.
 */
public final class Examples {
    /** Rows per cached block, for every format: large enough for long copies, small enough to spill piece by piece. */
    static final int BLOCK_ROWS = 4096;

    private Examples() {
    }

    /** Parsed rows, numbered here in input order, cached in {@code partitions} index ranges. */
    public static CachedExamples cache(String source, JavaRDD<ParsedExample> parsed, int featureCount, int classes,
                                int partitions, BlockCache cache) {
        parsed.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return cacheNumbered(source, numbered(parsed), featureCount, classes, partitions, cache);
        } finally {
            parsed.unpersist(false);
        }
    }

    /** Parsed rows numbered in input order: global index → example. */
    public static JavaPairRDD<Long, ParsedExample> numbered(JavaRDD<ParsedExample> parsed) {
        return parsed.zipWithIndex().mapToPair(Tuple2::swap);
    }

    /**
     * Rows already numbered in input order (global index → example; indices 0..N−1, each once),
     * cached in {@code partitions} index ranges. Bad input found while numbering them (guarded by
     * {@link BadInputInTasks}) fails here, before anything is cached.
     */
    public static CachedExamples cacheNumbered(String source, JavaPairRDD<Long, ParsedExample> numbered,
                                               int featureCount, int classes, int partitions, BlockCache cache) {
        long count = numbered.count();
        BadInputInTasks.of(numbered.context()).throwIfFound();
        if (count == 0) {
            throw new BadInputException(source + ": no examples (the input is empty)");
        }
        int slices = (int) Math.max(1, Math.min(partitions, count));
        JavaRDD<ExampleBlock> blocks = cache.persist(numbered
                .repartitionAndSortWithinPartitions(new IndexRanges(slices, count))
                .mapPartitions(new PackBlocks(featureCount, classes)))
                .setName("examples of " + source);
        long loaded = blocks.map(ExampleBlock::rows).fold(0, Integer::sum);
        if (loaded != count) {
            throw new IllegalStateException(source + ": cached " + loaded + " of " + count + " examples");
        }
        return new CachedExamples(source, blocks, count, featureCount, classes);
    }

    /** The examples of cached blocks with their global indices: features, and the classes whose target is 1. */
    public static JavaPairRDD<Long, ParsedExample> unpack(CachedExamples examples) {
        return examples.blocks().flatMapToPair(block -> {
            List<Tuple2<Long, ParsedExample>> rows = new ArrayList<>(block.rows());
            for (int r = 0; r < block.rows(); r++) {
                float[] features = new float[block.featureCount()];
                for (int i = 0; i < features.length; i++) {
                    features[i] = block.feature(r, i);
                }
                int row = r;
                int[] labels = java.util.stream.IntStream.range(0, block.targetCount())
                        .filter(k -> block.target(row, k) != 0f).toArray();
                rows.add(new Tuple2<>(block.index(r), new ParsedExample(features, labels)));
            }
            return rows.iterator();
        });
    }

    /** Global index i goes to partition ⌊i / ⌈N/P⌉⌋: contiguous ranges in partition order. */
    static final class IndexRanges extends Partitioner {
        private static final long serialVersionUID = 1L;

        private final int partitions;
        private final long perPartition;

        IndexRanges(int partitions, long count) {
            this.partitions = partitions;
            this.perPartition = (count + partitions - 1) / partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (int) ((Long) key / perPartition);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof IndexRanges that && that.partitions == partitions && that.perPartition == perPartition;
        }

        @Override
        public int hashCode() {
            return 31 * partitions + Long.hashCode(perPartition);
        }
    }

    /**
     * Packs a partition's (index, example) pairs, sorted by index, into blocks of at most
     * {@link #BLOCK_ROWS}, one block at a time, so a partition larger than memory
     * streams through.
     */
    private record PackBlocks(int featureCount, int classes)
            implements FlatMapFunction<Iterator<Tuple2<Long, ParsedExample>>, ExampleBlock> {

        @Override
        public Iterator<ExampleBlock> call(Iterator<Tuple2<Long, ParsedExample>> rows) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public ExampleBlock next() {
                    long[] indices = new long[BLOCK_ROWS];
                    ParsedExample[] examples = new ParsedExample[BLOCK_ROWS];
                    int filled = 0;
                    while (filled < BLOCK_ROWS && rows.hasNext()) {
                        Tuple2<Long, ParsedExample> row = rows.next();
                        if (row._2().features().length != featureCount) {
                            throw new IllegalStateException("example " + row._1() + " has "
                                    + row._2().features().length + " features, expected " + featureCount);
                        }
                        indices[filled] = row._1();
                        examples[filled] = row._2();
                        filled++;
                    }
                    return ParsedExample.toBlock(Arrays.copyOf(indices, filled), Arrays.copyOf(examples, filled),
                            featureCount, classes);
                }
            };
        }
    }
}
