package org.sparkbackprop.bench;

import static org.sparkbackprop.bench.Table.f;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.resident.Exchange;
import org.sparkbackprop.spark.resident.ResidentSource;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.training.EpochMetrics;
import org.sparkbackprop.training.GradientSource;
import org.sparkbackprop.training.MiniBatchTrainer;
import org.sparkbackprop.training.TrainingSettings;

/**
 * The README's run, [784,30,10] at batch 32 and η 0.5 with the default resident steps, against
 * the tutorial's own loop: network.py's per-example update_mini_batch in numpy at batch 10, with
 * the cross-entropy δ = a − y ({@code src/test/python/network_loop.py}), alternating epoch and
 * loop. Examples per second of the training steps on both sides; the row is skipped where
 * python3 has no numpy.
 */
final class ReadmeRunRow {
    static final int[] SIZES = {784, 30, 10};
    static final int BATCH = 32;
    private static final Path LOOP = Path.of("src/test/python/network_loop.py");
    private final boolean quick;

    ReadmeRunRow(boolean quick) {
        this.quick = quick;
    }

    void measure(JavaSparkContext context, FashionMnist fashion, String dataDirectory, Table table)
            throws IOException, InterruptedException {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        int loopExamples = quick ? 6000 : 60000;
        if (numpyLoop(python, dataDirectory, 100) < 0) {
            table.row("README run", "skipped", ">= 12,000 ex/s", false,
                    List.of("python3 with numpy is needed for the tutorial loop beside it (apt-get install python3-numpy)"));
            return;
        }
        Architecture architecture = new Architecture(SIZES, Activation.SIGMOID, Output.SOFTMAX);
        TrainingSettings settings = TrainingSettings.of(architecture).epochs(1).batchSize(BATCH).learningRate(0.5).seed(1).build();
        GradientSource train = ResidentSource.open(context, fashion.train, BATCH, architecture,
                new DistributedSource(context, fashion.train, BATCH, Combine.ORDERED, AutoKernel.KERNEL), BlockCache.MEMORY, Exchange.STAR);
        int rounds = quick ? 1 : 3;
        double[] ours = new double[rounds];
        double[] loop = new double[rounds];
        try {
            for (int r = 0; r < rounds; r++) {
                EpochMetrics[] epoch = {null};
                new MiniBatchTrainer(settings).train(Initialization.SCALED.initialize(architecture, 1), train, null,
                        (metrics, parameters) -> epoch[0] = metrics);
                ours[r] = epoch[0].examplesPerSecond();
                loop[r] = numpyLoop(python, dataDirectory, loopExamples);
            }
        } finally {
            if (train instanceof ResidentSource resident) {
                resident.close();
            }
        }
        double oursMedian = median(ours);
        double loopMedian = median(loop);
        boolean met = oursMedian >= 12000 && oursMedian > loopMedian;
        table.row("README run", f("%,.0f examples/s", oursMedian), ">= 12,000 ex/s", met, List.of(
                f("[784,30,10], batch %d, learning rate 0.5, %s, %s steps, median of %d epochs: %,.0f examples/s",
                        BATCH, context.master(), train instanceof ResidentSource ? "resident" : "job", rounds, oursMedian),
                f("network.py's per-example loop in numpy, batch 10, cross-entropy delta, %,d examples, median of %d: %,.0f"
                        + " examples/s; ours is %.1f x that", loopExamples, rounds, loopMedian, oursMedian / loopMedian)));
    }

    /** The loop's examples per second on {@code examples} images; −1 when python3 or numpy is missing. */
    private static double numpyLoop(String python, String dataDirectory, int examples)
            throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(python, LOOP.toString(), dataDirectory, Integer.toString(examples))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return -1;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            return -1;
        }
        return Double.parseDouble(output);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
