package org.sparkbackprop.spark.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ExamplePartition;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.GradientDescent;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.spark.KryoRegistration;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.SyntheticData;
import org.sparkbackprop.training.EpochOrder;
import org.sparkbackprop.training.InProcessSource;

/**
 * Both ways of combining the partial sums, under Kryo with every class registered (as
 * conf/spark-cluster.conf runs): ordered combining equals the in-process source on the same
 * partitions and threads bit for bit, with no shuffle; tree combining runs a shuffle stage,
 * equals it to rounding, repeats its own bits, and on 8 partitions (sums added in runs of 4)
 * has other bits than the ordered sum, which shows it took its own path.
 */
class CombineTest {
    private static final int EXAMPLES = 300;
    private static final int BATCH = 96;
    private static final Map<String, String> KRYO = Map.of(
            "spark.serializer", "org.apache.spark.serializer.KryoSerializer",
            "spark.kryo.registrator", KryoRegistration.class.getName(),
            "spark.kryo.registrationRequired", "true");

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 2, 5, 8})
    void orderedAndTreeCombiningAgreeWithTheInProcessStep(int partitions) throws Exception {
        JavaSparkContext context = LocalSpark.context("local[2]", KRYO);
        Architecture architecture = new Architecture(new int[] {10, 8, 3}, Activation.SIGMOID, Output.SOFTMAX);
        List<ExampleBlock> blocks = SyntheticData.blocks(3, EXAMPLES, 10, 3, false, 7);
        CachedExamples cached = LocalSpark.cache(context, blocks, partitions);
        List<ExamplePartition> split = new ArrayList<>();
        LocalSpark.split(blocks, partitions).forEach(partition -> split.add(new ExamplePartition(partition)));
        try (InProcessSource inProcess = new InProcessSource(split, architecture, BATCH, 2)) {
            DistributedSource ordered = new DistributedSource(context, cached, BATCH, Combine.ORDERED);
            DistributedSource tree = new DistributedSource(context, cached, BATCH, Combine.TREE);
            Parameters start = Initialization.NORMAL.initialize(architecture, 9);
            long[] batch = new EpochOrder(4, 0, EXAMPLES).batch(1, BATCH);

            Parameters expected = step(inProcess.sumGradients(start, batch), start);
            ShuffleStages shuffles = new ShuffleStages();
            context.sc().addSparkListener(shuffles);
            Gradients orderedSums = ordered.sumGradients(start, batch);
            int orderedShuffles = shuffles.awaitCount();
            assertTrue(expected.bitwiseEquals(step(orderedSums, start)),
                    "ordered combining is the in-process sum on the same partitions, bit for bit");
            Gradients treeSums = tree.sumGradients(start, batch);
            int treeShuffles = shuffles.awaitCount() - orderedShuffles;
            context.sc().removeSparkListener(shuffles);
            assertEquals(0, orderedShuffles, "ordered combining needs no shuffle");
            assertEquals(1, treeShuffles, "tree combining adds the sums in a shuffle's reduce tasks");
            assertEquals(BATCH, treeSums.exampleCount());
            Parameters viaTree = step(treeSums, start);
            assertTrue(expected.maxAbsDifference(viaTree) < 1e-12, "tree combining sums the same gradients");
            assertTrue(viaTree.bitwiseEquals(step(tree.sumGradients(start, batch), start)),
                    "tree combining repeats its bits");
            assertTrue(expected.maxAbsDifference(start) > 1e-3, "the step moved the weights");
            if (partitions == 8) {
                assertFalse(viaTree.bitwiseEquals(expected), "runs of 4 sums added first round otherwise");
            }
        } finally {
            cached.release();
        }
    }

    /** Counts the completed stages that wrote a shuffle (map stages). */
    private static final class ShuffleStages extends SparkListener {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public void onStageCompleted(SparkListenerStageCompleted completed) {
            if (completed.stageInfo().shuffleDepId().isDefined()) {
                count.incrementAndGet();
            }
        }

        /** The count once the listener bus has delivered every event so far. */
        int awaitCount() throws java.util.concurrent.TimeoutException {
            SparkContext.getOrCreate().listenerBus().waitUntilEmpty();
            return count.get();
        }
    }

    private static Parameters step(Gradients sums, Parameters start) {
        Parameters next = start.copy();
        new GradientDescent(0.9).apply(sums, next);
        return next;
    }
}
