package org.sparkbackprop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.training.EpochMetrics;
import org.sparkbackprop.training.TrainingState;

/**
 * The report of a run that goes on: refreshed after epochs by its interval, its page saying
 * whether the run goes on, finished or stopped, and where; and the metrics file, rewritten after
 * every epoch, holding exactly the finished epochs.
 */
class LiveReportTest {
    private static final Architecture ARCHITECTURE = new Architecture(new int[] {3, 4, 2}, Activation.SIGMOID,
            Output.SOFTMAX);
    private static final TrainingState STATE = TrainingState.startingFrom(
            Initialization.SCALED.initialize(ARCHITECTURE, 1));

    @TempDir
    Path directory;

    private LiveReport report(MetricsLog metrics, double refreshSeconds) {
        return new LiveReport(new LiveReport.Request(directory.resolve("report").toString(), refreshSeconds,
                Map.of("train", "t.csv"), System.nanoTime()), Output.SOFTMAX, 10, metrics,
                Map.of("train", "t.csv (100 examples)"));
    }

    private static EpochMetrics epoch(int epoch) {
        return new EpochMetrics(epoch, 4, 0.5, 1.0 / epoch, 0.1, 1000, null, 0, null, 0);
    }

    private String page() throws IOException {
        return Files.readString(directory.resolve("report/index.html"));
    }

    @Test
    void aReportRefreshedAfterEveryEpochSaysTheRunGoesOnAndThenHowItEnded() throws IOException {
        Path metricsFile = directory.resolve("metrics.jsonl");
        MetricsLog metrics = new MetricsLog(10, Output.SOFTMAX, Kernel.EJML, metricsFile.toString());
        try (LiveReport report = report(metrics, 0)) {
            for (int e = 1; e <= 3; e++) {
                metrics.epochEnded(epoch(e), STATE);
                report.epochEnded(epoch(e), STATE);
                // the metrics file holds exactly the finished epochs, whole lines
                List<String> lines = Files.readAllLines(metricsFile);
                assertEquals(e, lines.size());
                assertEquals(e, MetricsLine.fromJson(lines.get(e - 1)).epoch());
                assertTrue(page().contains("Running: " + e + " of 10 epochs finished, as of "), page());
                assertTrue(page().contains("<meta http-equiv=\"refresh\" content=\"10\">"), page());
                assertEquals(e, page().split("<tr><td class=\"number\">").length - 1, "a row per finished epoch");
            }
            report.stopped(new IllegalStateException("executors lost"));
        }
        assertTrue(page().contains("Stopped after 3 of 10 epochs: executors lost"), page());
        assertFalse(page().contains("http-equiv=\"refresh\""), "a stopped run's page stays");
        assertTrue(Files.exists(directory.resolve("report/loss.png")), "the charts are written too");
    }

    @Test
    void aLongIntervalWritesOnlyAtTheEndAndAFinishedRunSaysSo() throws IOException {
        MetricsLog metrics = new MetricsLog(10, Output.SOFTMAX, Kernel.EJML, null);
        try (LiveReport report = report(metrics, 3600)) {
            for (int e = 1; e <= 10; e++) {
                metrics.epochEnded(epoch(e), STATE);
                report.epochEnded(epoch(e), STATE);
            }
            assertFalse(Files.exists(directory.resolve("report")), "not refreshed within the hour");
            report.finished(STATE, null, "test");
            // a failure after the end does not take it back
            report.stopped(new IllegalStateException("late"));
        }
        assertTrue(page().contains("Finished: 10 of 10 epochs."), page());
        assertFalse(page().contains("http-equiv=\"refresh\""));
        assertFalse(page().contains("late"));
    }

    @Test
    void aRunStoppedBeforeItsFirstEpochLeavesAnEarlierReportAsItWas() throws IOException {
        Files.createDirectories(directory.resolve("report"));
        Files.writeString(directory.resolve("report/index.html"), "an earlier run's report");
        MetricsLog metrics = new MetricsLog(10, Output.SOFTMAX, Kernel.EJML, null);
        try (LiveReport report = report(metrics, 0)) {
            report.stopped(new IllegalStateException("no executors"));
        }
        assertEquals("an earlier run's report", page());
    }

    @Test
    void aResumedRunCountsTheEpochsBeforeItsCheckpointAndEarlyStoppingSaysWhenItEnded() throws IOException {
        MetricsLog metrics = new MetricsLog(10, Output.SOFTMAX, Kernel.EJML, null);
        metrics.restore(List.of(MetricsLine.of(epoch(1), false, Kernel.EJML).toJson(),
                MetricsLine.of(epoch(2), false, Kernel.EJML).toJson()));
        try (LiveReport report = report(metrics, 0)) {
            report.stopped(new IllegalStateException("preempted"));
        }
        assertTrue(page().contains("Stopped after 2 of 10 epochs: preempted"), page());

        MetricsLog early = new MetricsLog(10, Output.SOFTMAX, Kernel.EJML, null);
        try (LiveReport report = report(early, 0)) {
            for (int e = 1; e <= 4; e++) {
                early.epochEnded(epoch(e), STATE);
                report.epochEnded(epoch(e), STATE);
            }
            report.finished(STATE, null, "validation");
        }
        assertTrue(page().contains("Finished: early stopping ended the run after 4 of 10 epochs."), page());
    }
}
