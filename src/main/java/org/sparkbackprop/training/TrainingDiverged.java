package org.sparkbackprop.training;

/**
 * Training stopped because a number stopped being finite: the batch loss, a gradient sum or,
 * after the update, a weight. Names where (epoch and step, counted from 1) and what.
 */
public final class TrainingDiverged extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final long step;

    /** {@code learningRate} as set, {@code epochLearningRate} the epoch's after any decay. */
    TrainingDiverged(int epoch, long step, long steps, String what, double learningRate, double epochLearningRate) {
        super("training diverged in epoch " + epoch + ", step " + step + " of " + steps + ": " + what
                + "; try a smaller --learning-rate (it is " + learningRate
                + (epochLearningRate == learningRate ? "" : ", " + epochLearningRate + " in this epoch after --lr-decay")
                + ")");
        this.epoch = epoch;
        this.step = step;
    }

    public int epoch() {
        return epoch;
    }

    public long step() {
        return step;
    }
}
