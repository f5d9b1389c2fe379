package org.sparkbackprop.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ExamplePartition;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;

/** The loop learns a separable problem in process: the loss falls and the test accuracy is high. */
class InProcessTrainerTest {

    @Test
    void learnsTheSignOfASum() {
        Architecture architecture = new Architecture(new int[] {4, 8, 2}, Activation.SIGMOID, Output.SOFTMAX);
        TrainingSettings settings = TrainingSettings.of(architecture).epochs(20).batchSize(16).learningRate(1.0).seed(3).build();
        InProcessSource train = new InProcessSource(signOfSum(1, 800), architecture, settings.batchSize());
        InProcessSource test = new InProcessSource(signOfSum(2, 400), architecture, settings.batchSize());
        List<EpochMetrics> epochs = new ArrayList<>();
        Parameters initial = Initialization.SCALED.initialize(architecture, 3);
        Parameters trained = new MiniBatchTrainer(settings).train(initial, train, test, (metrics, p) -> epochs.add(metrics));

        assertEquals(20, epochs.size());
        assertEquals(50, epochs.get(0).steps());
        assertTrue(epochs.get(19).trainLoss() < 0.5 * epochs.get(0).trainLoss(), "loss falls");
        assertTrue(epochs.get(19).test().accuracy() > 0.95, "accuracy " + epochs.get(19).test().accuracy());
        assertTrue(initial.bitwiseEquals(Initialization.SCALED.initialize(architecture, 3)), "initial untouched");
        assertTrue(trained.maxAbsDifference(initial) > 0.1);
    }

    @Test
    void resumingFromAnyPositionEndsWithTheBitsOfAnUninterruptedRun() {
        Architecture architecture = new Architecture(new int[] {4, 6, 2}, Activation.SIGMOID, Output.SOFTMAX);
        // with momentum and weight decay, so that the optimizer's velocity must come back too
        TrainingSettings settings = TrainingSettings.of(architecture).epochs(3).batchSize(24).learningRate(0.5).seed(7)
                .momentum(0.8).l2(2.0).build();
        InProcessSource train = new InProcessSource(signOfSum(1, 500), architecture, settings.batchSize());
        Parameters initial = Initialization.SCALED.initialize(architecture, 7);
        List<TrainingPosition> positions = new ArrayList<>();
        List<TrainingState> states = new ArrayList<>();
        List<EpochMetrics> uninterruptedEpochs = new ArrayList<>();
        Parameters uninterrupted = new MiniBatchTrainer(settings).train(TrainingState.startingFrom(initial),
                TrainingPosition.START, train, null, null, new TrainingListener() {
                    @Override
                    public void epochEnded(EpochMetrics metrics, TrainingState state) {
                        uninterruptedEpochs.add(metrics);
                        positions.add(new TrainingPosition(metrics.epoch(), 0, 0.0, 0, 0.0));
                        states.add(copy(state));
                    }

                    @Override
                    public void stepEnded(TrainingPosition position, long steps, TrainingState state) {
                        positions.add(position);
                        states.add(copy(state));
                    }
                }).model();
        assertEquals(3 * 22, positions.size(), "21 steps and an epoch end, 3 times");
        for (int i : new int[] {0, 7, 20, 21, 34, 63}) {
            TrainingPosition position = positions.get(i);
            List<EpochMetrics> resumedEpochs = new ArrayList<>();
            Parameters resumed = new MiniBatchTrainer(settings).train(states.get(i), position, train, null, null,
                    (metrics, state) -> resumedEpochs.add(metrics)).model();
            assertTrue(uninterrupted.bitwiseEquals(resumed), "resumed from " + position);
            EpochMetrics last = resumedEpochs.get(resumedEpochs.size() - 1);
            assertEquals(3, last.epoch());
            assertEquals(uninterruptedEpochs.get(2).trainLoss(), last.trainLoss(), 0.0, "the epoch's loss carries over");
        }
    }

    private static TrainingState copy(TrainingState state) {
        return new TrainingState(state.parameters().copy(), state.velocity() == null ? null : state.velocity().copy(),
                state.best());
    }

    /** Label 1 when x1 + x2 − x3 − x4 > 0, features uniform in [−1, 1). */
    static ExamplePartition signOfSum(long seed, int count) {
        return signOfSum(seed, count, false);
    }

    /** As {@link #signOfSum(long, int)}, with every label the other one when {@code flipped}. */
    static ExamplePartition signOfSum(long seed, int count, boolean flipped) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        long[] indices = new long[count];
        float[] features = new float[count * 4];
        float[] targets = new float[count * 2];
        for (int r = 0; r < count; r++) {
            indices[r] = r;
            double sum = 0;
            for (int i = 0; i < 4; i++) {
                features[r * 4 + i] = (float) random.nextDouble(-1, 1);
                sum += (i < 2 ? 1 : -1) * features[r * 4 + i];
            }
            targets[r * 2 + (sum > 0 != flipped ? 1 : 0)] = 1;
        }
        return new ExamplePartition(List.of(new ExampleBlock(indices, 4, features, 2, targets)));
    }
}
