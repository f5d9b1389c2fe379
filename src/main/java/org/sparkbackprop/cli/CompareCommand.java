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
import java.util.function.Function;
import org.sparkbackprop.run.MetricsLine;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.files.DriverFiles;
import org.sparkbackprop.run.RunReport;
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
        Map<String, List<MetricsLine>> epochs = new LinkedHashMap<>();
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
    private static List<MetricsLine> read(String file) {
        List<String> lines;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(DriverFiles.open(file, "metrics file"),
                StandardCharsets.UTF_8))) {
            lines = reader.lines().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new BadInputException(file + ": cannot read the metrics file (" + e.getMessage() + ")");
        }
        List<MetricsLine> epochs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            try {
                epochs.add(MetricsLine.fromJson(lines.get(i)));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        if (epochs.isEmpty()) {
            throw new BadInputException(file + ": the metrics file holds no epoch");
        }
        return epochs;
    }

    /** One row per epoch, one column per run: the test score (micro-F1 for multi-label runs), or the train loss. */
    private static void print(Map<String, List<MetricsLine>> runs, PrintWriter out) {
        boolean tested = runs.values().stream().flatMap(List::stream).anyMatch(epoch -> epoch.test() != null);
        String key = !tested ? "train loss" : RunReport.multiLabel(runs) ? "test micro f1" : "test accuracy";
        Function<MetricsLine, Double> value = !tested ? MetricsLine::trainLoss
                : epoch -> epoch.test() == null ? null : epoch.test().score();
        int epochs = runs.values().stream().mapToInt(List::size).max().orElse(0);
        List<Integer> widths = runs.keySet().stream().map(name -> Math.max(14, name.length())).toList();
        StringBuilder header = new StringBuilder(String.format("%-6s", "epoch"));
        int column = 0;
        for (String name : runs.keySet()) {
            header.append(String.format(" %" + widths.get(column++) + "s", name));
        }
        out.println(key + " per epoch");
        out.println(header);
        for (int e = 0; e < epochs; e++) {
            StringBuilder row = new StringBuilder(String.format("%-6d", e + 1));
            column = 0;
            for (List<MetricsLine> run : runs.values()) {
                String width = Integer.toString(widths.get(column++));
                Double shown = e < run.size() ? value.apply(run.get(e)) : null;
                row.append(shown != null ? String.format(" %" + width + ".4f", shown)
                        : String.format(" %" + width + "s", ""));
            }
            out.println(row);
        }
        out.flush();
    }
}
