package org.sparkbackprop.training;

import org.sparkbackprop.network.GradientDescent;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;

/**
 * Mini-batch gradient descent over epochs: for each epoch, its seeded order and learning rate;
 * for each batch of it, the gradient sums from a {@link GradientSource} and one update. Where
 * the sums are computed is the source's business, so the same loop drives the in-process
 * reference and the Spark trainer. A loss, gradient or weight that stops being finite stops
 * training with {@link TrainingDiverged}, before the bad numbers reach the parameters or any
 * file.
 *
 * <p>With early stopping, the loop keeps the epoch of the lowest monitored loss (validation,
 * else test) and stops once {@code patience} epochs in a row have not gone below it.
 */
public final class MiniBatchTrainer {
    private final TrainingSettings settings;

    public MiniBatchTrainer(TrainingSettings settings) {
        this.settings = settings;
    }

    /**
     * Trains from {@code initial} (left unchanged) and returns the model to keep (the best
     * epoch's with early stopping). {@code test} may be null.
     */
    public Parameters train(Parameters initial, GradientSource train, ScoreSource test, TrainingListener listener) {
        return train(TrainingState.startingFrom(initial), TrainingPosition.START, train, test, null, listener).model();
    }

    /**
     * Goes on from {@code position} with the state {@code start} had there (left unchanged): the
     * result is bit for bit that of an uninterrupted run. {@code test} and {@code validation}
     * may be null; early stopping needs one of them. Returns the state after the last epoch run.
     */
    public TrainingState train(TrainingState start, TrainingPosition position, GradientSource train,
                               ScoreSource test, ScoreSource validation, TrainingListener listener) {
        if (!start.parameters().architecture().equals(settings.architecture())) {
            throw new IllegalArgumentException("the parameters are for " + start.parameters().architecture()
                    + ", the settings for " + settings.architecture());
        }
        if (settings.earlyStopping() && test == null && validation == null) {
            throw new IllegalArgumentException("early stopping needs a test or a validation set to watch");
        }
        Parameters parameters = start.parameters().copy();
        GradientDescent descent = new GradientDescent(settings.learningRate(), settings.momentum(), settings.l2(),
                train.exampleCount());
        descent.restoreVelocity(start.velocity());
        BestEpoch best = start.best();
        for (int epoch = position.epochsDone(); epoch < settings.epochs(); epoch++) {
            // at the top of the loop, so that a run resumed from the checkpoint of its last epoch stops as well
            if (best != null && patienceRunOut(epoch, best)) {
                listener.stoppedEarly(epoch, best);
                break;
            }
            boolean resumed = epoch == position.epochsDone();
            double earlierSeconds = resumed ? position.seconds() : 0.0;
            long started = System.nanoTime();
            EpochOrder order = new EpochOrder(settings.seed(), epoch, train.exampleCount());
            long steps = order.batchCount(settings.batchSize());
            double learningRate = settings.learningRate(epoch + 1);
            descent.setLearningRate(learningRate);
            double lossSum = resumed ? position.lossSum() : 0.0;
            long examples = resumed ? position.examples() : 0;
            for (long step = resumed ? position.stepsDone() : 0; step < steps; step++) {
                train.stepStarting(epoch + 1, step + 1, steps);
                Gradients sums = train.sumGradients(parameters, order.batch(step, settings.batchSize()));
                checkFinite(sums, lossSum, epoch + 1, step + 1, steps, learningRate);
                descent.apply(sums, parameters);
                int layer = parameters.firstNonFiniteLayer();
                if (layer != 0) {
                    throw new TrainingDiverged(epoch + 1, step + 1, steps, "the update made layer " + layer
                            + "'s weights or biases overflow", settings.learningRate(), learningRate);
                }
                lossSum += sums.lossSum();
                examples += sums.exampleCount();
                listener.stepEnded(new TrainingPosition(epoch, step + 1, lossSum, examples,
                        earlierSeconds + (System.nanoTime() - started) / 1e9), steps,
                        new TrainingState(parameters, descent.velocity(), best));
            }
            train.epochStepsDone();
            double seconds = earlierSeconds + (System.nanoTime() - started) / 1e9;
            long testStarted = System.nanoTime();
            Scores testScores = test == null ? null : test.score(parameters);
            long validationStarted = System.nanoTime();
            Scores validationScores = validation == null ? null : validation.score(parameters);
            long scored = System.nanoTime();
            EpochMetrics metrics = new EpochMetrics(epoch + 1, steps, learningRate, lossSum / examples, seconds,
                    examples / seconds, testScores, (validationStarted - testStarted) / 1e9, validationScores,
                    (scored - validationStarted) / 1e9);
            if (settings.earlyStopping() && (best == null || metrics.monitoredLoss() < best.loss())) {
                best = new BestEpoch(epoch + 1, metrics.monitoredLoss(), parameters.copy());
            }
            listener.epochEnded(metrics, new TrainingState(parameters, descent.velocity(), best));
        }
        return new TrainingState(parameters, descent.velocity(), best);
    }

    /** Whether {@code epochsDone} epochs are {@code patience} or more past the best one. */
    private boolean patienceRunOut(int epochsDone, BestEpoch best) {
        return epochsDone - best.epoch() >= settings.earlyStopPatience();
    }

    /**
     * Stops training, before the update, at a batch whose loss or gradient is not finite, or whose
     * loss takes the epoch's summed loss ({@code epochLossSum} before it) past the largest double:
     * batch losses near 1e307 are a divergence too, and an infinite epoch loss has no metrics line.
     */
    private void checkFinite(Gradients sums, double epochLossSum, int epoch, long step, long steps,
                             double learningRate) {
        if (!Double.isFinite(sums.lossSum())) {
            throw new TrainingDiverged(epoch, step, steps, "the batch loss is " + sums.lossSum(),
                    settings.learningRate(), learningRate);
        }
        if (!Double.isFinite(epochLossSum + sums.lossSum())) {
            throw new TrainingDiverged(epoch, step, steps, "the batch loss, " + sums.lossSum()
                    + ", takes the epoch's summed loss past the largest double", settings.learningRate(), learningRate);
        }
        int layer = sums.firstNonFiniteLayer();
        if (layer != 0) {
            throw new TrainingDiverged(epoch, step, steps, "the gradient of layer " + layer + " is not finite",
                    settings.learningRate(), learningRate);
        }
    }
}
