package org.sparkbackprop.spark.step;

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
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.SyntheticData;
import org.sparkbackprop.training.EpochOrder;
import org.sparkbackprop.training.MiniBatchTrainer;
import org.sparkbackprop.training.TrainingSettings;
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

    /**
     * Issue 6's soak: 2,000 training steps in local[2] with Spark's cleaner on, as users run.
     * After a collection, the driver's heap and the number of broadcast blocks stored are where
     * they were after the first 200 steps.
     */
    @Test
    void twoThousandStepsKeepTheDriverHeapAndBroadcastBlocksFlat() throws InterruptedException {
        JavaSparkContext context = LocalSpark.context();
        Architecture architecture = new Architecture(new int[] {20, 40, 5}, Activation.SIGMOID, Output.SOFTMAX);
        int examples = 2000;
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(5, examples, 20, 5, false, 100), 2);
        try {
            TrainingSettings settings = TrainingSettings.of(architecture).epochs(20).batchSize(20).learningRate(0.5).seed(1).build();
            long[] heap = new long[2];
            int[] broadcasts = new int[2];
            new MiniBatchTrainer(settings).train(Initialization.SCALED.initialize(architecture, 1),
                    new DistributedSource(context, cached, 20), null, (metrics, parameters) -> {
                        if (metrics.epoch() == 2 || metrics.epoch() == 20) {
                            int at = metrics.epoch() == 2 ? 0 : 1;
                            heap[at] = usedHeapAfterCollection();
                            broadcasts[at] = broadcastBlocks();
                        }
                    });
            assertTrue(heap[1] < heap[0] + (16 << 20), "driver heap after 200 steps " + (heap[0] >> 20)
                    + " MiB, after 2000 steps " + (heap[1] >> 20) + " MiB");
            assertTrue(broadcasts[1] <= broadcasts[0] + 4, "broadcast blocks stored after 200 steps " + broadcasts[0]
                    + ", after 2000 steps " + broadcasts[1]);
        } finally {
            cached.release();
        }
    }

    private static long usedHeapAfterCollection() {
        Runtime runtime = Runtime.getRuntime();
        for (int round = 0; round < 3; round++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Broadcast blocks in the driver's block manager, once Spark's cleaner has had a moment after a collection. */
    private static int broadcastBlocks() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return broadcastBlockIds().size();
    }

    /** A Scala sequence's elements, on Scala 2.12 and 2.13 alike (their converters differ). */
    private static <T> List<T> javaList(scala.collection.Seq<T> sequence) {
        List<T> elements = new java.util.ArrayList<>();
        for (scala.collection.Iterator<T> iterator = sequence.iterator(); iterator.hasNext(); ) {
            elements.add(iterator.next());
        }
        return elements;
    }

    /** The ids of the broadcast blocks the driver's block manager holds. */
    private static List<BlockId> broadcastBlockIds() {
        return javaList(SparkEnv.get().blockManager().getMatchingBlockIds(
                new AbstractFunction1<BlockId, Object>() {
                    @Override
                    public Object apply(BlockId id) {
                        return id.isBroadcast();
                    }
                }));
    }

    private static int shuffleFiles() {
        int count = 0;
        for (java.io.File file : javaList(SparkEnv.get().blockManager().diskBlockManager().getAllFiles())) {
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
            count = 0;
            for (BlockId id : broadcastBlockIds()) {
                scala.Option<BlockStatus> status = blockManager.getStatus(id);
                if (status.isDefined() && status.get().memSize() + status.get().diskSize() >= LARGE) {
                    count++;
                }
            }
        }
        return count;
    }
}
