package org.sparkbackprop.training;

/**
 * Where training stands: {@code epochsDone} whole epochs, then {@code stepsDone} steps of the
 * next one, whose batches so far had losses summing to {@code lossSum} over {@code examples}
 * examples and took {@code seconds}. Together with the parameters it is all that training
 * needs to go on exactly as if it had never stopped: the batches are a function of the seed,
 * the epoch and the step.
 */
public record TrainingPosition(int epochsDone, long stepsDone, double lossSum, long examples, double seconds) {
    /** Nothing done yet. */
    public static final TrainingPosition START = new TrainingPosition(0, 0, 0.0, 0, 0.0);

    public TrainingPosition {
        if (epochsDone < 0 || stepsDone < 0 || examples < 0) {
            throw new IllegalArgumentException("a training position counts from 0");
        }
    }
}
