package org.sparkbackprop.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.report.EpochRow;
import org.sparkbackprop.report.Report;
import org.sparkbackprop.training.TrainingState;

/** {@code --report DIR} of train, evaluate and compare: what each report shows, put together. */
public final class RunReport {
    private final Report report;

    private RunReport(Report report) {
        this.report = report;
    }

    /**
     * A training run's report: its settings, timings, the kept model's results on {@code scoredSet}
     * ({@code keptScores}, null without a test or validation set) and the metrics of every epoch
     * (as the metrics file's lines have them).
     */
    public static RunReport forTraining(Output output, List<MetricsLine> epochs, Map<String, String> settings, TrainingState end,
                                 Scores keptScores, String scoredSet, double wallSeconds) {
        boolean multiLabel = output.multiLabel();
        String scoreName = multiLabel ? "micro-F1" : "accuracy";
        Report report = new Report("spark-backprop training report").section("Settings", settings);

        Map<String, String> results = new LinkedHashMap<>();
        results.put("epochs run", Integer.toString(epochs.size()));
        results.put("model kept", end == null ? "none yet" : end.best() != null ? "epoch " + end.best().epoch()
                + " (lowest " + monitored(epochs) + " loss, " + format(end.best().loss()) + ")" : "the last epoch's");
        if (!epochs.isEmpty()) {
            results.put("last train loss", format(epochs.get(epochs.size() - 1).trainLoss()));
        }
        if (keptScores != null) {
            addScores(results, scoredSet + " ", keptScores, multiLabel);
        }
        report.section("Results", results);

        double trainingSeconds = 0;
        double scoringSeconds = 0;
        double examplesPerSecond = 0;
        for (MetricsLine epoch : epochs) {
            trainingSeconds += epoch.seconds();
            scoringSeconds += (epoch.test() == null ? 0 : epoch.test().seconds())
                    + (epoch.validation() == null ? 0 : epoch.validation().seconds());
            examplesPerSecond = epoch.examplesPerSecond();
        }
        Map<String, String> timings = new LinkedHashMap<>();
        timings.put("training steps", String.format("%.1f s", trainingSeconds));
        timings.put("scoring after each epoch", String.format("%.1f s", scoringSeconds));
        timings.put("this run, from start to report", String.format("%.1f s", wallSeconds));
        timings.put("last epoch's speed", String.format("%,.0f examples/s", examplesPerSecond));
        report.section("Timings", timings);

        List<EpochRow> rows = rows(epochs);
        report.epochs(rows, scoreName);
        addClassCharts(report, keptScores, multiLabel, "the kept model on the " + scoredSet + " set");
        return new RunReport(report);
    }

    /** The report's rows of the epochs of a metrics file; scores are micro-F1 for a multi-label run. */
    public static List<EpochRow> rows(List<MetricsLine> epochs) {
        List<EpochRow> rows = new ArrayList<>();
        for (MetricsLine epoch : epochs) {
            rows.add(new EpochRow(epoch.epoch(), epoch.learningRate(), epoch.trainLoss(), loss(epoch.validation()),
                    loss(epoch.test()), score(epoch.validation()), score(epoch.test()), epoch.seconds()));
        }
        return rows;
    }

    private static double loss(MetricsLine.SetScores scores) {
        return scores == null ? Double.NaN : scores.loss();
    }

    private static double score(MetricsLine.SetScores scores) {
        return scores == null ? Double.NaN : scores.score();
    }

    /** Runs side by side, from their metrics files' lines (run name → epochs). */
    public static RunReport forComparison(Map<String, List<MetricsLine>> runs, Map<String, String> files) {
        boolean multiLabel = multiLabel(runs);
        Map<String, List<EpochRow>> rows = new LinkedHashMap<>();
        runs.forEach((name, epochs) -> rows.put(name, rows(epochs)));
        Report report = new Report("spark-backprop runs compared").section("Runs", files)
                .comparison(rows, multiLabel ? "micro-F1" : "accuracy");
        return new RunReport(report);
    }

    /**
     * Whether runs' metrics are of multi-label models: they have micro-F1 scores, of a test or a
     * validation set. The one test of it, for the report and for {@code compare}'s table.
     */
    public static boolean multiLabel(Map<String, List<MetricsLine>> runs) {
        return runs.values().stream().flatMap(List::stream).anyMatch(MetricsLine::multiLabel);
    }

    /** A saved model's report on one data set. */
    public static RunReport forEvaluation(String model, String data, Output output, Scores scores, double wallSeconds) {
        boolean multiLabel = output.multiLabel();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("model", model);
        settings.put("data", data);
        Map<String, String> results = new LinkedHashMap<>();
        addScores(results, "", scores, multiLabel);
        Report report = new Report("spark-backprop evaluation report").section("Model and data", settings)
                .section("Results", results)
                .section("Timings", Map.of("this run, from start to report", String.format("%.1f s", wallSeconds)));
        addClassCharts(report, scores, multiLabel, "on " + data);
        return new RunReport(report);
    }

    /** The run's state under the title; the page reloads itself every {@code reloadSeconds} while above 0. */
    public RunReport status(String line, int reloadSeconds) {
        report.status(line, reloadSeconds);
        return this;
    }

    public void write(String directory) {
        try {
            report.write(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(directory + ": cannot write the report (" + e.getMessage() + ")", e);
        }
    }

    private static void addClassCharts(Report report, Scores scores, boolean multiLabel, String of) {
        if (scores == null) {
            return;
        }
        if (multiLabel) {
            report.perLabelF1(scores, of);
        } else {
            report.confusionMatrix(scores, of);
        }
    }

    private static void addScores(Map<String, String> results, String prefix, Scores scores, boolean multiLabel) {
        results.put(prefix + "examples", Long.toString(scores.examples()));
        results.put(prefix + "loss", format(scores.loss()));
        if (multiLabel) {
            results.put(prefix + "subset accuracy", format(scores.accuracy()));
            results.put(prefix + "Hamming loss", format(scores.hammingLoss()));
            results.put(prefix + "micro-F1", format(scores.microF1()));
        } else {
            results.put(prefix + "accuracy", format(scores.accuracy()));
        }
        results.put(prefix + "macro-F1", format(scores.macroF1()));
    }

    private static String monitored(List<MetricsLine> epochs) {
        return !epochs.isEmpty() && epochs.get(0).validation() != null ? "validation" : "test";
    }

    private static String format(double value) {
        return String.format("%.4f", value);
    }
}
