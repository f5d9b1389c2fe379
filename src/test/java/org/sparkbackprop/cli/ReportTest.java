package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.report.Report;
import org.sparkbackprop.testing.Cli;
import org.sparkbackprop.testing.IdxFiles;

/**
 * train and evaluate with --report, a validation split, early stopping, learning-rate decay and
 * the quadratic loss, as users run them (local[2] in the test JVM).
 */
class ReportTest {
    @TempDir
    static Path directory;
    static Path data;

    @BeforeAll
    static void writeData() throws Exception {
        data = directory.resolve("idx");
        IdxFiles.write(data, "train", 600, 1, -1, 0);
        IdxFiles.write(data, "t10k", 200, 2, -1, 0);
    }

    @Test
    void trainWritesAReportWithEveryChartAndAValidationSplit() throws Exception {
        Path report = directory.resolve("report");
        Path metrics = directory.resolve("metrics.jsonl");
        Cli.Result train = Cli.run("train", "--train", data.toString(), "--test",
                data.toString(), "--layers", "784,16,10", "--epochs", "3", "--batch-size", "20", "--learning-rate", "1.0",
                "--momentum", "0.5", "--validation-fraction", "0.2", "--lr-decay", "step", "--lr-decay-every", "2",
                "--lr-decay-rate", "0.5", "--partitions", "3", "--report", report.toString(),
                "--metrics-out", metrics.toString());
        assertEquals(0, train.exitCode(), train.err());

        List<JsonNode> epochs = readLines(metrics);
        assertEquals(3, epochs.size());
        assertEquals(24, epochs.get(0).get("steps").asInt(), "480 of the 600 examples train, in batches of 20");
        assertEquals(List.of(1.0, 1.0, 0.5), epochs.stream().map(e -> e.get("learning_rate").asDouble()).toList());
        for (JsonNode epoch : epochs) {
            assertTrue(epoch.has("validation_loss") && epoch.has("validation_accuracy") && epoch.has("test_loss"),
                    epoch.toString());
        }
        assertReport(report, List.of("loss.png", "accuracy.png", "confusion-matrix.png"),
                List.of("Settings", "Results", "Timings", "Epochs", "validation",
                        "step 0.5 every 2 epochs", "momentum"));

        Path evaluated = directory.resolve("evaluate-report");
        Path model = directory.resolve("model.json");
        assertEquals(0, Cli.run("train", "--train", data.toString(), "--layers", "784,16,10", "--epochs", "1",
                "--batch-size", "20", "--model-out", model.toString()).exitCode());
        Cli.Result evaluate = Cli.run("evaluate", "--model", model.toString(), "--data",
                data.toString(), "--report", evaluated.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        assertReport(evaluated, List.of("confusion-matrix.png"), List.of("Model and data", "accuracy", "macro-F1"));
    }

    @Test
    void aMultiLabelRunWithTheQuadraticLossChartsMicroF1AndPerLabelF1() throws Exception {
        Path report = directory.resolve("quadratic-report");
        Path model = directory.resolve("quadratic.json");
        Cli.Result train = Cli.run("train", "--train", data.toString(), "--test",
                data.toString(), "--layers", "784,16,10", "--output", "sigmoid", "--loss", "quadratic", "--epochs", "2",
                "--batch-size", "20", "--learning-rate", "3.0", "--report", report.toString(),
                "--model-out", model.toString());
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(Files.readString(model).contains("\"cost\":\"QuadraticCost\""));
        assertReport(report, List.of("loss.png", "micro-f1.png", "per-label-f1.png"), List.of("quadratic", "micro-F1"));
    }

    /**
     * Early stopping on the test loss: the model written is the epoch of the lowest test loss
     * (evaluate gives that loss again), and training ran at most patience epochs past it.
     */
    @Test
    void earlyStoppingWritesTheBestEpochsModel() throws Exception {
        Path model = directory.resolve("early.json");
        Path metrics = directory.resolve("early.jsonl");
        int patience = 1;
        Cli.Result train = Cli.run("train", "--train", data.toString(), "--test",
                data.toString(), "--layers", "784,16,10", "--epochs", "12", "--batch-size", "10", "--learning-rate", "3.0",
                "--early-stop-patience", Integer.toString(patience), "--model-out", model.toString(),
                "--metrics-out", metrics.toString());
        assertEquals(0, train.exitCode(), train.err());
        List<JsonNode> epochs = readLines(metrics);
        int best = 0;
        for (int e = 1; e < epochs.size(); e++) {
            if (epochs.get(e).get("test_loss").asDouble() < epochs.get(best).get("test_loss").asDouble()) {
                best = e;
            }
        }
        // learning rate 3 on this data overshoots within 12 epochs: early stopping must fire
        assertTrue(epochs.size() < 12, "early stopping fired: " + epochs.size() + " epochs of 12");
        assertEquals(best + 1 + patience, epochs.size(),
                "stops " + patience + " epoch past the best, epoch " + (best + 1));
        Cli.Result evaluate = Cli.run("evaluate", "--model", model.toString(), "--data",
                data.toString(), "--json");
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        assertEquals(epochs.get(best).get("test_loss").asDouble(),
                new ObjectMapper().readTree(evaluate.out()).get("loss").asDouble(), 1e-12);
    }

    @Test
    void compareSetsRunsSideBySide() throws Exception {
        Path plain = directory.resolve("plain.jsonl");
        Path momentum = directory.resolve("momentum.jsonl");
        Files.writeString(plain, "{\"epoch\":1,\"train_loss\":0.9,\"test_loss\":0.8,\"test_accuracy\":0.7}\n"
                + "{\"epoch\":2,\"train_loss\":0.6,\"test_loss\":0.5,\"test_accuracy\":0.8}\n");
        Files.writeString(momentum, "{\"epoch\":1,\"train_loss\":0.7,\"test_loss\":0.6,\"test_accuracy\":0.75}\n");
        Path report = directory.resolve("compared");
        Cli.Result compare = Cli.run("compare", "--run", "plain=" + plain,
                "--run", "momentum=" + momentum, "--report", report.toString());
        assertEquals(0, compare.exitCode(), compare.err());
        assertEquals(List.of("test accuracy per epoch",
                "epoch           plain       momentum",
                "1              0.7000         0.7500",
                "2              0.8000"), compare.out().lines().map(String::stripTrailing).toList());
        assertReport(report, List.of("train-loss.png", "test-loss.png", "accuracy.png"),
                List.of("plain", "momentum", plain.toString()));

        Cli.Result missing = Cli.run("compare", "--run", "lost=" + directory.resolve("none"));
        assertEquals(2, missing.exitCode());
        assertEquals("error: " + directory.resolve("none") + ": metrics file not found", missing.err().strip());
        Path broken = directory.resolve("broken.jsonl");
        Files.writeString(broken, "{\"epoch\":1,\"train_loss\":0.9}\n{\"epoch\": \"two\"}\n");
        Cli.Result bad = Cli.run("compare", "--run", "broken=" + broken);
        assertEquals(2, bad.exitCode());
        assertEquals("error: " + broken + " line 2: expected a metrics object with at least epoch and train_loss"
                + " (as train --metrics-out writes)", bad.err().strip());
    }

    /** Every chart is a PNG of the stated size, and index.html names each chart and {@code texts}. */
    private static void assertReport(Path report, List<String> charts, List<String> texts) throws Exception {
        try (Stream<Path> files = Files.list(report)) {
            List<String> names = new ArrayList<>(files.map(file -> file.getFileName().toString()).sorted().toList());
            List<String> expected = new ArrayList<>(charts);
            expected.add("index.html");
            assertEquals(expected.stream().sorted().toList(), names, "the charts and index.html, no temporary files");
        }
        String html = Files.readString(report.resolve("index.html"));
        for (String chart : charts) {
            BufferedImage image = ImageIO.read(report.resolve(chart).toFile());
            assertEquals(Report.CHART_WIDTH, image.getWidth(), chart);
            assertEquals(Report.CHART_HEIGHT, image.getHeight(), chart);
            assertTrue(html.contains("<img src=\"" + chart + "\""), chart + " named in index.html");
        }
        for (String text : texts) {
            assertTrue(html.contains(text), text + " in index.html");
        }
    }

    private static List<JsonNode> readLines(Path file) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(new ObjectMapper().readTree(line));
        }
        return lines;
    }
}
