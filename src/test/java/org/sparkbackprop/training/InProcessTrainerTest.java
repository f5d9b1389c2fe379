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
        TrainingSettings settings = new TrainingSettings(architecture, Initialization.SCALED, 20, 16, 1.0, 3);
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

    /** Label 1 when x1 + x2 − x3 − x4 > 0, features uniform in [−1, 1). */
    private static ExamplePartition signOfSum(long seed, int count) {
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
            targets[r * 2 + (sum > 0 ? 1 : 0)] = 1;
        }
        return new ExamplePartition(List.of(new ExampleBlock(indices, 4, features, 2, targets)));
    }
}
