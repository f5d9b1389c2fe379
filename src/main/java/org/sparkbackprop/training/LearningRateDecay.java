package org.sparkbackprop.training;

import org.sparkbackprop.common.Ids;

/**
 * How the learning rate falls from epoch to epoch; within an epoch it is constant. For epoch
 * e = 1, 2, ... and the initial rate η:
 * <ul>
 *   <li>{@link Schedule#NONE}: η_e = η;</li>
 *   <li>{@link Schedule#STEP}: η_e = η · γ^⌊(e − 1)/k⌋, multiplied by γ every k epochs;</li>
 *   <li>{@link Schedule#EXPONENTIAL}: η_e = η · γ^(e − 1).</li>
 * </ul>
 * A function of the epoch alone, so a resumed run uses the rates of an uninterrupted one.
 * Powers are {@link StrictMath}'s, the same bits on every JVM.
 */
public record LearningRateDecay(Schedule schedule, double rate, int everyEpochs) {
    /** The learning rate stays as given. */
    public static final LearningRateDecay NONE = new LearningRateDecay(Schedule.NONE, 1.0, 1);
    /** Epochs between step decays unless told otherwise. */
    public static final int DEFAULT_EVERY = 5;

    public enum Schedule {
        NONE("none"), STEP("step"), EXPONENTIAL("exponential");

        private final String id;

        Schedule(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Schedule fromId(String id) {
            return Ids.find(values(), Schedule::id, "lr-decay", id);
        }
    }

    public LearningRateDecay {
        if (!(rate > 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException("lr-decay-rate must be in (0, 1], got " + rate);
        }
        if (everyEpochs < 1) {
            throw new IllegalArgumentException("lr-decay-every must be a positive integer, got " + everyEpochs);
        }
    }

    /**
     * The decay {@code schedule} asks for, with γ = {@code rate}, or the schedule's default when
     * null (0.5 for step, 0.9 for exponential), every {@code everyEpochs} epochs for step.
     */
    public static LearningRateDecay of(Schedule schedule, Double rate, int everyEpochs) {
        if (schedule == Schedule.NONE) {
            return NONE;
        }
        double gamma = rate != null ? rate : schedule == Schedule.EXPONENTIAL ? 0.9 : 0.5;
        return new LearningRateDecay(schedule, gamma, everyEpochs);
    }

    /** η_e for {@code epoch} (counted from 1), from the initial rate {@code initial}. */
    public double learningRate(double initial, int epoch) {
        return switch (schedule) {
            case NONE -> initial;
            case STEP -> initial * StrictMath.pow(rate, (epoch - 1) / everyEpochs);
            case EXPONENTIAL -> initial * StrictMath.pow(rate, epoch - 1);
        };
    }

    /** As the command line states it, e.g. {@code step 0.5 every 3 epochs}. */
    public String describe() {
        return switch (schedule) {
            case NONE -> "none";
            case STEP -> "step " + rate + " every " + everyEpochs + " epochs";
            case EXPONENTIAL -> "exponential " + rate + " per epoch";
        };
    }
}
