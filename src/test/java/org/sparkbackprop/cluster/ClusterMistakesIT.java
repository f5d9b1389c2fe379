package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.ml.BackpropClassifier;

/**
 * Cluster mistakes answered in one line, exit code 2: a standalone master URL that cannot be
 * reached (a port where nothing listens, a host that does not resolve), within seconds, in client
 * and cluster deploy mode alike, and a Kubernetes API server where nothing listens; executors
 * larger than any Worker of a loopback cluster (its own Master and one Worker of 1 core and 1 GB,
 * ports 57077/58080), in memory and in cores, as soon as the application has registered (and
 * raised to the estimator's caller); and, last, every executor lost for good (the one Worker
 * killed mid-run), in one line naming the loss and the checkpoint to resume from.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMistakesIT {
    private static final Path STATE = Path.of("target/it-cluster-mistakes").toAbsolutePath();
    private final ClusterRuns.Standalone cluster = new ClusterRuns.Standalone(STATE, 57077, 58080);
    @TempDir
    Path directory;

    @BeforeAll
    void startCluster() throws Exception {
        ClusterRuns.deleteRecursively(STATE);
        Files.createDirectories(STATE);
        cluster.start(1);
    }

    @AfterAll
    void stopCluster() throws Exception {
        cluster.stop();
    }

    @Test
    void aKubernetesApiServerWhereNothingListensIsNamedInOneLine() throws Exception {
        int port = freePort();
        String master = "k8s://https://127.0.0.1:" + port;
        Scripts.Run run = Scripts.run(Map.of("K8S_MASTER", master, "SPARK_IMAGE", "spark:4.2.0", "SPARK_HOME",
                directory.toString()), directory.resolve("k8s.log"), 1, "submit/k8s.sh", "train", "--train",
                "hdfs:///data/fashion");
        assertEquals(2, run.exitCode(), run.output());
        assertEquals(List.of("error: Kubernetes API server " + master + ": nothing listens at 127.0.0.1:" + port
                + " (connection refused) (the master URL: K8S_MASTER, or spark-submit's --master)"),
                run.output().lines().toList());
    }

    @Test
    @Order(1)
    void executorsOfMoreMemoryThanAnyWorkerAreNamedInOneLine() throws Exception {
        assertOneLine(Map.of("SPARK_MASTER", cluster.master(), "EXECUTOR_MEMORY", "8g"), 120,
                "error: spark.executor.memory 8g (EXECUTOR_MEMORY): no Worker of " + cluster.master() + " can ever start"
                        + " such an executor: the largest offers 1024 MB (1 Worker alive)");
    }

    @Test
    @Order(1)
    void executorsOfMoreCoresThanAnyWorkerAreNamedInOneLine() throws Exception {
        assertOneLine(Map.of("SPARK_MASTER", cluster.master(), "EXECUTOR_CORES", "4", "EXECUTOR_MEMORY", "512m"), 120,
                "error: spark.executor.cores 4 (EXECUTOR_CORES): no Worker of " + cluster.master() + " can ever start"
                        + " such an executor: the most cores one offers is 1 (1 Worker alive)");
    }

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"client", "cluster"})
    void aMasterWhereNothingListensIsNamedInOneLine(String deployMode) throws Exception {
        int port = freePort();
        String master = "spark://127.0.0.1:" + port;
        assertOneLine(deployMode, master, "error: master " + master + ": nothing listens at 127.0.0.1:" + port
                + " (connection refused) (the master URL: SPARK_MASTER, or spark-submit's --master)");
    }

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"client", "cluster"})
    void aMasterHostThatDoesNotResolveIsNamedInOneLine(String deployMode) throws Exception {
        String master = "spark://no-such-master.invalid:7077";
        assertOneLine(deployMode, master, "error: master " + master + ": the host no-such-master.invalid does not"
                + " resolve (the master URL: SPARK_MASTER, or spark-submit's --master)");
    }

    /** The estimator raises the same message to its caller, from the caller's own session on the cluster. */
    @Test
    @Order(2)
    void theEstimatorRaisesExecutorsThatCanNeverStart() {
        SparkSession spark = SparkSession.builder().master(cluster.master()).appName("estimator on a cluster")
                .config("spark.executor.memory", "8g").config("spark.ui.enabled", "false").getOrCreate();
        try {
            StructType schema = new StructType().add("features", SQLDataTypes.VectorType())
                    .add("label", DataTypes.DoubleType);
            Dataset<Row> frame = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(0.5, 0.5), 1.0),
                    RowFactory.create(Vectors.dense(0.1, 0.9), 0.0)), schema);
            BadInputException refused = assertThrows(BadInputException.class,
                    () -> new BackpropClassifier().setLayers(new int[] {2, 3, 2}).setMaxIter(1).fit(frame));
            assertEquals("spark.executor.memory 8g (EXECUTOR_MEMORY): no Worker of " + cluster.master() + " can ever"
                    + " start such an executor: the largest offers 1024 MB (1 Worker alive)", refused.getMessage());
        } finally {
            spark.stop();
        }
    }

    /** Kills the cluster's only Worker: the last test. */
    @Test
    @Order(9)
    void everyExecutorLostForGoodEndsTheRunInOneLineNamingTheCheckpoint() throws Exception {
        Path data = ClusterRuns.subset(STATE.resolve("fashion-subset"));
        Path conf = STATE.resolve("lost.conf");
        Files.writeString(conf, Files.readString(Path.of("conf/spark-cluster.conf"))
                + "\nspark.backprop.executorsLostTimeout 10s\n");
        Path checkpoints = STATE.resolve("checkpoints");
        Path output = STATE.resolve("lost.log");
        String[] command = ClusterRuns.through("submit/standalone.sh", ClusterRuns.train(data.toString(),
                "--epochs", "200", "--partitions", "1", "--checkpoint-dir", checkpoints.toString(),
                "--checkpoint-every", "20"));
        Process run = Scripts.start(Map.of("SPARK_MASTER", cluster.master(), "EXECUTOR_MEMORY", "512m",
                "SPARK_CONF", conf.toString()), output, command);
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (!Files.readString(output).contains("epoch 2/200: train loss") && run.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(run.isAlive(), "training ended before its second epoch:\n" + Files.readString(output));
        long worker = Long.parseLong(Files.readString(STATE.resolve("worker-1.pid")).trim());
        assertTrue(ProcessHandle.of(worker).orElseThrow().destroyForcibly(), "SIGKILL to the only Worker");
        long killed = System.nanoTime();

        Scripts.Run finished = Scripts.await(run, output, 3, command);
        double seconds = (System.nanoTime() - killed) / 1e9;
        assertEquals(2, finished.exitCode(), finished.output());
        List<String> lines = finished.output().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("error: every executor was lost (1 loss, the last executor 0: ")
                && last.contains(") and none came back within 10 s (spark.backprop.executorsLostTimeout): no Worker or"
                + " node is left to start one; the last checkpoint in ")
                && last.endsWith(" steps done: run the same command with --resume to go on from it"), last);
        assertEquals(1, lines.stream().filter(line -> line.startsWith("error: ")).count(), finished.output());
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception")),
                "no stack trace:\n" + finished.output());
        assertTrue(seconds < 60, "ended " + seconds + " s after the loss");
    }

    private void assertOneLine(String deployMode, String master, String expected) throws Exception {
        assertOneLine(Map.of("SPARK_MASTER", master, "DEPLOY_MODE", deployMode), 30, expected);
    }

    /** submit/standalone.sh train in {@code environment}: exit code 2 and {@code expected} alone, within {@code seconds}. */
    private void assertOneLine(Map<String, String> environment, int seconds, String expected) throws Exception {
        long started = System.nanoTime();
        Scripts.Run run = Scripts.run(environment, directory.resolve("run.log"), 4, "submit/standalone.sh", "train",
                "--train", "data/fashion-mnist", "--epochs", "1");
        double elapsed = (System.nanoTime() - started) / 1e9;
        assertEquals(2, run.exitCode(), run.output());
        assertEquals(List.of(expected), run.output().lines().toList());
        assertTrue(elapsed < seconds, "answered in " + elapsed + " s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
