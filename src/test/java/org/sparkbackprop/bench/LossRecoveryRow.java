package org.sparkbackprop.bench;

import static org.sparkbackprop.bench.Table.f;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.sparkbackprop.testing.IdxFiles;

/**
 * The speed after an executor's loss, as a user meets it: the run of issue 30 ([784,30,10],
 * batch 32, 2 partitions, 8 epochs of Fashion-MNIST) submitted with submit/standalone.sh to a
 * standalone cluster of this machine (2 Workers of 1 core), one executor SIGKILLed a third into
 * epoch 4; its Worker starts a replacement. The ratio: the examples per second of the epochs
 * after the loss's epoch against those before it, the first epoch (its JVMs' warm-up) left out,
 * all from the run's own metrics file. The JVMs still warm up over the next epochs, which flatters
 * that ratio: the full row also runs the same training without the kill, and compares the same
 * epochs of the two (and their model bytes).
 */
final class LossRecoveryRow {
    private static final int EPOCHS = 8;
    private static final int LOSS_EPOCH = 4;
    private final boolean quick;

    LossRecoveryRow(boolean quick) {
        this.quick = quick;
    }

    /** Runs with no SparkContext in this JVM: the driver is submit/standalone.sh's. */
    void measure(String data, Table table) throws Exception {
        Path state = Path.of("target/bench-recovery").toAbsolutePath();
        Files.createDirectories(state);
        String train = data;
        if (quick) {
            // a fifth of the data: every epoch still has the steps of a few seconds the kill must land in
            Path subset = state.resolve("fashion-subset");
            IdxFiles.subset(Path.of(data, "train-images-idx3-ubyte.gz"), 12_000, subset, "train");
            train = subset.toString();
        }
        int masterPort = ClusterStepRow.freePort();
        int webUiPort = ClusterStepRow.freePort();
        List<String> environment = List.of("LOCAL_CLUSTER_DIR=" + state, "MASTER_PORT=" + masterPort,
                "MASTER_WEBUI_PORT=" + webUiPort, "WORKER_CORES=1", "WORKER_MEMORY=1500m");
        ClusterStepRow.script(environment, state.resolve("start.log"), "start", "2");
        Run killed;
        Run uninterrupted = null;
        try {
            killed = run(state, train, masterPort, "killed", true);
            if (!quick) {
                uninterrupted = run(state, train, masterPort, "uninterrupted", false);
            }
        } finally {
            ClusterStepRow.script(environment, state.resolve("stop.log"), "stop");
        }
        List<JsonNode> epochs = killed.epochs();
        double beforeLoss = meanSpeed(epochs, 2, LOSS_EPOCH - 1);
        double afterLoss = meanSpeed(epochs, LOSS_EPOCH + 1, EPOCHS);
        double ratio = afterLoss / beforeLoss;
        List<String> residentLines = killed.output().lines().filter(line -> line.contains(" ResidentSource: resident "))
                .toList();
        boolean lost = killed.output().contains("ExecutorLossLog: executor lost");
        List<String> notes = new ArrayList<>(List.of(
                f("[784,30,10], batch 32, 2 partitions, %d epochs of %s on a standalone cluster of this machine (2 Workers"
                        + " of 1 core), one executor SIGKILLed a third into epoch %d: epochs %d-%d %.0f examples/s against"
                        + " epochs 2-%d %.0f (epoch 1 is the JVMs' warm-up); the loss's epoch %.1f s against %.1f s",
                        EPOCHS, quick ? "12,000 examples" : "Fashion-MNIST", LOSS_EPOCH, LOSS_EPOCH + 1, EPOCHS, afterLoss,
                        LOSS_EPOCH - 1, beforeLoss, epochs.get(LOSS_EPOCH - 1).path("seconds").asDouble(),
                        epochs.get(LOSS_EPOCH - 2).path("seconds").asDouble()),
                lost ? "the driver's lines of it: " + String.join(" | ", residentLines.stream()
                        .map(line -> line.substring(line.indexOf("resident "))).toList())
                        : "NO executor loss in the log: the kill missed"));
        if (uninterrupted != null) {
            // the JVMs still warm up over the first epochs: the same epochs of a run without the loss
            double same = meanSpeed(uninterrupted.epochs(), LOSS_EPOCH + 1, EPOCHS);
            notes.add(f("the same run without the kill, next on the same cluster: epochs %d-%d %.0f examples/s, so the"
                    + " epochs after the loss ran at %.2f x those; same model bytes: %s", LOSS_EPOCH + 1, EPOCHS, same,
                    afterLoss / same, java.util.Arrays.equals(killed.model(), uninterrupted.model()) ? "yes" : "NO"));
        }
        table.row("recovery", f("%.2f x the speed before the loss", ratio), ">= 0.7", lost && ratio >= 0.7, notes);
    }

