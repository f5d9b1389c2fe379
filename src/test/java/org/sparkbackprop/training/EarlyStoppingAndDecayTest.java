package org.sparkbackprop.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;

/** Early stopping on a crafted validation set, and the learning-rate schedules, in process. */
class EarlyStoppingAndDecayTest {
    private static final Architecture ARCHITECTURE = new Architecture(new int[] {4, 8, 2}, Activation.SIGMOID,
            Output.SOFTMAX);

    /**
     * The validation set is the task's own for three epochs, so its loss falls; from the fourth
     * on it is the task with every label flipped, so its loss, far above, can only grow as the
     * network learns. With patience 2, training stops after epoch 5 and keeps epoch 3's model.
     */
    @Test
    void stopsAfterPatienceEpochsWithoutImprovementAndKeepsTheBestModel() {
        TrainingSettings settings = TrainingSettings.of(ARCHITECTURE).epochs(10).batchSize(16).learningRate(1.0).seed(3)
                .earlyStopPatience(2).build();
        InProcessSource train = new InProcessSource(InProcessTrainerTest.signOfSum(1, 400), ARCHITECTURE, 16);
        InProcessSource task = new InProcessSource(InProcessTrainerTest.signOfSum(2, 200), ARCHITECTURE, 16);
        InProcessSource flipped = new InProcessSource(InProcessTrainerTest.signOfSum(2, 200, true), ARCHITECTURE, 16);
        int[] scored = {0};
        ScoreSource validation = parameters -> ++scored[0] <= 3 ? task.score(parameters) : flipped.score(parameters);

        List<EpochMetrics> epochs = new ArrayList<>();
        List<Parameters> epochEnds = new ArrayList<>();
        List<TrainingState> states = new ArrayList<>();
        int[] stoppedAfter = {0};
        BestEpoch[] kept = {null};
        TrainingState end = new MiniBatchTrainer(settings).train(
                TrainingState.startingFrom(Initialization.SCALED.initialize(ARCHITECTURE, 3)), TrainingPosition.START,
                train, null, validation, new TrainingListener() {
                    @Override
                    public void epochEnded(EpochMetrics metrics, TrainingState state) {
                        epochs.add(metrics);
                        epochEnds.add(state.parameters().copy());
                        states.add(new TrainingState(state.parameters().copy(), null, state.best()));
                    }

                    @Override
                    public void stoppedEarly(int epoch, BestEpoch best) {
                        stoppedAfter[0] = epoch;
                        kept[0] = best;
                    }
                });

        List<Double> losses = epochs.stream().map(EpochMetrics::monitoredLoss).toList();
        assertTrue(losses.get(0) > losses.get(1) && losses.get(1) > losses.get(2), "the task's loss falls: " + losses);
        assertEquals(5, epochs.size(), "epochs 4 and 5 did not improve on epoch 3: " + losses);
        assertEquals(5, stoppedAfter[0]);
        assertEquals(3, kept[0].epoch());
        assertEquals(losses.get(2), kept[0].loss(), 0.0);
        assertTrue(end.model().bitwiseEquals(epochEnds.get(2)), "the model kept is epoch 3's");
        assertTrue(end.parameters().bitwiseEquals(epochEnds.get(4)), "training went on to epoch 5");

        // a run resumed from the checkpoint of the epoch it stopped after stops at once, with the same model
        List<EpochMetrics> resumedEpochs = new ArrayList<>();
        TrainingState resumed = new MiniBatchTrainer(settings).train(states.get(4),
                new TrainingPosition(5, 0, 0.0, 0, 0.0), train, null, validation,
                (metrics, state) -> resumedEpochs.add(metrics));
        assertEquals(List.of(), resumedEpochs);
        assertTrue(resumed.model().bitwiseEquals(epochEnds.get(2)));
    }

    @Test
    void withoutEarlyStoppingEveryEpochRunsAndTheLastModelIsKept() {
        TrainingSettings settings = TrainingSettings.of(ARCHITECTURE).epochs(4).batchSize(16).learningRate(1.0).seed(3).build();
        InProcessSource train = new InProcessSource(InProcessTrainerTest.signOfSum(1, 200), ARCHITECTURE, 16);
        InProcessSource flipped = new InProcessSource(InProcessTrainerTest.signOfSum(2, 100, true), ARCHITECTURE, 16);
        List<EpochMetrics> epochs = new ArrayList<>();
        TrainingState end = new MiniBatchTrainer(settings).train(
                TrainingState.startingFrom(Initialization.SCALED.initialize(ARCHITECTURE, 3)), TrainingPosition.START,
                train, flipped, null, (metrics, state) -> epochs.add(metrics));
        assertEquals(4, epochs.size());
        assertNull(end.best());
        assertTrue(end.model() == end.parameters());
    }

