package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.run.MetricsLine;

/**
 * A run through {@code submit/local.sh} whose driver dies mid-way, as preempted nodes and
 * cancelled applications end runs: killed without a word (SIGKILL), it leaves a metrics file of
 * whole lines of its finished epochs and the report of its last epoch; terminated (SIGTERM), its
 * report says it stopped, after which epoch. No model file is left, whole or half.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class StoppedRunIT {
    private static final int EPOCHS = 500;
    private static final Pattern RUNNING = Pattern.compile("Running: (\\d+) of " + EPOCHS + " epochs finished");
    private static final Pattern STOPPED = Pattern.compile("Stopped after (\\d+) of " + EPOCHS + " epochs: the driver"
            + " was shut down during epoch (\\d+) \\(SIGTERM");

    @TempDir
    static Path data;
    private static Path csv;

    @TempDir
    Path directory;

    @BeforeAll
    static void writeData() throws IOException {
        StringBuilder text = new StringBuilder("label,a,b,c,d,e,f,g,h\n");
        Random random = new Random(3);
        for (int i = 0; i < 4000; i++) {
            int label = random.nextInt(4);
            text.append(label);
            for (int f = 0; f < 8; f++) {
                text.append(',').append((float) (label * 0.3 * (f % 3 - 1) + random.nextGaussian() * 0.5));
            }
            text.append('\n');
        }
        csv = Files.writeString(data.resolve("blobs.csv"), text);
    }

    @Test
    void aKilledDriverLeavesItsFinishedEpochsInTheMetricsAndTheReport() throws Exception {
        List<String> lines = stopMidway(true);
        String page = Files.readString(directory.resolve("report/index.html"));
        Matcher running = RUNNING.matcher(page);
        assertTrue(running.find(), page);
        int reported = Integer.parseInt(running.group(1));
        // the report is written after the metrics: the kill may fall between the two
        assertTrue(reported == lines.size() || reported == lines.size() - 1, reported + " vs " + lines.size());
        assertEquals(reported, epochRows(page));
    }

    @Test
    void aTerminatedDriverSaysInItsReportAfterWhichEpochItStopped() throws Exception {
        List<String> lines = stopMidway(false);
        String page = Files.readString(directory.resolve("report/index.html"));
        Matcher stopped = STOPPED.matcher(page);
        assertTrue(stopped.find(), page);
        int done = Integer.parseInt(stopped.group(1));
        assertEquals(lines.size(), done, "the page and the metrics file agree");
        assertEquals(done + 1, Integer.parseInt(stopped.group(2)));
        assertEquals(done, epochRows(page));
        assertFalse(page.contains("http-equiv=\"refresh\""), "a stopped run's page does not reload");
    }

    /**
     * Starts a run, stops its driver after 3 epochs, SIGKILL when {@code kill}, else SIGTERM, and
     * returns the metrics file's lines, each checked whole and in order; no model file is left.
     */
    private List<String> stopMidway(boolean kill) throws Exception {
        Path metrics = directory.resolve("metrics.jsonl");
        Path model = directory.resolve("model.json");
        Process run = startAndAwaitEpochs(metrics, directory.resolve("report"), model, kill ? "kill.log" : "term.log");
        ProcessHandle driver = driver(run);
        if (kill) {
            driver.destroyForcibly();
        } else {
            driver.destroy();
        }
        awaitEnd(run, driver);
        List<String> lines = Files.readAllLines(metrics);
        assertTrue(lines.size() >= 3 && lines.size() < EPOCHS, lines.size() + " epochs");
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(i + 1, MetricsLine.fromJson(lines.get(i)).epoch(), "epoch " + (i + 1) + " whole");
        }
        assertFalse(Files.exists(model), "no model file: it is written at the end only");
        return lines;
    }

    private Process startAndAwaitEpochs(Path metrics, Path report, Path model, String log) throws Exception {
        Process run = Scripts.start(Map.of(), directory.resolve(log), "submit/local.sh", "train", "--train",
                csv.toString(), "--layers", "8,32,4", "--epochs", Integer.toString(EPOCHS), "--batch-size", "4",
                "--metrics-out", metrics.toString(), "--report", report.toString(), "--report-every", "0",
                "--model-out", model.toString());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (epochsIn(metrics) < 3) {
            assertTrue(run.isAlive(), "the run ended early:\n" + Files.readString(directory.resolve(log)));
            assertTrue(System.nanoTime() < deadline, "no 3 epochs in 3 minutes:\n"
                    + Files.readString(directory.resolve(log)));
            Thread.sleep(100);
        }
        return run;
    }

    private static int epochsIn(Path metrics) throws IOException {
        try {
            return Files.readAllLines(metrics).size();
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** The driver's JVM: the script itself once it has exec'd SparkSubmit, or a process under it. */
    private static ProcessHandle driver(Process script) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(script.toHandle()), script.descendants())
                .filter(process -> commandLine(process).contains("org.apache.spark.deploy.SparkSubmit"))
                .findFirst().orElseThrow(() -> new AssertionError("no driver JVM under the script"));
    }

    /** The whole command line, from /proc: ProcessHandle's leaves out a JVM's long ones. */
    private static String commandLine(ProcessHandle process) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void awaitEnd(Process script, ProcessHandle driver) throws Exception {
        driver.onExit().get(2, TimeUnit.MINUTES);
        if (!script.waitFor(1, TimeUnit.MINUTES)) {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
    }

    private static int epochRows(String page) {
        return page.split("<tr><td class=\"number\">").length - 1;
    }
}
