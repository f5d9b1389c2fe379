package org.sparkbackprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
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
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.SyntheticData;
import org.sparkbackprop.training.EpochOrder;
import org.sparkbackprop.training.InProcessSource;

/**
 * Both ways of combining the partial sums, under Kryo with every class registered (as
 * conf/spark-cluster.conf runs): ordered combining equals the in-process source on the same
 * partitions and threads bit for bit; tree combining equals it to rounding and repeats its own
 * bits.
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
    void orderedAndTreeCombiningAgreeWithTheInProcessStep(int partitions) {
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
            assertTrue(expected.bitwiseEquals(step(ordered.sumGradients(start, batch), start)),
                    "ordered combining is the in-process sum on the same partitions, bit for bit");
            Gradients treeSums = tree.sumGradients(start, batch);
            assertEquals(BATCH, treeSums.exampleCount());
            Parameters viaTree = step(treeSums, start);
            assertTrue(expected.maxAbsDifference(viaTree) < 1e-12, "tree combining sums the same gradients");
            assertTrue(viaTree.bitwiseEquals(step(tree.sumGradients(start, batch), start)),
                    "tree combining repeats its bits");
            assertTrue(expected.maxAbsDifference(start) > 1e-3, "the step moved the weights");
        } finally {
            cached.release();
        }
    }

    private static Parameters step(Gradients sums, Parameters start) {
        Parameters next = start.copy();
        new GradientDescent(0.9).apply(sums, next);
        return next;
    }
}
