package org.sparkbackprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BlockStatus;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.SyntheticData;
import org.sparkbackprop.training.EpochOrder;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * Nothing a step makes outlives it: no broadcast, no shuffle file. Spark's ContextCleaner is switched off here, so a broadcast
 * that a step forgot to destroy would stay in the block manager instead of being collected
 * behind the test's back. The parameters (1.1 MB) dwarf the task binaries Spark broadcasts
 * itself, so counting large broadcast blocks counts ours.
 */
class BroadcastLifetimeTest {
    private static final long LARGE = 1 << 20;

    @Test
    void storedBroadcastBlocksDoNotGrowOver200Steps() throws InterruptedException {
        JavaSparkContext context = LocalSpark.context("local[2]", Map.of("spark.cleaner.referenceTracking", "false"));
        Architecture architecture = new Architecture(new int[] {300, 450, 10}, Activation.SIGMOID, Output.SOFTMAX);
        int examples = 400;
        CachedExamples cached = LocalSpark.cache(context,
                SyntheticData.blocks(8, examples, 300, 10, false, 50), 2);
        try {
            DistributedSource source = new DistributedSource(context, cached, 20);
            Parameters parameters = Initialization.SCALED.initialize(architecture, 1);
            EpochOrder order = new EpochOrder(1, 0, examples);
            int before = largeBroadcastBlocks(0);
            for (int step = 0; step < 200; step++) {
                source.sumGradients(parameters, order.batch(step % order.batchCount(20), 20));
            }
            assertEquals(before, largeBroadcastBlocks(before), "large broadcast blocks left after 200 steps");
        } finally {
            cached.release();
        }
    }

    @Test
    void treeCombiningLeavesNoShuffleFilesBehind() throws InterruptedException {
        JavaSparkContext context = LocalSpark.context();
        Architecture architecture = new Architecture(new int[] {30, 20, 10}, Activation.SIGMOID, Output.SOFTMAX);
        int examples = 400;
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(8, examples, 30, 10, false, 50), 4);
        try {
            DistributedSource source = new DistributedSource(context, cached, 20, Combine.TREE);
            Parameters parameters = Initialization.SCALED.initialize(architecture, 1);
            EpochOrder order = new EpochOrder(1, 0, examples);
            int steps = 30;
            for (int step = 0; step < steps; step++) {
                source.sumGradients(parameters, order.batch(step % order.batchCount(20), 20));
            }
            // a step writes a data and an index file per partition; without the cleanup all 30 steps' would stay
            int files = Integer.MAX_VALUE;
            for (int attempt = 0; attempt < 100 && files > 0; attempt++) {
                Thread.sleep(attempt > 0 ? 100 : 0);
                files = shuffleFiles();
            }
            assertEquals(0, files, "shuffle files left after " + steps + " steps");
        } finally {
            cached.release();
        }
    }

    private static int shuffleFiles() {
        int count = 0;
        for (java.io.File file : CollectionConverters.asJava(SparkEnv.get().blockManager().diskBlockManager().getAllFiles())) {
            if (file.getName().startsWith("shuffle_")) {
                count++;
            }
        }
        return count;
    }

    /** The broadcast blocks of at least 1 MiB, polled for up to 10 s until at most {@code expected} remain (removal is asynchronous). */
    private static int largeBroadcastBlocks(int expected) throws InterruptedException {
        BlockManager blockManager = SparkEnv.get().blockManager();
        int count = Integer.MAX_VALUE;
        for (int attempt = 0; attempt < 100 && count > expected; attempt++) {
            if (attempt > 0) {
                Thread.sleep(100);
            }
            List<BlockId> broadcasts = CollectionConverters.asJava(blockManager.getMatchingBlockIds(
                    new AbstractFunction1<BlockId, Object>() {
                        @Override
                        public Object apply(BlockId id) {
                            return id.isBroadcast();
                        }
                    }));
            count = 0;
            for (BlockId id : broadcasts) {
                scala.Option<BlockStatus> status = blockManager.getStatus(id);
                if (status.isDefined() && status.get().memSize() + status.get().diskSize() >= LARGE) {
                    count++;
                }
            }
        }
        assertTrue(count >= 0);
        return count;
    }
}
