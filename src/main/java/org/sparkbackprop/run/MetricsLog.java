package org.sparkbackprop.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.files.AtomicFiles;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.training.BestEpoch;
import org.sparkbackprop.training.EpochMetrics;
import org.sparkbackprop.training.TrainingListener;
import org.sparkbackprop.training.TrainingState;

/**
 * Reports each epoch: one log line as it ends, and with {@code --metrics-out} one JSON object
 * per line per epoch, the whole file replaced atomically after every epoch (on local disks by a
 * rename, on Hadoop file systems likewise), so that a reader, {@code tail -f} or {@code compare},
 * never sees half a line, and a failed or killed run keeps the lines of its finished epochs. A
 * run that fails before its first epoch ends leaves an earlier file as it was.
 */
public final class MetricsLog implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsLog.class);

    private final int epochs;
    private final Output output;
    private final Kernel kernel;
    private final String metricsOut;
    /** Read by a report's shutdown hook while training adds to it: every access holds the lock. */
    private final List<String> lines = new ArrayList<>();

    /** {@code kernel}: what ran the matrix products, which each line names (the bits depend on it). */
    public MetricsLog(int epochs, Output output, Kernel kernel, String metricsOut) {
        this.epochs = epochs;
        this.output = output;
        this.kernel = kernel;
        this.metricsOut = metricsOut;
    }

    /** The JSON lines of the epochs so far. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Takes up the lines of the epochs a resumed run did before it stopped. Modifies this. */
    public synchronized void restore(List<String> earlier) {
        lines.clear();
        lines.addAll(earlier);
    }

    /** Every epoch's metrics so far, read back from the lines (so a resumed run has the earlier ones too). */
    public synchronized List<MetricsLine> epochs() {
        return lines.stream().map(MetricsLine::fromJson).toList();
    }

    @Override
    public synchronized void epochEnded(EpochMetrics metrics, TrainingState state) {
        LOG.info(describe(metrics));
        lines.add(MetricsLine.of(metrics, output.multiLabel(), kernel).toJson());
        write();
    }

    @Override
    public void stoppedEarly(int epoch, BestEpoch best) {
        LOG.info("early stop after epoch {}: the watched loss (validation, else test) has not gone below epoch {}'s"
                + " {} since; the model of epoch {} is kept", epoch, best.epoch(), String.format("%.4f", best.loss()),
                best.epoch());
    }

    /** Writes the metrics file with every epoch so far, when there is one. */
    public synchronized void write() {
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
        describeScores(line, "validation", metrics.validation());
        describeScores(line, "test", metrics.test());
        line.append(String.format(", %.1f s, %.0f examples/s", metrics.seconds(), metrics.examplesPerSecond()));
        return line.toString();
    }

    private void describeScores(StringBuilder line, String set, Scores scores) {
        if (scores == null) {
            return;
        }
        line.append(String.format(", %s loss %.4f, %s accuracy %.4f", set, scores.loss(), set, scores.accuracy()));
        if (output.multiLabel()) {
            line.append(String.format(", %s Hamming loss %.4f, %s micro-F1 %.4f", set, scores.hammingLoss(), set,
                    scores.microF1()));
        }
    }
}
