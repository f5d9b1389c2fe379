package org.sparkbackprop.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.run.MetricsLine;

/**
 * What a fit did, epoch by epoch ({@link BackpropClassificationModel#summary}): every epoch's
 * metrics line, as {@code train --metrics-out} writes it (train loss, the validation rows' loss
 * and accuracy where {@code validationIndicatorCol} was set, steps, learning rate, seconds, the
 * kernel), the epochs run, the best epoch where early stopping chose the model, and the
 * partitions the rows were cached in. A resumed fit's summary has the epochs before its
 * checkpoint too. Saved with the model ({@value #IN_MODEL_DIRECTORY}) and loaded with it.
 */
public final class BackpropTrainingSummary implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The summary's file in a saved model's directory. */
    static final String IN_MODEL_DIRECTORY = "training-summary.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The lines as JSON text: {@link MetricsLine} is no Serializable, its JSON form is its contract. */
    private final List<String> epochLines;
    private final int bestEpoch;
    private final int partitions;

    /** {@code bestEpoch}: 0 when early stopping was off. */
    BackpropTrainingSummary(List<MetricsLine> epochs, int bestEpoch, int partitions) {
        this.epochLines = epochs.stream().map(MetricsLine::toJson).toList();
        this.bestEpoch = bestEpoch;
        this.partitions = partitions;
    }

    /** Every epoch's metrics, the first epoch first. */
    public List<MetricsLine> epochs() {
        return epochLines.stream().map(MetricsLine::fromJson).toList();
    }

    /** Epochs run: {@code maxIter}, or fewer where early stopping stopped the fit. */
    public int totalIterations() {
        return epochLines.size();
    }

    /** Each epoch's mean training loss (MLlib's name for it). */
    public double[] objectiveHistory() {
        return epochs().stream().mapToDouble(MetricsLine::trainLoss).toArray();
    }

    /** Each epoch's loss on the validation rows; empty without {@code validationIndicatorCol}. */
    public double[] validationLossHistory() {
        return epochs().stream().filter(line -> line.validation() != null)
                .mapToDouble(line -> line.validation().loss()).toArray();
    }

    /** The epoch (from 1) whose model early stopping kept, the lowest validation loss; empty when it was off. */
    public OptionalInt bestEpoch() {
        return bestEpoch > 0 ? OptionalInt.of(bestEpoch) : OptionalInt.empty();
    }

    /** The partitions the training rows were cached in: the bits depend on it. */
    public int partitions() {
        return partitions;
    }

    /** {@code {"total_iterations": 10, "best_epoch": 7, "partitions": 2, "epochs": [metrics lines]}}. */
    String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("total_iterations", totalIterations());
        if (bestEpoch > 0) {
            node.put("best_epoch", bestEpoch);
        }
        node.put("partitions", partitions);
        ArrayNode epochs = node.putArray("epochs");
        try {
            for (String line : epochLines) {
                epochs.add(JSON.readTree(line));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a metrics line is not JSON: " + e.getMessage(), e);
        }
        return node.toString();
    }

    /** A summary as {@link #toJson} writes it; bad input naming {@code source} when it is none. */
    static BackpropTrainingSummary fromJson(String text, String source) {
        try {
            JsonNode node = JSON.readTree(text);
            List<MetricsLine> epochs = new ArrayList<>();
            for (JsonNode line : node.path("epochs")) {
                epochs.add(MetricsLine.fromJson(line.toString()));
            }
            if (!node.path("partitions").canConvertToInt()) {
                throw new IllegalArgumentException("no partitions");
            }
            return new BackpropTrainingSummary(epochs, node.path("best_epoch").asInt(0), node.get("partitions").asInt());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new BadInputException(source + ": not a training summary (" + e.getMessage() + ")");
        }
    }

    @Override
    public String toString() {
        return toJson();
    }
}