    /** A run's metrics lines, its output and its model's bytes. */
    private record Run(List<JsonNode> epochs, String output, byte[] model) {
    }

    /** The training, submitted to the cluster; with {@code kill}, one executor SIGKILLed a third into epoch 4. */
    private static Run run(Path state, String train, int masterPort, String name, boolean kill) throws Exception {
        Path metrics = state.resolve(name + ".json.metrics");
        Path log = state.resolve(name + ".log");
        Files.deleteIfExists(metrics);
        ProcessBuilder builder = new ProcessBuilder("submit/standalone.sh", "train", "--train", train,
                "--layers", "784,30,10", "--batch-size", "32", "--epochs", Integer.toString(EPOCHS),
                "--partitions", "2", "--model-out", state.resolve(name + ".json").toString(),
                "--metrics-out", metrics.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("SPARK_HOME");
        builder.environment().put("SPARK_MASTER", "spark://127.0.0.1:" + masterPort);
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process run = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
            if (kill) {
                while (epochs(metrics).size() < LOSS_EPOCH - 1) {
                    check(run, log, deadline);
                }
                double before = epochs(metrics).get(LOSS_EPOCH - 2).path("seconds").asDouble();
                Thread.sleep((long) (before * 1000 / 3));
                executor(state).orElseThrow(() -> new IllegalStateException("no executor to kill")).destroyForcibly();
            }
            if (!run.waitFor(15, TimeUnit.MINUTES) || run.exitValue() != 0) {
                throw new IllegalStateException("the run failed:\n" + Files.readString(log));
            }
        } finally {
            if (run.isAlive()) {
                run.descendants().forEach(ProcessHandle::destroyForcibly);
                run.destroyForcibly();
            }
        }
        return new Run(epochs(metrics), Files.readString(log), Files.readAllBytes(state.resolve(name + ".json")));
    }

    private static double meanSpeed(List<JsonNode> epochs, int first, int last) {
        double sum = 0;
        for (int epoch = first; epoch <= last; epoch++) {
            sum += epochs.get(epoch - 1).path("examples_per_second").asDouble();
        }
        return sum / (last - first + 1);
    }

    private static List<JsonNode> epochs(Path metrics) throws Exception {
        List<JsonNode> epochs = new ArrayList<>();
        if (Files.exists(metrics)) {
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(metrics)) {
                epochs.add(json.readTree(line));
            }
        }
        return epochs;
    }

    private static void check(Process run, Path log, long deadline) throws Exception {
        if (!run.isAlive() || System.nanoTime() > deadline) {
            throw new IllegalStateException("the run ended, or took too long:\n" + Files.readString(log));
        }
        Thread.sleep(50);
    }

    /** An executor JVM of the cluster's first Worker. */
    private static Optional<ProcessHandle> executor(Path state) throws Exception {
        long worker = Long.parseLong(Files.readString(state.resolve("worker-1.pid")).trim());
        return ProcessHandle.of(worker).orElseThrow().children()
                .filter(child -> child.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .findFirst();
    }
}
