package org.sparkbackprop.spark.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ExamplePartition;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.GradientDescent;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.MatrixProducts;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.SyntheticData;
import org.sparkbackprop.training.EpochOrder;
import org.sparkbackprop.training.InProcessSource;

/**
 * Invariant 1: one distributed step equals the in-process step on the same batch, for any
 * partition count, to rounding; with the same partitions and kernel, bit for bit (invariant 3),
 * for both kernels.
 */
class DistributedStepTest {
    private static final int EXAMPLES = 230;
    private static final int BATCH = 64;

    static Stream<Arguments> cases() {
        return Stream.of(Kernel.values()).flatMap(kernel -> Stream.of(1, 2, 3, 7).flatMap(partitions ->
                Stream.of(Output.values()).map(output -> Arguments.of(kernel, partitions, output))));
    }

    @ParameterizedTest(name = "{0}, {1} partitions, {2}")
    @MethodSource("cases")
    void distributedStepEqualsInProcessStep(Kernel kernel, int partitions, Output output) {
        JavaSparkContext context = LocalSpark.context();
        Architecture architecture = new Architecture(new int[] {12, 9, 7, 4}, Activation.SIGMOID, output);
        List<ExampleBlock> blocks = SyntheticData.blocks(17, EXAMPLES, 12, 4, output == Output.SIGMOID, 6);
        CachedExamples cached = LocalSpark.cache(context, blocks, partitions);
        try {
            assertEquals(partitions, cached.partitions());
            MatrixProducts products = Blas.products(kernel);
            InProcessSource local = new InProcessSource(List.of(SyntheticData.partition(blocks)), architecture, BATCH, 1,
                    products);
            InProcessSource samePartitions = new InProcessSource(LocalSpark.split(blocks, partitions).stream()
                    .map(ExamplePartition::new).toList(),
                    architecture, BATCH, 1, products);
            DistributedSource distributed = new DistributedSource(context, cached, BATCH, Combine.ORDERED, kernel);
            Parameters start = Initialization.NORMAL.initialize(architecture, 5);
            EpochOrder order = new EpochOrder(23, 1, EXAMPLES);
            for (long step : new long[] {0, order.batchCount(BATCH) - 1}) {
                long[] batch = order.batch(step, BATCH);
                Gradients expected = local.sumGradients(start, batch);
                Gradients actual = distributed.sumGradients(start, batch);
                assertEquals(batch.length, actual.exampleCount());
                assertEquals(expected.lossSum(), actual.lossSum(), 1e-12 * Math.abs(expected.lossSum()));
                Parameters expectedStep = start.copy();
                Parameters actualStep = start.copy();
                new GradientDescent(0.7).apply(expected, expectedStep);
                new GradientDescent(0.7).apply(actual, actualStep);
                double difference = expectedStep.maxAbsDifference(actualStep);
                assertTrue(difference < 1e-12, "max abs difference " + difference);
                assertTrue(expectedStep.maxAbsDifference(start) > 1e-3, "the step moved the weights");
                if (partitions == 1) {
                    assertTrue(expectedStep.bitwiseEquals(actualStep), "one partition is the in-process step, bit for bit");
                }
                Parameters samePartitionsStep = start.copy();
                new GradientDescent(0.7).apply(samePartitions.sumGradients(start, batch), samePartitionsStep);
                assertTrue(samePartitionsStep.bitwiseEquals(actualStep), "the same partitions in-process, bit for bit");
            }
            Scores expectedScores = local.score(start);
            Scores actualScores = distributed.score(start);
            assertEquals(EXAMPLES, actualScores.examples());
            assertEquals(expectedScores.accuracy(), actualScores.accuracy(), 0.0);
            assertEquals(expectedScores.loss(), actualScores.loss(), 1e-12);
        } finally {
            cached.release();
        }
    }
}
