package org.sparkbackprop.bench;

import static org.sparkbackprop.bench.Table.f;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.run.LiveReport;
import org.sparkbackprop.run.TrainingRun;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.resident.Exchange;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.StepMode;
import org.sparkbackprop.training.TrainingSettings;

/**
 * What keeping a report current costs: the README's run ([784,30,10], batch 32, η 0.5, scored on
 * the test set after every epoch): the run with {@code --report-every 0} (charts and page after
 * every epoch, the most it is ever refreshed) against the same run whose report is written once,
 * at the end; both rewrite the metrics file after every epoch. The two alternate, whole runs. Their
 * difference per epoch is a refresh's cost, whose share of the default interval is the figure:
 * what the refreshes add to a long run.
 */
final class LiveReportRow {
    private final boolean quick;

    LiveReportRow(boolean quick) {
        this.quick = quick;
    }

    void measure(JavaSparkContext context, FashionMnist fashion, Table table) throws IOException {
        int epochs = quick ? 2 : 10;
        int rounds = quick ? 1 : 3;
        Architecture architecture = new Architecture(ReadmeRunRow.SIZES, Activation.SIGMOID, Output.SOFTMAX);
        TrainingSettings settings = TrainingSettings.of(architecture).epochs(epochs).batchSize(ReadmeRunRow.BATCH)
                .learningRate(0.5).seed(1).build();
        Path directory = Files.createTempDirectory("live-report-row");
        double[] everyEpoch = new double[rounds];
        double[] atTheEnd = new double[rounds];
        // one run of each first, unmeasured: class loading and the charts' fonts
        run(context, fashion, settings, directory, 0);
        run(context, fashion, settings, directory, Double.MAX_VALUE);
        for (int r = 0; r < rounds; r++) {
            everyEpoch[r] = run(context, fashion, settings, directory, 0);
            atTheEnd[r] = run(context, fashion, settings, directory, Double.MAX_VALUE);
        }
        double every = median(everyEpoch);
        double end = median(atTheEnd);
        // a refresh's cost, and what it adds to a run refreshed at the default interval
        double perRefresh = Math.max(0, every - end) / epochs;
        double overhead = perRefresh / LiveReport.DEFAULT_EVERY_SECONDS;
        table.row("live report", f("%.2f %% at --report-every %.0f", 100 * overhead, LiveReport.DEFAULT_EVERY_SECONDS),
                "<= 3 %", overhead <= 0.03, List.of(
                f("the README's run, %d epochs, %s: %.2f s with the report refreshed after every epoch"
                        + " (--report-every 0, %.2f x), %.2f s with it written at the end only; medians of %d, alternating",
                        epochs, context.master(), every, every / end, end, rounds),
                f("a refresh (charts and page) costs %.0f ms of the run: %.2f %% of the default interval; a run shorter"
                        + " than the interval writes its report once, at the end", 1000 * perRefresh, 100 * overhead)));
    }

    /** Seconds of one whole run whose report is refreshed every {@code refreshSeconds}. */
    private static double run(JavaSparkContext context, FashionMnist fashion, TrainingSettings settings,
                              Path directory, double refreshSeconds) {
        long started = System.nanoTime();
        LiveReport.Request report = new LiveReport.Request(directory.resolve("report").toString(), refreshSeconds,
                Map.of("train", "Fashion-MNIST", "test", "Fashion-MNIST t10k"), started);
        TrainingRun.Execution how = new TrainingRun.Execution(StepMode.RESIDENT, Combine.ORDERED, Exchange.STAR,
                AutoKernel.SELECTION, BlockCache.MEMORY);
        // not closed: the row's data stays cached for the other rows
        TrainingRun.of(fashion.train, null, fashion.test).train(context, new TrainingRun.Request(settings, how,
                Initialization.SCALED.initialize(settings.architecture(), settings.seed()), Map.of(), Map.of(),
                TrainingRun.Checkpointing.NONE, directory.resolve("metrics.jsonl").toString(), report));
        return (System.nanoTime() - started) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
