package org.sparkbackprop.report;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.hadoop.fs.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.sparkbackprop.files.AtomicFiles;
import org.sparkbackprop.files.DriverFiles;
import org.sparkbackprop.network.Scores;

/**
 * A report being put together: sections of name–value rows, an epoch table and charts, written
 * by {@link #write(String)} as PNG files and an {@code index.html} that shows them in order.
 */
public final class Report {
    public static final int CHART_WIDTH = 800;
    public static final int CHART_HEIGHT = 500;

    static {
        // charts are drawn off screen; a driver or a CI machine has no display to open
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** A chart with the file it goes to and the sentence that introduces it. */
    private record NamedChart(String file, String caption, Chart<?, ?> chart) {
    }

    private final String title;
    private final Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    private String status;
    private int reloadSeconds;
    private final List<EpochRow> epochs = new ArrayList<>();
    private String epochScoreName;
    private final List<NamedChart> charts = new ArrayList<>();

    public Report(String title) {
        this.title = title;
    }

    /** Adds a table of {@code rows} (name → value, in order) under {@code heading}. Modifies this. */
    /**
     * A line under the title saying how the run stands (going, finished, stopped); while
     * {@code reloadSeconds} is above 0 the page reloads itself that often, for a run still going.
     */
    public Report status(String line, int reloadSeconds) {
        this.status = line;
        this.reloadSeconds = reloadSeconds;
        return this;
    }

    public Report section(String heading, Map<String, String> rows) {
        sections.put(heading, new LinkedHashMap<>(rows));
        return this;
    }

    /**
     * Adds the epoch table and its charts: train, validation and test loss per epoch, and the
     * validation and test {@code scoreName} (accuracy or micro-F1) when the run had those sets.
     * Modifies this.
     */
    public Report epochs(List<EpochRow> rows, String scoreName) {
        epochs.addAll(rows);
        epochScoreName = scoreName;
        XYChart losses = lineChart("Loss per epoch", "mean loss per example");
        addSeries(losses, "train", rows, EpochRow::trainLoss);
        addSeries(losses, "validation", rows, EpochRow::validationLoss);
        addSeries(losses, "test", rows, EpochRow::testLoss);
        charts.add(new NamedChart("loss.png", "Mean loss per example after each epoch: train (measured during the"
                + " epoch, before each batch's update), validation and test (after the epoch).", losses));
        XYChart scores = lineChart(capitalized(scoreName) + " per epoch", scoreName);
        boolean validation = addSeries(scores, "validation", rows, EpochRow::validationScore);
        boolean test = addSeries(scores, "test", rows, EpochRow::testScore);
        if (validation || test) {
            charts.add(new NamedChart(scoreName.replace(' ', '-').toLowerCase() + ".png",
                    capitalized(scoreName) + " of the model after each epoch.", scores));
        }
        return this;
    }

    /**
     * Adds charts that set runs side by side: train loss, test loss (when the runs have one) and
     * test {@code scoreName} (validation's for runs without a test set), one line per run, named
     * as in {@code runs}. Modifies this.
     */
    public Report comparison(Map<String, List<EpochRow>> runs, String scoreName) {
        XYChart trainLoss = lineChart("Train loss per epoch", "mean loss per example");
        XYChart testLoss = lineChart("Test loss per epoch", "mean loss per example");
        XYChart scores = lineChart("Test " + scoreName + " per epoch", "test " + scoreName);
        boolean anyTestLoss = false;
        boolean anyScore = false;
        for (Map.Entry<String, List<EpochRow>> run : runs.entrySet()) {
            addSeries(trainLoss, run.getKey(), run.getValue(), EpochRow::trainLoss);
            anyTestLoss |= addSeries(testLoss, run.getKey(), run.getValue(), EpochRow::testLoss);
            anyScore |= addSeries(scores, run.getKey(), run.getValue(),
                    row -> Double.isNaN(row.testScore()) ? row.validationScore() : row.testScore());
        }
        charts.add(new NamedChart("train-loss.png", "Each run's mean train loss per example, measured during"
                + " each epoch.", trainLoss));
        if (anyTestLoss) {
            charts.add(new NamedChart("test-loss.png", "Each run's test loss after each epoch.", testLoss));
        }
        if (anyScore) {
            charts.add(new NamedChart(scoreName.replace(' ', '-').toLowerCase() + ".png", "Each run's "
                    + scoreName + " after each epoch, on the test set (the validation set for runs without one).",
                    scores));
        }
        return this;
    }

    /** Adds the confusion matrix of single-label {@code scores} as a heat map. Modifies this. */
    public Report confusionMatrix(Scores scores, String of) {
        int classes = scores.classes();
        int[] predicted = new int[classes];
        int[] actual = new int[classes];
        int[][] counts = new int[classes][classes];
        for (int k = 0; k < classes; k++) {
            predicted[k] = k;
            actual[k] = k;
        }
        for (int a = 0; a < classes; a++) {
            for (int p = 0; p < classes; p++) {
                counts[p][a] = (int) Math.min(Integer.MAX_VALUE, scores.confusion(a, p));
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT)
                .title("Confusion matrix, " + of).xAxisTitle("predicted class").yAxisTitle("actual class").build();
        // white for no examples up to steel blue for the most, so the few mistakes stand out from the empty cells
        chart.getStyler().setShowValue(classes <= 20).setHeatMapValueDecimalPattern("#")
                .setRangeColors(new Color[] {Color.WHITE, new Color(0xC6DBEF), new Color(0x4682B4)});
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("examples", predicted, actual, counts);
        charts.add(new NamedChart("confusion-matrix.png", "Examples by actual class (rows) and predicted class"
                + " (columns), " + of + ".", chart));
        return this;
    }

    /** Adds each label's F1 of multi-label {@code scores} as bars. Modifies this. */
    public Report perLabelF1(Scores scores, String of) {
        List<Integer> labels = new ArrayList<>();
        List<Double> f1 = new ArrayList<>();
        for (int k = 0; k < scores.classes(); k++) {
            labels.add(k);
            f1.add(scores.classScores(k).f1());
        }
        CategoryChart chart = new CategoryChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT)
                .title("F1 per label, " + of).xAxisTitle("label").yAxisTitle("F1").build();
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("F1", labels, f1);
        charts.add(new NamedChart("per-label-f1.png", "Each label's F1 (output above " + Scores.THRESHOLD
                + " counts as predicted), " + of + ".", chart));
        return this;
    }

    /**
     * Writes the charts and then index.html into {@code directory} (made when missing), each
     * file atomically, so that an index.html never names a chart not yet written.
     */
    public void write(String directory) throws IOException {
        Path location = DriverFiles.resolve(directory);
        for (NamedChart chart : charts) {
            AtomicFiles.write(new Path(location, chart.file()),
                    out -> BitmapEncoder.saveBitmap(chart.chart(), out, BitmapEncoder.BitmapFormat.PNG));
        }
        AtomicFiles.write(new Path(location, "index.html"), this::writeHtml);
    }

    private void writeHtml(OutputStream out) throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        if (reloadSeconds > 0) {
            html.append("<meta http-equiv=\"refresh\" content=\"").append(reloadSeconds).append("\">\n");
        }
        html.append("<title>")
                .append(escape(title)).append("</title>\n<style>\n")
                .append("body { font-family: sans-serif; margin: 2em auto; max-width: 60em; color: #222; }\n")
                .append("table { border-collapse: collapse; margin-bottom: 1.5em; }\n")
                .append("td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }\n")
                .append("td.number { text-align: right; font-variant-numeric: tabular-nums; }\n")
                .append("img { max-width: 100%; }\n</style>\n</head>\n<body>\n<h1>").append(escape(title))
                .append("</h1>\n");
        if (status != null) {
            html.append("<p><strong>").append(escape(status)).append("</strong></p>\n");
        }
        for (Map.Entry<String, Map<String, String>> section : sections.entrySet()) {
            html.append("<h2>").append(escape(section.getKey())).append("</h2>\n<table>\n");
            for (Map.Entry<String, String> row : section.getValue().entrySet()) {
                html.append("<tr><th>").append(escape(row.getKey())).append("</th><td>").append(escape(row.getValue()))
                        .append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        if (!epochs.isEmpty()) {
            appendEpochTable(html);
        }
        for (NamedChart chart : charts) {
            html.append("<h2>").append(escape(chart.chart().getTitle())).append("</h2>\n<p>")
                    .append(escape(chart.caption())).append("</p>\n<img src=\"").append(chart.file())
                    .append("\" width=\"").append(CHART_WIDTH).append("\" height=\"").append(CHART_HEIGHT)
                    .append("\" alt=\"").append(escape(chart.chart().getTitle())).append("\">\n");
        }
        html.append("</body>\n</html>\n");
        out.write(html.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void appendEpochTable(StringBuilder html) {
        html.append("<h2>Epochs</h2>\n<table>\n<tr><th>epoch</th><th>learning rate</th><th>train loss</th>"
                + "<th>validation loss</th><th>test loss</th><th>validation ").append(escape(epochScoreName))
                .append("</th><th>test ").append(escape(epochScoreName)).append("</th><th>seconds</th></tr>\n");
        for (EpochRow row : epochs) {
            html.append("<tr><td class=\"number\">").append(row.epoch()).append("</td>");
            for (double value : new double[] {row.learningRate(), row.trainLoss(), row.validationLoss(),
                    row.testLoss(), row.validationScore(), row.testScore()}) {
                html.append("<td class=\"number\">").append(Double.isNaN(value) ? "" : String.format("%.4f", value))
                        .append("</td>");
            }
            html.append("<td class=\"number\">").append(String.format("%.1f", row.seconds())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static XYChart lineChart(String chartTitle, String yAxis) {
        XYChart chart = new XYChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT).title(chartTitle)
                .xAxisTitle("epoch").yAxisTitle(yAxis).build();
        chart.getStyler().setDecimalPattern("#.####");
        return chart;
    }

    /** Adds the series of {@code value} over the epochs where it is known; false when it never is. */
    private static boolean addSeries(XYChart chart, String name, List<EpochRow> rows, ToDoubleFunction<EpochRow> value) {
        List<Integer> epochs = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (EpochRow row : rows) {
            double y = value.applyAsDouble(row);
            if (!Double.isNaN(y)) {
                epochs.add(row.epoch());
                values.add(y);
            }
        }
        if (epochs.isEmpty()) {
            return false;
        }
        chart.addSeries(name, epochs, values).setMarker(SeriesMarkers.CIRCLE);
        return true;
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
