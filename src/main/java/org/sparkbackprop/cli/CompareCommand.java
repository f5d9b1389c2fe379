package org.sparkbackprop.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.files.DriverFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code compare}: training runs side by side, from their metrics files: a table of the test
 * score per epoch and, with {@code --report}, charts with one line per run. No Spark.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sets training runs side by side from their --metrics-out files: the test score per epoch, and"
                + " with --report charts of train loss, test loss and test score with one line per run.")
final class CompareCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--run", paramLabel = "NAME=FILE", required = true,
            description = "A run's name and its metrics file (train --metrics-out); repeat for each run.")
    Map<String, String> runs = new LinkedHashMap<>();

    @Option(names = "--report", paramLabel = "DIR", description = "Write the charts and index.html here.")
    String report;

    @Override
    public Integer call() {
        DataPaths.requireKeptInClusterMode("--report", report);
        Map<String, List<JsonNode>> epochs = new LinkedHashMap<>();
        Map<String, String> files = new LinkedHashMap<>();
        runs.forEach((name, file) -> {
            epochs.put(name, read(file));
            files.put(name, file);
        });
        print(epochs, spec.commandLine().getOut());
        if (report != null) {
            RunReport.forComparison(epochs, files).write(report);
        }
        return ExitCodes.OK;
    }

    /** The epochs of a metrics file; a missing file or a line that is not a metrics object is bad input. */
    private static List<JsonNode> read(String file) {
        List<String> lines;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(DriverFiles.open(file, "metrics file"),
                StandardCharsets.UTF_8))) {
            lines = reader.lines().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new BadInputException(file + ": cannot read the metrics file (" + e.getMessage() + ")");
        }
        List<JsonNode> epochs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode epoch;
            try {
                epoch = JSON.readTree(lines.get(i));
            } catch (JsonProcessingException e) {
                epoch = null;
            }
            if (epoch == null || !epoch.isObject() || !epoch.path("epoch").isInt()
                    || !epoch.path("train_loss").isNumber()) {
                throw new BadInputException(file + " line " + (i + 1)
                        + ": expected a metrics object with at least epoch and train_loss (as train --metrics-out writes)");
            }
            epochs.add(epoch);
        }
        if (epochs.isEmpty()) {
            throw new BadInputException(file + ": the metrics file holds no epoch");
        }
        return epochs;
    }

    /** One row per epoch, one column per run: the test score (micro-F1 for multi-label runs), or the train loss. */
    private static void print(Map<String, List<JsonNode>> runs, PrintWriter out) {
        String score = RunReport.multiLabel(runs) ? "test_micro_f1" : "test_accuracy";
        String key = runs.values().stream().flatMap(List::stream).anyMatch(e -> e.has(score)) ? score : "train_loss";
        int epochs = runs.values().stream().mapToInt(List::size).max().orElse(0);
        List<Integer> widths = runs.keySet().stream().map(name -> Math.max(14, name.length())).toList();
        StringBuilder header = new StringBuilder(String.format("%-6s", "epoch"));
        int column = 0;
        for (String name : runs.keySet()) {
            header.append(String.format(" %" + widths.get(column++) + "s", name));
        }
        out.println(key.replace('_', ' ') + " per epoch");
        out.println(header);
        for (int e = 0; e < epochs; e++) {
            StringBuilder row = new StringBuilder(String.format("%-6d", e + 1));
            column = 0;
            for (List<JsonNode> run : runs.values()) {
                String width = Integer.toString(widths.get(column++));
                row.append(e < run.size() && run.get(e).has(key)
                        ? String.format(" %" + width + ".4f", run.get(e).get(key).asDouble())
                        : String.format(" %" + width + "s", ""));
            }
            out.println(row);
        }
        out.flush();
    }
}
