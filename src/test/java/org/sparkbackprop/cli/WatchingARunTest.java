package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.run.MetricsLine;
import org.sparkbackprop.testing.Cli;

/**
 * A run watched while it trains: its metrics file, polled as fast as it can be read, only ever
 * holds whole lines of the epochs finished so far; {@code compare} reads it mid-run; its report
 * says the run goes on, then that it finished.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WatchingARunTest {
    private static final int EPOCHS = 20;

    @TempDir
    Path directory;

    @Test
    void aReaderPollingTheMetricsAndTheReportSeesOnlyWholeFinishedEpochs() throws Exception {
        Path data = directory.resolve("blobs.csv");
        StringBuilder csv = new StringBuilder("label,a,b,c,d\n");
        Random random = new Random(8);
        for (int i = 0; i < 400; i++) {
            int label = random.nextInt(3);
            csv.append(label);
            for (int f = 0; f < 4; f++) {
                csv.append(',').append(label * (f % 2 == 0 ? 0.5 : -0.5) + random.nextGaussian() * 0.3);
            }
            csv.append('\n');
        }
        Files.writeString(data, csv);
        Path metrics = directory.resolve("metrics.jsonl");
        Path report = directory.resolve("report");
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> Cli.run("train", "--train",
                data.toString(), "--test", data.toString(), "--layers", "4,8,3", "--epochs", Integer.toString(EPOCHS),
                "--batch-size", "8", "--blas", "ejml", "--metrics-out", metrics.toString(), "--report",
                report.toString(), "--report-every", "0"));

        int reads = 0;
        int seenEpochs = 0;
        boolean comparedMidRun = false;
        boolean sawRunningPage = false;
        while (!run.isDone()) {
            byte[] bytes;
            Thread.sleep(5);
            try {
                bytes = Files.readAllBytes(metrics);
            } catch (NoSuchFileException e) {
                continue;
            }
            reads++;
            String text = new String(bytes, StandardCharsets.UTF_8);
            assertTrue(text.isEmpty() || text.endsWith("\n"), "a whole last line: " + text);
            List<String> lines = text.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                assertEquals(i + 1, MetricsLine.fromJson(lines.get(i)).epoch(), text);
            }
            assertTrue(lines.size() >= seenEpochs, "epochs are never taken back");
            seenEpochs = lines.size();
            if (!comparedMidRun && seenEpochs >= 2 && seenEpochs < EPOCHS - 3) {
                Cli.Result compared = Cli.run("compare", "--run", "live=" + metrics);
                assertEquals(0, compared.exitCode(), compared.err());
                assertTrue(compared.out().lines().anyMatch(line -> line.startsWith("2 ")), compared.out());
                comparedMidRun = true;
            }
            try {
                String page = Files.readString(report.resolve("index.html"));
                sawRunningPage |= page.contains(" of " + EPOCHS + " epochs finished, as of ")
                        && page.contains("http-equiv=\"refresh\"");
            } catch (NoSuchFileException e) {
                // not written yet
            }
        }
        Cli.Result result = run.get();
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(reads > 10, "polled while it ran: " + reads);
        assertTrue(comparedMidRun, "compare read the run while it went on");
        assertTrue(sawRunningPage, "the report said the run goes on");
        assertEquals(EPOCHS, Files.readAllLines(metrics).size());
        String page = Files.readString(report.resolve("index.html"));
        assertTrue(page.contains("Finished: " + EPOCHS + " of " + EPOCHS + " epochs."), page);
        assertTrue(page.contains("test accuracy"), "the kept model's scores: " + page);
        assertFalse(page.contains("http-equiv=\"refresh\""), page);
    }
}
