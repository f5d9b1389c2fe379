package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.sparkbackprop.testing.IdxFiles;

/**
 * What the cluster integration tests share: the Fashion-MNIST subset they train on, the one
 * training they run everywhere, a standalone cluster started and stopped by the project's own
 * script, and the check that none of its processes is left behind.
 */
final class ClusterRuns {
    static final Path FASHION = Path.of("data/fashion-mnist");

    private ClusterRuns() {
    }

    /** 4,000 training and 1,000 test images of Fashion-MNIST in {@code folder}, in MNIST's layout. */
    static Path subset(Path folder) throws IOException {
        assertTrue(Files.exists(FASHION.resolve("train-images-idx3-ubyte.gz")),
                FASHION + " is missing: run submit/get-fashion-mnist.sh first");
        IdxFiles.subset(FASHION.resolve("train-images-idx3-ubyte.gz"), 4000, folder, "train");
        IdxFiles.subset(FASHION.resolve("t10k-images-idx3-ubyte.gz"), 1000, folder, "t10k");
        return folder;
    }

    /**
     * The settings of the one training, 4 partitions, seed 7, three epochs of batch 50, with
     * {@code more} options, which replace a setting they name ({@code --partitions 2}), or drop it
     * when their value is empty ({@code --partitions ""}: the count the run chooses).
     */
    static List<String> settings(String... more) {
        List<String> settings = List.of("--layers", "784,30,10", "--epochs", "3", "--batch-size", "50",
                "--learning-rate", "0.5", "--partitions", "4", "--seed", "7");
        List<String> given = List.of(more);
        List<String> arguments = new ArrayList<>();
        for (int i = 0; i < settings.size(); i += 2) {
            if (!given.contains(settings.get(i))) {
                arguments.addAll(settings.subList(i, i + 2));
            }
        }
        for (int i = 0; i < given.size(); i++) {
            if (i + 1 < given.size() && given.get(i).startsWith("--") && given.get(i + 1).isEmpty()) {
                i++;
            } else {
                arguments.add(given.get(i));
            }
        }
        return arguments;
    }

    /**
     * Writes to {@code file} conf/spark-cluster.conf with dynamic allocation as EMR and Dataproc
     * have it: shuffle tracking (no external shuffle service), no executors at start, at most 2,
     * and the {@code more} lines.
     */
    static Path dynamicAllocationConf(Path file, String... more) throws IOException {
        List<String> lines = new ArrayList<>(List.of("", "spark.dynamicAllocation.enabled                    true",
                "spark.dynamicAllocation.shuffleTracking.enabled    true",
                "spark.dynamicAllocation.initialExecutors           0",
                "spark.dynamicAllocation.minExecutors               0",
                "spark.dynamicAllocation.maxExecutors               2"));
        lines.addAll(List.of(more));
        lines.add("");
        Files.writeString(file, Files.readString(Path.of("conf/spark-cluster.conf")) + String.join("\n", lines));
        return file;
    }

    /** {@code submit/local.sh train} of {@code data} with {@link #settings settings(more)}. */
    static String[] train(String data, String... more) {
        List<String> arguments = new ArrayList<>(List.of("submit/local.sh", "train", "--train", data, "--test", data));
        arguments.addAll(settings(more));
        return arguments.toArray(String[]::new);
    }

    /** {@code command} (a local.sh call) through {@code script} (submit/standalone.sh, submit/yarn.sh) instead. */
    static String[] through(String script, String... command) {
        List<String> arguments = new ArrayList<>(List.of(command));
        if (arguments.get(0).equals("submit/local.sh")) {
            arguments.remove(0);
        }
        arguments.add(0, script);
        return arguments.toArray(String[]::new);
    }

    /**
     * A standalone cluster of a Master and two Workers started by submit/local-cluster.sh in
     * {@code state}, their JVMs given {@code daemonJavaOptions} (SPARK_DAEMON_JAVA_OPTS).
     */
    record Standalone(Path state, int masterPort, int webUiPort, String daemonJavaOptions) {
        Standalone(Path state, int masterPort, int webUiPort) {
            this(state, masterPort, webUiPort, "");
        }

        String master() {
            return "spark://127.0.0.1:" + masterPort;
        }

        Map<String, String> environment() {
            return Map.of("LOCAL_CLUSTER_DIR", state.toString(), "MASTER_PORT", Integer.toString(masterPort),
                    "MASTER_WEBUI_PORT", Integer.toString(webUiPort), "SPARK_DAEMON_JAVA_OPTS", daemonJavaOptions);
        }

        /** What submit/standalone.sh needs to submit to it in {@code deployMode}. */
        Map<String, String> submitEnvironment(String deployMode) {
            return Map.of("SPARK_MASTER", master(), "DEPLOY_MODE", deployMode, "DRIVER_MEMORY", "512m",
                    "EXECUTOR_MEMORY", "512m", "MASTER_WEBUI_PORT", Integer.toString(webUiPort));
        }

        void start() throws Exception {
            start(2);
        }

        /** Starts the Master and {@code workers} Workers of 1 core and 1 GB each. */
        void start(int workers) throws Exception {
            Scripts.Run started = Scripts.run(environment(), state.resolve("start.log"), 3,
                    "submit/local-cluster.sh", "start", Integer.toString(workers));
            assertEquals(0, started.exitCode(), started.output());
            assertTrue(started.output().contains("master " + master()), started.output());
        }

        /** Stops it and fails when a process of it is left behind. */
        void stop() throws Exception {
            Scripts.Run stopped = Scripts.run(environment(), state.resolve("stop.log"), 2, "submit/local-cluster.sh", "stop");
            List<ProcessHandle> leftovers = processes();
            leftovers.forEach(ProcessHandle::destroyForcibly);
            assertEquals(0, stopped.exitCode(), stopped.output());
            assertEquals(List.of(), leftovers.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList(),
                    "processes left behind by local-cluster.sh stop");
        }

        private List<ProcessHandle> processes() {
            return ProcessHandle.allProcesses()
                    .filter(process -> process.info().commandLine().orElse("").contains(state.toString()))
                    .filter(process -> process.info().commandLine().orElse("").contains("org.apache.spark"))
                    .toList();
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