    @Test
    void earlyStoppingNeedsASetToWatch() {
        TrainingSettings settings = TrainingSettings.of(ARCHITECTURE).epochs(4).batchSize(16).learningRate(1.0).seed(3)
                .earlyStopPatience(2).build();
        InProcessSource train = new InProcessSource(InProcessTrainerTest.signOfSum(1, 100), ARCHITECTURE, 16);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new MiniBatchTrainer(settings).train(
                        TrainingState.startingFrom(Initialization.SCALED.initialize(ARCHITECTURE, 3)),
                        TrainingPosition.START, train, null, null, (metrics, state) -> { }));
        assertEquals("early stopping needs a test or a validation set to watch", refused.getMessage());
    }

    @Test
    void schedulesGiveTheDocumentedRates() {
        LearningRateDecay step = new LearningRateDecay(LearningRateDecay.Schedule.STEP, 0.5, 3);
        LearningRateDecay exponential = new LearningRateDecay(LearningRateDecay.Schedule.EXPONENTIAL, 0.9, 1);
        double[] stepRates = new double[7];
        double[] exponentialRates = new double[4];
        for (int epoch = 1; epoch <= 7; epoch++) {
            stepRates[epoch - 1] = step.learningRate(0.8, epoch);
        }
        for (int epoch = 1; epoch <= 4; epoch++) {
            exponentialRates[epoch - 1] = exponential.learningRate(2.0, epoch);
        }
        // η·γ^⌊(e−1)/k⌋ and η·γ^(e−1)
        assertEquals(List.of(0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2), boxed(stepRates));
        assertEquals(2.0, exponentialRates[0], 0.0, "epoch 1 runs at η exactly");
        assertEquals(2.0 * 0.9, exponentialRates[1], 1e-15);
        assertEquals(2.0 * 0.9 * 0.9 * 0.9, exponentialRates[3], 1e-15);
        assertEquals(0.8, LearningRateDecay.NONE.learningRate(0.8, 100), 0.0);
        assertThrows(IllegalArgumentException.class,
                () -> new LearningRateDecay(LearningRateDecay.Schedule.STEP, 1.5, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new LearningRateDecay(LearningRateDecay.Schedule.STEP, 0.5, 0));
    }

    /**
     * Two epochs with the rate halved after the first are, bit for bit, one epoch at η and then
     * the second epoch of a run at η/2 without decay.
     */
    @Test
    void aDecayedEpochIsAPlainEpochAtTheDecayedRate() {
        LearningRateDecay halving = new LearningRateDecay(LearningRateDecay.Schedule.STEP, 0.5, 1);
        TrainingSettings decayed = TrainingSettings.of(ARCHITECTURE).epochs(2).batchSize(16).learningRate(1.0).seed(3)
                .momentum(0.9).l2(1.0).learningRateDecay(halving).build();
        TrainingSettings halfRate = TrainingSettings.of(ARCHITECTURE).epochs(2).batchSize(16).learningRate(0.5).seed(3)
                .momentum(0.9).l2(1.0).build();
        InProcessSource train = new InProcessSource(InProcessTrainerTest.signOfSum(1, 200), ARCHITECTURE, 16);
        Parameters initial = Initialization.SCALED.initialize(ARCHITECTURE, 3);
        List<TrainingState> afterFirst = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        TrainingState end = new MiniBatchTrainer(decayed).train(TrainingState.startingFrom(initial),
                TrainingPosition.START, train, null, null, (metrics, state) -> {
                    rates.add(metrics.learningRate());
                    afterFirst.add(new TrainingState(state.parameters().copy(), state.velocity().copy(), null));
                });
        assertEquals(List.of(1.0, 0.5), rates);
        TrainingState secondAtHalf = new MiniBatchTrainer(halfRate).train(afterFirst.get(0),
                new TrainingPosition(1, 0, 0.0, 0, 0.0), train, null, null, (metrics, state) -> { });
        assertTrue(end.parameters().bitwiseEquals(secondAtHalf.parameters()));
    }

    /** A divergence in a decayed epoch names both the rate as set and the epoch's. */
    @Test
    void aDivergenceAfterDecayNamesTheEpochsRate() {
        LearningRateDecay halving = new LearningRateDecay(LearningRateDecay.Schedule.STEP, 0.5, 1);
        TrainingSettings settings = TrainingSettings.of(ARCHITECTURE).epochs(3).batchSize(16).learningRate(1.0).seed(3)
                .learningRateDecay(halving).build();
        InProcessSource examples = new InProcessSource(InProcessTrainerTest.signOfSum(1, 64), ARCHITECTURE, 16);
        int[] epoch = {0};
        GradientSource breaksInEpoch2 = new GradientSource() {
            @Override
            public long exampleCount() {
                return examples.exampleCount();
            }

            @Override
            public Gradients sumGradients(Parameters parameters, long[] sortedBatch) {
                Gradients sums = examples.sumGradients(parameters, sortedBatch);
                if (epoch[0] == 2) {
                    sums.weights(1).set(0, 0, Double.NaN);
                }
                return sums;
            }

            @Override
            public void stepStarting(int current, long step, long steps) {
                epoch[0] = current;
            }
        };
        TrainingDiverged diverged = assertThrows(TrainingDiverged.class, () -> new MiniBatchTrainer(settings).train(
                TrainingState.startingFrom(Initialization.SCALED.initialize(ARCHITECTURE, 3)), TrainingPosition.START,
                breaksInEpoch2, null, null, (metrics, state) -> { }));
        assertEquals("training diverged in epoch 2, step 1 of 4: the gradient of layer 1 is not finite; try a smaller"
                + " --learning-rate (it is 1.0, 0.5 in this epoch after --lr-decay)", diverged.getMessage());
    }

    private static List<Double> boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
