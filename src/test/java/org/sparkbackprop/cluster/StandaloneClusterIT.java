package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.sparkbackprop.testing.IdxFiles;

/**
 * A real standalone cluster on 127.0.0.1, started by submit/local-cluster.sh: a Master and two
 * Workers (1 core, 1 GB each), executors in JVMs of their own. The same training, submitted
 * by submit/standalone.sh in client and cluster mode, and through a Worker killed mid-run,
 * writes the model that local[2] writes, bit for bit. Every process started here is stopped
 * by pid, whatever the outcome.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    private static final Path FASHION = Path.of("data/fashion-mnist");
    private static final Path STATE = Path.of("target/it-cluster").toAbsolutePath();
    private static final String MASTER = "spark://127.0.0.1:17077";
    private final Map<String, String> clusterEnvironment = Map.of(
            "LOCAL_CLUSTER_DIR", STATE.toString(), "MASTER_PORT", "17077", "MASTER_WEBUI_PORT", "18080");
    private Path data;
    private byte[] localModel;

    @BeforeAll
    void startCluster() throws Exception {
        deleteRecursively(STATE);
        Files.createDirectories(STATE);
        data = STATE.resolve("fashion-subset");
        assertTrue(Files.exists(FASHION.resolve("train-images-idx3-ubyte.gz")),
                FASHION + " is missing: run submit/get-fashion-mnist.sh first");
        IdxFiles.subset(FASHION.resolve("train-images-idx3-ubyte.gz"), 4000, data, "train");
        IdxFiles.subset(FASHION.resolve("t10k-images-idx3-ubyte.gz"), 1000, data, "t10k");
        Scripts.Run started = Scripts.run(clusterEnvironment, STATE.resolve("start.log"), 3,
                "submit/local-cluster.sh", "start", "2");
        assertEquals(0, started.exitCode(), started.output());
        assertTrue(started.output().contains("master " + MASTER), started.output());

        Scripts.Run local = Scripts.run(Map.of("SPARK_MASTER", "local[2]", "SPARK_DRIVER_MEMORY", "1g"),
                STATE.resolve("local.log"), 5, train("local.json"));
        assertEquals(0, local.exitCode(), local.output());
        localModel = Files.readAllBytes(STATE.resolve("local.json"));
    }

    @AfterAll
    void stopCluster() throws Exception {
        Scripts.Run stopped = Scripts.run(clusterEnvironment, STATE.resolve("stop.log"), 2,
                "submit/local-cluster.sh", "stop");
        List<ProcessHandle> leftovers = clusterProcesses();
        leftovers.forEach(ProcessHandle::destroyForcibly);
        assertEquals(0, stopped.exitCode(), stopped.output());
        assertEquals(List.of(), leftovers.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList(),
                "processes left behind by local-cluster.sh stop");
    }

    @Test
    @Order(1)
    void clientModeOnTwoExecutorJvmsWritesTheLocalModelBitForBit() throws Exception {
        Scripts.Run run = Scripts.run(Map.of("SPARK_MASTER", MASTER), STATE.resolve("client.log"), 5, standalone(train("client.json")));
        assertEquals(0, run.exitCode(), run.output());
        assertArrayEquals(localModel, Files.readAllBytes(STATE.resolve("client.json")), "client mode vs local[2]");

        List<String> diskCache = new ArrayList<>(List.of(standalone(train("client-disk.json"))));
        diskCache.addAll(List.of("--cache", "disk"));
        Scripts.Run onDisk = Scripts.run(Map.of("SPARK_MASTER", MASTER), STATE.resolve("client-disk.log"), 5,
                diskCache.toArray(String[]::new));
        assertEquals(0, onDisk.exitCode(), onDisk.output());
        assertArrayEquals(localModel, Files.readAllBytes(STATE.resolve("client-disk.json")),
                "features in the executors' local files vs local[2]");
        for (String worker : List.of("worker-1", "worker-2")) {
            try (Stream<Path> files = Files.walk(STATE.resolve("work").resolve(worker))) {
                assertTrue(files.anyMatch(file -> file.getFileName().toString().equals("stderr")
                        && file.getParent().getParent().getFileName().toString().startsWith("app-")),
                        worker + " ran an executor JVM");
            }
        }
    }

    @Test
    @Order(2)
    void clusterDeployModeRunsTheDriverOnAWorker() throws Exception {
        Map<String, String> environment = Map.of("SPARK_MASTER", MASTER, "DEPLOY_MODE", "cluster",
                "DRIVER_MEMORY", "512m", "EXECUTOR_MEMORY", "512m", "MASTER_WEBUI_PORT", "18080");
        Scripts.Run run = Scripts.run(environment, STATE.resolve("cluster.log"), 5, standalone(train("cluster.json")));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("finished"), run.output());
        assertArrayEquals(localModel, Files.readAllBytes(STATE.resolve("cluster.json")), "cluster mode vs local[2]");

        Scripts.Run failed = Scripts.run(environment, STATE.resolve("cluster-failed.log"), 5,
                standalone("train", "--train", "/no/such/fashion"));
        assertNotEquals(0, failed.exitCode(), failed.output());
        assertTrue(failed.output().contains("error: --train /no/such/fashion: no such file or directory"), failed.output());
    }

    @Test
    @Order(3)
    void aWorkerKilledMidRunChangesNothingInTheModel() throws Exception {
        Path output = STATE.resolve("killed.log");
        String[] command = standalone(train("killed.json"));
        Process run = Scripts.start(Map.of("SPARK_MASTER", MASTER), output, command);
        Path metrics = STATE.resolve("killed.json.metrics");
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (!Files.readString(output).contains("epoch 1/3: train loss") && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(run.isAlive(), "training ended before the first epoch was reported:\n" + Files.readString(output));
        long worker = Long.parseLong(Files.readString(STATE.resolve("worker-2.pid")).trim());
        assertTrue(ProcessHandle.of(worker).orElseThrow().destroyForcibly(), "SIGKILL to worker-2");

        Scripts.Run finished = Scripts.await(run, output, 10, command);
        assertEquals(0, finished.exitCode(), finished.output());
        assertTrue(finished.output().contains("executor lost") || finished.output().contains("Lost executor"),
                "the log says an executor was lost:\n" + finished.output());
        assertEquals(3, Files.readAllLines(metrics).size());
        assertArrayEquals(localModel, Files.readAllBytes(STATE.resolve("killed.json")), "after losing a Worker vs local[2]");
    }

    @Test
    @Order(4)
    void aDriverKilledAfterACheckpointResumesToTheSameModel() throws Exception {
        resumeAfterKill("local", Map.of("SPARK_MASTER", "local[2]", "SPARK_DRIVER_MEMORY", "1g"), false);
        resumeAfterKill("client", Map.of("SPARK_MASTER", MASTER), true);
    }

    /**
     * Trains with checkpoints every 20 steps, SIGKILLs the driver JVM (and the script around it)
     * once a checkpoint is there, resumes, and compares the model with the uninterrupted local[2] one.
     */
    private void resumeAfterKill(String name, Map<String, String> environment, boolean onCluster) throws Exception {
        Path checkpoints = STATE.resolve("checkpoints-" + name);
        List<String> arguments = new ArrayList<>(List.of(train("resumed-" + name + ".json")));
        arguments.addAll(List.of("--checkpoint-dir", checkpoints.toString(), "--checkpoint-every", "20", "--resume"));
        String[] command = onCluster ? standalone(arguments.toArray(String[]::new)) : arguments.toArray(String[]::new);
        Path output = STATE.resolve("resumed-" + name + "-killed.log");
        Process run = Scripts.start(environment, output, command);
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (!hasCheckpoint(checkpoints) && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(run.isAlive(), "training ended before its first checkpoint:\n" + Files.readString(output));
        List<ProcessHandle> driver = run.descendants().toList();
        assertTrue(driver.stream().anyMatch(process -> process.info().command().orElse("").endsWith("java")),
                "the driver JVM runs under the script");
        driver.forEach(ProcessHandle::destroyForcibly);
        run.destroyForcibly();
        run.waitFor();
        assertTrue(!Files.exists(STATE.resolve("resumed-" + name + ".json")), "the killed run wrote no model");

        Scripts.Run resumed = Scripts.run(environment, STATE.resolve("resumed-" + name + ".log"), 5, command);
        assertEquals(0, resumed.exitCode(), resumed.output());
        assertTrue(resumed.output().contains("resuming from"), resumed.output());
        assertArrayEquals(localModel, Files.readAllBytes(STATE.resolve("resumed-" + name + ".json")),
                name + ": killed, resumed, vs an uninterrupted local[2] run");
        assertEquals(3, Files.readAllLines(STATE.resolve("resumed-" + name + ".json.metrics")).size());
    }

    private static boolean hasCheckpoint(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.anyMatch(file -> file.getFileName().toString().matches("checkpoint-.*\\.json"));
        }
    }

    /** The same training everywhere: Fashion-MNIST subset, 4 partitions, seed 7, three epochs. */
    private String[] train(String model) {
        return new String[] {"submit/local.sh", "train", "--train", data.toString(), "--test", data.toString(),
                "--layers", "784,30,10", "--epochs", "3", "--batch-size", "50", "--learning-rate", "0.5",
                "--partitions", "4", "--seed", "7", "--model-out", STATE.resolve(model).toString(),
                "--metrics-out", STATE.resolve(model + ".metrics").toString()};
    }

    /** {@code command} (a local.sh call) through submit/standalone.sh instead. */
    private static String[] standalone(String... command) {
        List<String> arguments = new ArrayList<>(List.of(command));
        if (arguments.get(0).equals("submit/local.sh")) {
            arguments.remove(0);
        }
        arguments.add(0, "submit/standalone.sh");
        return arguments.toArray(String[]::new);
    }

    private static List<ProcessHandle> clusterProcesses() {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(STATE.toString()))
                .filter(process -> process.info().commandLine().orElse("").contains("org.apache.spark"))
                .toList();
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
