package org.sparkbackprop.spark.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ExamplePartition;
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

/** Invariants 2 and 3: batches do not depend on the cluster; same settings, same bits. */
class BatchesAndReproducibilityTest {
    private static final int EXAMPLES = 500;
    private static final int BATCH = 32;
    private static final Architecture ARCHITECTURE =
            new Architecture(new int[] {10, 8, 3}, Activation.SIGMOID, Output.SOFTMAX);
    private static final List<ExampleBlock> BLOCKS = SyntheticData.blocks(3, EXAMPLES, 10, 3, false, 20);

    @Test
    void batchesOfAnEpochAreTheSameOnOneAndFivePartitions() {
        JavaSparkContext context = LocalSpark.context();
        EpochOrder order = new EpochOrder(77, 0, EXAMPLES);
        List<List<long[]>> onOne = membersPerStep(context, 1, order);
        List<List<long[]>> onFive = membersPerStep(context, 5, order);
        for (int step = 0; step < order.batchCount(BATCH); step++) {
            long[] batch = order.batch(step, BATCH);
            assertArrayEquals(batch, concatenate(onOne.get(step)), "step " + step + " on 1 partition");
            assertArrayEquals(batch, concatenate(onFive.get(step)), "step " + step + " on 5 partitions");
            assertEquals(5, onFive.get(step).size());
        }
    }

    @Test
    void sameSeedAndPartitionsGiveTheSameBitsOnLocal1AndLocal2() {
        List<Parameters> models = new ArrayList<>();
        for (String master : new String[] {"local[1]", "local[1]", "local[2]", "local[2]"}) {
            models.add(train(LocalSpark.context(master), 3, 41));
        }
        for (Parameters model : models) {
            assertTrue(model.bitwiseEquals(models.get(0)), "bit-identical models");
        }
        Parameters otherSeed = train(LocalSpark.context(), 3, 42);
        assertTrue(otherSeed.maxAbsDifference(models.get(0)) > 1e-3, "the seed matters");
        Parameters otherPartitions = train(LocalSpark.context(), 4, 41);
        double difference = otherPartitions.maxAbsDifference(models.get(0));
        assertTrue(difference < 1e-10, "other partitions: the same model up to rounding, " + difference);
    }

    private static Parameters train(JavaSparkContext context, int partitions, long seed) {
        CachedExamples cached = LocalSpark.cache(context, BLOCKS, partitions);
        try {
            TrainingSettings settings = TrainingSettings.of(ARCHITECTURE).epochs(2).batchSize(BATCH).learningRate(0.8).seed(seed).build();
            return new MiniBatchTrainer(settings).train(Initialization.SCALED.initialize(ARCHITECTURE, seed),
                    new DistributedSource(context, cached, BATCH), null, (metrics, parameters) -> { });
        } finally {
            cached.release();
        }
    }

    /** For every step of the epoch, the members each partition finds, in partition order. */
    private static List<List<long[]>> membersPerStep(JavaSparkContext context, int partitions, EpochOrder order) {
        CachedExamples cached = LocalSpark.cache(context, BLOCKS, partitions);
        try {
            List<List<long[]>> steps = new ArrayList<>();
            for (int step = 0; step < order.batchCount(BATCH); step++) {
                long[] batch = order.batch(step, BATCH);
                steps.add(cached.blocks().mapPartitions((Iterator<ExampleBlock> blocks) -> {
                    List<ExampleBlock> list = new ArrayList<>();
                    blocks.forEachRemaining(list::add);
                    return List.of(new ExamplePartition(list).members(batch)).iterator();
                }).collect());
            }
            return steps;
        } finally {
            cached.release();
        }
    }

    private static long[] concatenate(List<long[]> parts) {
        return parts.stream().flatMapToLong(LongStream::of).toArray();
    }
}
