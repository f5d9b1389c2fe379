package org.sparkbackprop.training;

import org.sparkbackprop.network.GradientDescent;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;

/**
 * Mini-batch gradient descent over epochs: for each epoch, its seeded order; for each batch
 * of it, the gradient sums from a {@link GradientSource} and one update. Where the sums are
 * computed is the source's business, so the same loop drives the in-process reference and
 * the Spark trainer. A loss, gradient or weight that stops being finite stops training with
 * {@link TrainingDiverged}, before the bad numbers reach the parameters or any file.
 */
public final class MiniBatchTrainer {
    private final TrainingSettings settings;

    public MiniBatchTrainer(TrainingSettings settings) {
        this.settings = settings;
    }

    /**
     * Trains from {@code initial} (left unchanged) and returns the final parameters.
     * {@code test} may be null.
     */
    public Parameters train(Parameters initial, GradientSource train, ScoreSource test, TrainingListener listener) {
        return train(initial, TrainingPosition.START, null, train, test, listener);
    }

    /**
     * Goes on from {@code start} with the parameters {@code current} and the optimizer's
     * {@code velocity} (null for zero) had there, both left unchanged: the result is bit for bit
     * that of an uninterrupted run. {@code test} may be null.
     */
    public Parameters train(Parameters current, TrainingPosition start, Parameters velocity, GradientSource train,
                            ScoreSource test, TrainingListener listener) {
        if (!current.architecture().equals(settings.architecture())) {
            throw new IllegalArgumentException("the parameters are for " + current.architecture()
                    + ", the settings for " + settings.architecture());
        }
        Parameters parameters = current.copy();
        GradientDescent descent = new GradientDescent(settings.learningRate(), settings.momentum(), settings.l2(),
                train.exampleCount());
        descent.restoreVelocity(velocity);
        for (int epoch = start.epochsDone(); epoch < settings.epochs(); epoch++) {
            boolean resumed = epoch == start.epochsDone();
            double earlierSeconds = resumed ? start.seconds() : 0.0;
            long started = System.nanoTime();
            EpochOrder order = new EpochOrder(settings.seed(), epoch, train.exampleCount());
            long steps = order.batchCount(settings.batchSize());
            double lossSum = resumed ? start.lossSum() : 0.0;
            long examples = resumed ? start.examples() : 0;
            for (long step = resumed ? start.stepsDone() : 0; step < steps; step++) {
                train.stepStarting(epoch + 1, step + 1, steps);
                Gradients sums = train.sumGradients(parameters, order.batch(step, settings.batchSize()));
                checkFinite(sums, epoch + 1, step + 1, steps);
                descent.apply(sums, parameters);
                int layer = parameters.firstNonFiniteLayer();
                if (layer != 0) {
                    throw new TrainingDiverged(epoch + 1, step + 1, steps, "the update made layer " + layer
                            + "'s weights or biases overflow", settings.learningRate());
                }
                lossSum += sums.lossSum();
                examples += sums.exampleCount();
                if (step + 1 < steps) {
                    listener.stepEnded(new TrainingPosition(epoch, step + 1, lossSum, examples,
                            earlierSeconds + (System.nanoTime() - started) / 1e9), parameters, descent.velocity());
                }
            }
            double seconds = earlierSeconds + (System.nanoTime() - started) / 1e9;
            Scores testScores = null;
            double testSeconds = 0.0;
            if (test != null) {
                long testStarted = System.nanoTime();
                testScores = test.score(parameters);
                testSeconds = (System.nanoTime() - testStarted) / 1e9;
            }
            listener.epochEnded(new EpochMetrics(epoch + 1, steps, lossSum / examples, seconds,
                    examples / seconds, testScores, testSeconds), parameters, descent.velocity());
        }
        return parameters;
    }

    /** Stops training, before the update, at a batch whose loss or gradient is not finite. */
    private void checkFinite(Gradients sums, int epoch, long step, long steps) {
        if (!Double.isFinite(sums.lossSum())) {
            throw new TrainingDiverged(epoch, step, steps, "the batch loss is " + sums.lossSum(),
                    settings.learningRate());
        }
        int layer = sums.firstNonFiniteLayer();
        if (layer != 0) {
            throw new TrainingDiverged(epoch, step, steps, "the gradient of layer " + layer + " is not finite",
                    settings.learningRate());
        }
    }
}
