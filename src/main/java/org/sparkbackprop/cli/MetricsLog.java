package org.sparkbackprop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.model.AtomicFiles;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.training.EpochMetrics;
import org.sparkbackprop.training.TrainingListener;

/**
 * Reports each epoch: one log line as it ends, and with {@code --metrics-out} one JSON object
 * per line per epoch, written atomically by {@link #write()} once training has succeeded, so
 * that a failed or killed run leaves an earlier metrics file as it was.
 */
final class MetricsLog implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int epochs;
    private final Output output;
    private final Path metricsOut;
    private final List<String> lines = new ArrayList<>();
    private EpochMetrics last;

    MetricsLog(int epochs, Output output, Path metricsOut) {
        this.epochs = epochs;
        this.output = output;
        this.metricsOut = metricsOut;
    }

    EpochMetrics last() {
        return last;
    }

    /** The JSON lines of the epochs so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Takes up the lines of the epochs a resumed run did before it stopped. Modifies this. */
    void restore(List<String> earlier) {
        lines.clear();
        lines.addAll(earlier);
    }

    @Override
    public void epochEnded(EpochMetrics metrics, Parameters parameters) {
        last = metrics;
        LOG.info(describe(metrics));
        lines.add(toJson(metrics));
    }

    /** Writes the metrics file, when there is one. */
    void write() {
        if (metricsOut == null) {
            return;
        }
        try {
            AtomicFiles.write(metricsOut, out -> {
                for (String line : lines) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(metricsOut + ": cannot write metrics (" + e.getMessage() + ")", e);
        }
    }

    private String describe(EpochMetrics metrics) {
        StringBuilder line = new StringBuilder(String.format("epoch %d/%d: train loss %.4f", metrics.epoch(), epochs,
                metrics.trainLoss()));
        Scores test = metrics.test();
        if (test != null) {
            line.append(String.format(", test loss %.4f, test accuracy %.4f", test.loss(), test.accuracy()));
            if (output == Output.SIGMOID) {
                line.append(String.format(", Hamming loss %.4f, micro-F1 %.4f", test.hammingLoss(), test.microF1()));
            }
        }
        line.append(String.format(", %.1f s, %.0f examples/s", metrics.seconds(), metrics.examplesPerSecond()));
        return line.toString();
    }

    private String toJson(EpochMetrics metrics) {
        ObjectNode node = JSON.createObjectNode();
        node.put("epoch", metrics.epoch());
        node.put("steps", metrics.steps());
        node.put("train_loss", metrics.trainLoss());
        node.put("seconds", metrics.seconds());
        node.put("examples_per_second", metrics.examplesPerSecond());
        Scores test = metrics.test();
        if (test != null) {
            node.put("test_loss", test.loss());
            node.put("test_accuracy", test.accuracy());
            if (output == Output.SIGMOID) {
                node.put("test_subset_accuracy", test.accuracy());
                node.put("test_hamming_loss", test.hammingLoss());
                node.put("test_micro_f1", test.microF1());
            }
            node.put("test_seconds", metrics.testSeconds());
        }
        return node.toString();
    }
}
