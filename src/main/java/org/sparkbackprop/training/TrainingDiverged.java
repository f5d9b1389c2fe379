package org.sparkbackprop.training;

/**
 * Training stopped because a number stopped being finite: the batch loss, a gradient sum or,
 * after the update, a weight. Names where (epoch and step, counted from 1) and what, and advises
 * a smaller learning rate by the name its front end gives it ({@link SettingNames}).
 */
public final class TrainingDiverged extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * What a front end calls the learning rate and its decay in its advice: the command line's
     * options, or the Spark ML estimator's params.
     */
    public record SettingNames(String learningRate, String decay) {
        public static final SettingNames COMMAND_LINE = new SettingNames("--learning-rate", "--lr-decay");
    }

    private final int epoch;
    private final long step;
    private final long steps;
    private final String what;
    private final double learningRate;
    private final double epochLearningRate;

    /** {@code learningRate} as set, {@code epochLearningRate} the epoch's after any decay. */
    TrainingDiverged(int epoch, long step, long steps, String what, double learningRate, double epochLearningRate) {
        this(epoch, step, steps, what, learningRate, epochLearningRate, SettingNames.COMMAND_LINE);
    }

    private TrainingDiverged(int epoch, long step, long steps, String what, double learningRate,
                             double epochLearningRate, SettingNames names) {
        super("training diverged in epoch " + epoch + ", step " + step + " of " + steps + ": " + what
                + "; try a smaller " + names.learningRate() + " (it is " + learningRate
                + (epochLearningRate == learningRate ? ""
                        : ", " + epochLearningRate + " in this epoch after " + names.decay())
                + ")");
        this.epoch = epoch;
        this.step = step;
        this.steps = steps;
        this.what = what;
        this.learningRate = learningRate;
        this.epochLearningRate = epochLearningRate;
    }

    /** The same divergence, advising by {@code names}; this one is its cause. */
    public TrainingDiverged namingSettings(SettingNames names) {
        TrainingDiverged named = new TrainingDiverged(epoch, step, steps, what, learningRate, epochLearningRate, names);
        named.initCause(this);
        return named;
    }

    public int epoch() {
        return epoch;
    }

    public long step() {
        return step;
    }
}
