package org.sparkbackprop.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.training.EpochMetrics;

/**
 * One epoch's line of a metrics file ({@code train --metrics-out}), typed, and its JSON form both
 * ways, in this one place: what the log, the report, {@code compare} and the checkpoints read.
 * <pre>
 * {"epoch": 1, "steps": 1875, "learning_rate": 0.5, "train_loss": 0.55, "seconds": 0.9,
 *  "examples_per_second": 65795, "blas": "native",
 *  "test_loss": 0.52, "test_accuracy": 0.81, "test_seconds": 0.1,      (with a test set)
 *  "validation_loss": ..., ...}                                          (with a validation set)
 * </pre>
 * A multi-label model's sets add {@code _subset_accuracy} (its accuracy), {@code _hamming_loss}
 * and {@code _micro_f1}. Files from older versions may lack {@code steps}, {@code learning_rate}
 * and {@code blas}: 0, NaN and null here.
 */
public record MetricsLine(int epoch, long steps, double learningRate, double trainLoss, double seconds,
                   double examplesPerSecond, String blas, SetScores test, SetScores validation) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A scored set's numbers; Hamming loss and micro-F1 are NaN for a single-label model. */
    public record SetScores(double loss, double accuracy, double hammingLoss, double microF1, double seconds) {
        public boolean multiLabel() {
            return !Double.isNaN(microF1);
        }

        /** What a run's table and charts show of the set: micro-F1 for a multi-label model, else accuracy. */
        public double score() {
            return multiLabel() ? microF1 : accuracy;
        }
    }

    /** An epoch's line, for a model that is multi-label when {@code multiLabel}, trained on {@code kernel}. */
    public static MetricsLine of(EpochMetrics metrics, boolean multiLabel, Kernel kernel) {
        return new MetricsLine(metrics.epoch(), metrics.steps(), metrics.learningRate(), metrics.trainLoss(),
                metrics.seconds(), metrics.examplesPerSecond(), kernel.label(),
                scores(metrics.test(), metrics.testSeconds(), multiLabel),
                scores(metrics.validation(), metrics.validationSeconds(), multiLabel));
    }

    private static SetScores scores(Scores scores, double seconds, boolean multiLabel) {
        return scores == null ? null : new SetScores(scores.loss(), scores.accuracy(),
                multiLabel ? scores.hammingLoss() : Double.NaN, multiLabel ? scores.microF1() : Double.NaN, seconds);
    }

    /** Whether the line's model is multi-label: it has micro-F1 scores, of its test or its validation set. */
    public boolean multiLabel() {
        return test != null && test.multiLabel() || validation != null && validation.multiLabel();
    }

    /** The set early stopping watched: the validation set when there was one. */
    public SetScores monitored() {
        return validation != null ? validation : test;
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("epoch", epoch);
        node.put("steps", steps);
        node.put("learning_rate", learningRate);
        node.put("train_loss", trainLoss);
        node.put("seconds", seconds);
        node.put("examples_per_second", examplesPerSecond);
        if (blas != null) {
            node.put("blas", blas);
        }
        put(node, "test", test);
        put(node, "validation", validation);
        return node.toString();
    }

    private static void put(ObjectNode node, String set, SetScores scores) {
        if (scores == null) {
            return;
        }
        node.put(set + "_loss", scores.loss());
        node.put(set + "_accuracy", scores.accuracy());
        if (scores.multiLabel()) {
            node.put(set + "_subset_accuracy", scores.accuracy());
            node.put(set + "_hamming_loss", scores.hammingLoss());
            node.put(set + "_micro_f1", scores.microF1());
        }
        node.put(set + "_seconds", scores.seconds());
    }

    /** A line as {@link #toJson} writes it; an IllegalArgumentException when it is not a metrics object. */
    public static MetricsLine fromJson(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            node = null;
        }
        if (node == null || !node.isObject() || !node.path("epoch").isInt() || !node.path("train_loss").isNumber()) {
            throw new IllegalArgumentException("expected a metrics object with at least epoch and train_loss (as train"
                    + " --metrics-out writes)");
        }
        return new MetricsLine(node.get("epoch").asInt(), node.path("steps").asLong(0),
                number(node, "learning_rate"), node.get("train_loss").asDouble(), number(node, "seconds"),
                number(node, "examples_per_second"), node.hasNonNull("blas") ? node.get("blas").asText() : null,
                set(node, "test"), set(node, "validation"));
    }

    private static SetScores set(JsonNode node, String set) {
        if (!node.has(set + "_loss")) {
            return null;
        }
        return new SetScores(number(node, set + "_loss"), number(node, set + "_accuracy"),
                number(node, set + "_hamming_loss"), number(node, set + "_micro_f1"), number(node, set + "_seconds"));
    }

    private static double number(JsonNode node, String key) {
        return node.has(key) && node.get(key).isNumber() ? node.get(key).asDouble() : Double.NaN;
    }
}
