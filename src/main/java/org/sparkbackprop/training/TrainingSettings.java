package org.sparkbackprop.training;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.GradientDescent;
import org.sparkbackprop.network.Initialization;

/**
 * What a training run does, apart from where its data comes from. Immutable; every value is
 * checked when built, and a bad one is named by its setting. Built by name:
 * {@code TrainingSettings.of(architecture).epochs(10).batchSize(16).learningRate(1.0).build()}.
 * {@link #values()} names every setting, read from the record's components, so that a setting
 * added here cannot be left out of what a checkpoint's fingerprint or a report lists.
 */
public record TrainingSettings(
        Architecture architecture,
        Initialization initialization,
        int epochs,
        int batchSize,
        double learningRate,
        long seed,
        double momentum,
        double l2,
        LearningRateDecay learningRateDecay,
        int earlyStopPatience) {

    public TrainingSettings {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be a positive integer, got " + epochs);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch-size must be a positive integer, got " + batchSize);
        }
        GradientDescent.checkSettings(learningRate, momentum, l2);
        if (earlyStopPatience < 0) {
            throw new IllegalArgumentException("early-stop-patience must be 0 (off) or a positive integer, got "
                    + earlyStopPatience);
        }
    }

    /** Settings for {@code architecture}, each at its default until set: those of {@code train}'s options. */
    public static Builder of(Architecture architecture) {
        return new Builder(architecture);
    }

    /**
     * Every setting by the name of its {@code train} option, in the record's order, as it is
     * shown and compared; the architecture as its four parts. A component without a name here
     * fails, so that a new setting is named before it can be used.
     */
    public Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        for (RecordComponent component : TrainingSettings.class.getRecordComponents()) {
            switch (component.getName()) {
                case "architecture" -> {
                    values.put("layers", Architecture.describe(architecture.sizes()));
                    values.put("output", architecture.output().id());
                    values.put("loss", architecture.loss().id());
                    values.put("activation", architecture.hiddenActivation().id());
                }
                case "initialization" -> values.put("init", initialization.id());
                case "epochs" -> values.put("epochs", Integer.toString(epochs));
                case "batchSize" -> values.put("batch-size", Integer.toString(batchSize));
                case "learningRate" -> values.put("learning-rate", Double.toString(learningRate));
                case "seed" -> values.put("seed", Long.toString(seed));
                case "momentum" -> values.put("momentum", Double.toString(momentum));
                case "l2" -> values.put("l2", Double.toString(l2));
                case "learningRateDecay" -> values.put("lr-decay", learningRateDecay.describe());
                case "earlyStopPatience" -> values.put("early-stop-patience", Integer.toString(earlyStopPatience));
                default -> throw new IllegalStateException("setting " + component.getName() + " has no name in values()");
            }
        }
        return values;
    }

    /** Builds settings by name; the defaults are {@code train}'s. */
    public static final class Builder {
        private final Architecture architecture;
        private Initialization initialization = Initialization.SCALED;
        private int epochs = 10;
        private int batchSize = 100;
        private double learningRate = 0.5;
        private long seed = 1;
        private double momentum;
        private double l2;
        private LearningRateDecay learningRateDecay = LearningRateDecay.NONE;
        private int earlyStopPatience;

        private Builder(Architecture architecture) {
            this.architecture = architecture;
        }

        public Builder initialization(Initialization value) {
            initialization = value;
            return this;
        }

        public Builder epochs(int value) {
            epochs = value;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder learningRate(double value) {
            learningRate = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder momentum(double value) {
            momentum = value;
            return this;
        }

        public Builder l2(double value) {
            l2 = value;
            return this;
        }

        public Builder learningRateDecay(LearningRateDecay value) {
            learningRateDecay = value;
            return this;
        }

        public Builder earlyStopPatience(int value) {
            earlyStopPatience = value;
            return this;
        }

        /** The settings; an IllegalArgumentException naming the first bad one. */
        public TrainingSettings build() {
            return new TrainingSettings(architecture, initialization, epochs, batchSize, learningRate, seed, momentum, l2,
                    learningRateDecay, earlyStopPatience);
        }
    }

    /** η for {@code epoch}, counted from 1, after the decay. */
    public double learningRate(int epoch) {
        return learningRateDecay.learningRate(learningRate, epoch);
    }

    public boolean earlyStopping() {
        return earlyStopPatience > 0;
    }
}
