package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.testing.OnnxRuntime;

/**
 * Runs on a real cluster keep what they write: a real HDFS and a real YARN (Hadoop's
 * MiniDFSCluster and MiniYARNCluster, in this JVM) and a standalone cluster of separate JVMs, all
 * on 127.0.0.1. The same training in cluster deploy mode on YARN and on the standalone cluster
 * reads its data from HDFS and writes model, metrics, report and checkpoints there; the model's
 * bytes are those that local[2] writes from local files. Under dynamic allocation (shuffle
 * tracking, no executors at start, at most 2 of 1 core: 2 partitions), the steps on YARN run on
 * resident tasks (their channel on the application master's host); the standalone cluster-mode driver takes one of the 2 Workers' cores, so there the steps
 * fall back to jobs, saying why, with the same bits. evaluate, predict and export read the model
 * back from HDFS (export writing its ONNX file there); a driver killed after a checkpoint resumes from HDFS to the same bytes; and a path
 * that would be lost in cluster mode is refused on YARN with exit code 2 and the driver's line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HadoopClusterIT {
    private static final Path STATE = Path.of("target/it-hadoop").toAbsolutePath();
    private final ClusterRuns.Standalone standalone = new ClusterRuns.Standalone(STATE.resolve("standalone"), 27077, 28080);
    private MiniHadoop hadoop;
    private String hdfs;
    private byte[] localModel;

    @BeforeAll
    void start() throws Exception {
        ClusterRuns.deleteRecursively(STATE);
        Files.createDirectories(STATE.resolve("standalone"));
        Path data = ClusterRuns.subset(STATE.resolve("fashion-subset"));
        hadoop = MiniHadoop.start(STATE.resolve("hadoop"));
        hdfs = hadoop.hdfsUri();
        FileSystem fileSystem = hadoop.fileSystem();
        fileSystem.copyFromLocalFile(new org.apache.hadoop.fs.Path(data.toUri()), new org.apache.hadoop.fs.Path("/data/fashion"));
        standalone.start();

        Scripts.Run local = Scripts.run(Map.of("SPARK_MASTER", "local[2]", "SPARK_DRIVER_MEMORY", "1g"),
                STATE.resolve("local.log"), 5,
                ClusterRuns.train(data.toString(), "--model-out", STATE.resolve("local.json").toString(), "--partitions", "2"));
        assertEquals(0, local.exitCode(), local.output());
        localModel = Files.readAllBytes(STATE.resolve("local.json"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            standalone.stop();
        } finally {
            if (hadoop != null) {
                hadoop.close();
            }
        }
    }

    @Test
    @Order(1)
    void yarnClusterModeReadsAndWritesHdfsAndWritesTheLocalModelBitForBit() throws Exception {
        // the settings come from a config file on HDFS, read by the driver in the application master
        writeToHdfs("/conf/run.properties", String.join("\n", ClusterRuns.settings("--partitions", ""))
                .replaceAll("--([a-z-]+)\n", "$1 = ") + "\n");
        // dynamic allocation as EMR and Dataproc have it: shuffle tracking, no executors at start, here at most 2
        Path dynamic = ClusterRuns.dynamicAllocationConf(STATE.resolve("spark-dynamic.conf"));
        Map<String, String> environment = yarnEnvironment();
        environment.remove("NUM_EXECUTORS");
        environment.put("SPARK_CONF", dynamic.toString());
        Scripts.Run run = Scripts.run(environment, STATE.resolve("yarn.log"), 8,
                "submit/yarn.sh", "train", "--config", hdfs + "/conf/run.properties",
                "--train", hdfs + "/data/fashion", "--test", hdfs + "/data/fashion",
                "--model-out", hdfs + "/out/yarn/model.json", "--metrics-out", hdfs + "/out/yarn/metrics.jsonl",
                "--report", hdfs + "/out/yarn/report", "--report-every", "0",
                "--checkpoint-dir", hdfs + "/out/yarn/checkpoints");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("application_") && run.output().contains("finished"), run.output());
        // kept beside the other logs: the driver's log is in the application master's container, gone with YARN
        String driverLog = driverLogOnYarn();
        Files.writeString(STATE.resolve("yarn-driver.log"), driverLog);
        assertWrittenToHdfs("/out/yarn", "YARN cluster mode");
        assertTrue(driverLog.contains("2 partitions: dynamic allocation's most executors"), driverLog);
        assertTrue(!driverLog.contains("steps run as Spark jobs") && !driverLog.contains("resident tasks"),
                "the steps ran on resident tasks in YARN's executors, under dynamic allocation:\n" + driverLog);
    }

    /** The driver's log (the stderr of the application master's container) of the one YARN run that trained. */
    private String driverLogOnYarn() throws IOException {
        List<String> logs = new ArrayList<>();
        for (Path directory : hadoop.containerLogDirectories()) {
            try (var files = Files.walk(directory)) {
                for (Path file : files.filter(path -> path.getFileName().toString().equals("stderr")).toList()) {
                    String text = Files.readString(file);
                    if (text.contains("epoch 1/3: train loss")) {
                        logs.add(text);
                    }
                }
            }
        }
        assertEquals(1, logs.size(), "one driver log that trained in " + hadoop.containerLogDirectories());
        return logs.get(0);
    }

    @Test
    @Order(2)
    void standaloneClusterModeReadsAndWritesHdfsAndWritesTheLocalModelBitForBit() throws Exception {
        // the settings come from a local config file that standalone.sh ships with --files
        Path config = STATE.resolve("run.properties");
        Files.writeString(config, String.join("\n", ClusterRuns.settings("--partitions", "2")).replaceAll("--([a-z-]+)\n", "$1 = ") + "\n");
        Scripts.Run run = Scripts.run(standalone.submitEnvironment("cluster"), STATE.resolve("standalone-cluster.log"), 8,
                "submit/standalone.sh", "train", "--config", config.toString(),
                "--train", hdfs + "/data/fashion", "--test", hdfs + "/data/fashion",
                "--model-out", hdfs + "/out/standalone/model.json", "--metrics-out", hdfs + "/out/standalone/metrics.jsonl",
                "--report", hdfs + "/out/standalone/report", "--checkpoint-dir", hdfs + "/out/standalone/checkpoints");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("finished"), run.output());
        assertWrittenToHdfs("/out/standalone", "standalone cluster mode");
    }

    @Test
    @Order(3)
    void evaluatePredictAndExportReadTheModelFromHdfs() throws Exception {
        Map<String, String> local = Map.of("SPARK_MASTER", "local[2]", "SPARK_DRIVER_MEMORY", "1g");
        Scripts.Run evaluate = Scripts.run(local, STATE.resolve("evaluate.log"), 3, "submit/local.sh", "evaluate",
                "--model", hdfs + "/out/yarn/model.json", "--data", hdfs + "/data/fashion", "--json");
        assertEquals(0, evaluate.exitCode(), evaluate.output());
        String json = evaluate.output().lines().filter(line -> line.startsWith("{")).findFirst().orElseThrow();
        List<String> metrics = readHdfs("/out/yarn/metrics.jsonl").lines().toList();
        JsonNode lastEpoch = new ObjectMapper().readTree(metrics.get(metrics.size() - 1));
        assertEquals(lastEpoch.get("test_accuracy").asDouble(), new ObjectMapper().readTree(json).get("accuracy").asDouble(),
                "evaluate scores the model read from HDFS as training did");

        Scripts.Run predict = Scripts.run(local, STATE.resolve("predict.log"), 3, "submit/local.sh", "predict",
                "--model", hdfs + "/out/yarn/model.json", "--data", hdfs + "/data/fashion", "--out", hdfs + "/out/predictions");
        assertEquals(0, predict.exitCode(), predict.output());
        assertTrue(predict.output().contains("1000 predictions written"), predict.output());
        assertTrue(hadoop.fileSystem().exists(new org.apache.hadoop.fs.Path("/out/predictions/_SUCCESS")));

        Scripts.Run export = Scripts.run(local, STATE.resolve("export.log"), 3, "submit/local.sh", "export",
                "--model", hdfs + "/out/yarn/model.json", "--out", hdfs + "/out/yarn/model.onnx");
        assertEquals(0, export.exitCode(), export.output());
        Path onnx = STATE.resolve("model-from-hdfs.onnx");
        hadoop.fileSystem().copyToLocalFile(new org.apache.hadoop.fs.Path("/out/yarn/model.onnx"),
                new org.apache.hadoop.fs.Path(onnx.toUri()));
        OnnxRuntime.assertServes(onnx, ModelFile.read(hdfs + "/out/yarn/model.json").parameters());
    }

    @Test
    @Order(4)
    void aDriverKilledAfterACheckpointResumesFromHdfsToTheSameModel() throws Exception {
        String checkpoints = hdfs + "/out/resumed/checkpoints";
        String[] command = ClusterRuns.train(hdfs + "/data/fashion", "--model-out", hdfs + "/out/resumed/model.json",
                "--checkpoint-dir", checkpoints, "--checkpoint-every", "20", "--resume", "--partitions", "2");
        Map<String, String> environment = Map.of("SPARK_MASTER", standalone.master());
        Path output = STATE.resolve("resumed-killed.log");
        Process run = Scripts.start(environment, output, ClusterRuns.through("submit/standalone.sh", command));
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (!hasCheckpoint("/out/resumed/checkpoints") && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(run.isAlive(), "training ended before its first checkpoint:\n" + Files.readString(output));
        run.descendants().forEach(ProcessHandle::destroyForcibly);
        run.destroyForcibly();
        run.waitFor();
        assertFalse(hadoop.fileSystem().exists(new org.apache.hadoop.fs.Path("/out/resumed/model.json")),
                "the killed run wrote no model");

        Scripts.Run resumed = Scripts.run(environment, STATE.resolve("resumed.log"), 5,
                ClusterRuns.through("submit/standalone.sh", command));
        assertEquals(0, resumed.exitCode(), resumed.output());
        assertTrue(resumed.output().contains("resuming from " + checkpoints), resumed.output());
        assertArrayEquals(localModel, readHdfsBytes("/out/resumed/model.json"), "killed, resumed from HDFS, vs local[2]");
    }

    @Test
    @Order(5)
    void yarnClusterModeRefusesAnOutputThatWouldBeLostWithTheDriversLineAndExitCode2() throws Exception {
        Path before = Path.of("model.json");
        Scripts.Run refused = Scripts.run(yarnEnvironment(), STATE.resolve("yarn-refused.log"), 5,
                "submit/yarn.sh", "train", "--train", hdfs + "/data/fashion", "--model-out", "model.json");
        assertEquals(2, refused.exitCode(), refused.output());
        List<String> lines = refused.output().lines().toList();
        assertEquals("error: --model-out model.json: in cluster deploy mode the driver runs on a cluster machine, not on"
                + " the one that submitted, and a path without a scheme would be written to that machine's disk and lost;"
                + " give hdfs://..., s3a://..., or file:///... on a disk every machine shares", lines.get(lines.size() - 1));
        assertEquals(List.of(), lines.stream().filter(line -> !line.startsWith("Application report for application_"))
                .filter(line -> !line.startsWith("error: ")).toList(),
                "besides the application's progress, only the driver's error line");
        assertFalse(Files.exists(before), "nothing written here");
        assertFalse(hadoop.fileSystem().exists(new org.apache.hadoop.fs.Path("model.json")), "nor on HDFS");
    }

    /** The model in {@code folder} on HDFS is local[2]'s, and the metrics, report and checkpoints are there too. */
    private void assertWrittenToHdfs(String folder, String where) throws IOException {
        assertArrayEquals(localModel, readHdfsBytes(folder + "/model.json"), where + " vs local[2]");
        assertEquals(3, readHdfs(folder + "/metrics.jsonl").lines().count(), where + ": one metrics line per epoch");
        FileSystem fileSystem = hadoop.fileSystem();
        for (String file : List.of("index.html", "loss.png", "accuracy.png", "confusion-matrix.png")) {
            assertTrue(fileSystem.exists(new org.apache.hadoop.fs.Path(folder + "/report/" + file)), where + ": report " + file);
        }
        // the metrics and (on YARN, --report-every 0) the report were replaced after every epoch, then finished
        assertTrue(readHdfs(folder + "/report/index.html").contains("Finished: 3 of 3 epochs."), where + ": report");
        assertTrue(hasCheckpoint(folder + "/checkpoints"), where + ": checkpoints");
        List<String> hidden = new ArrayList<>();
        for (String directory : List.of(folder, folder + "/report")) {
            for (FileStatus status : fileSystem.listStatus(new org.apache.hadoop.fs.Path(directory))) {
                if (status.getPath().getName().startsWith(".")) {
                    hidden.add(status.getPath().getName());
                }
            }
        }
        assertEquals(List.of(), hidden, where + ": no temporary file left");
    }

    @Test
    @Order(6)
    void aResourceManagerWhereNothingListensIsNamedInOneLine() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Path conf = STATE.resolve("unreachable-conf");
        Files.createDirectories(conf);
        Path configured = Path.of(hadoop.yarnEnvironment().get("HADOOP_CONF_DIR"));
        Files.copy(configured.resolve("core-site.xml"), conf.resolve("core-site.xml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        org.apache.hadoop.conf.Configuration yarn = new org.apache.hadoop.conf.Configuration(false);
        yarn.set("yarn.resourcemanager.address", "127.0.0.1:" + closed);
        try (java.io.OutputStream out = Files.newOutputStream(conf.resolve("yarn-site.xml"))) {
            yarn.writeXml(out);
        }
        for (String deployMode : List.of("cluster", "client")) {
            long started = System.nanoTime();
            Scripts.Run run = Scripts.run(Map.of("HADOOP_CONF_DIR", conf.toString(), "DEPLOY_MODE", deployMode),
                    STATE.resolve("unreachable-" + deployMode + ".log"), 2, "submit/yarn.sh", "train", "--train",
                    hdfs + "/data/fashion");
            assertEquals(2, run.exitCode(), run.output());
            assertEquals(List.of("error: YARN ResourceManager: nothing listens at 127.0.0.1:" + closed + " (connection"
                    + " refused) (yarn.resourcemanager.address in " + conf.resolve("yarn-site.xml") + ")"),
                    run.output().lines().toList());
            assertTrue(System.nanoTime() - started < 30_000_000_000L, deployMode + " mode answered within 30 s");
        }
    }

    @Test
    @Order(6)
    void aContainerLargerThanYarnAllocatesIsNamedInOneLine() throws Exception {
        Map<String, String> environment = new HashMap<>(yarnEnvironment());
        environment.put("EXECUTOR_MEMORY", "16g");
        Scripts.Run run = Scripts.run(environment, STATE.resolve("too-large.log"), 3, "submit/yarn.sh", "train",
                "--train", hdfs + "/data/fashion");
        assertEquals(2, run.exitCode(), run.output());
        List<String> lines = run.output().lines().toList();
        assertEquals(1, lines.size(), run.output());
        assertTrue(lines.get(0).startsWith("error: spark.executor.memory 16g (EXECUTOR_MEMORY): YARN can never start such"
                + " a container: Required executor memory (16384 MB)") && lines.get(0).endsWith(" is above the max"
                + " threshold (4096 MB) of this cluster (yarn.scheduler.maximum-allocation-mb)"), lines.get(0));
    }

    private Map<String, String> yarnEnvironment() {
        Map<String, String> environment = new HashMap<>(hadoop.yarnEnvironment());
        environment.putAll(Map.of("NUM_EXECUTORS", "2", "EXECUTOR_CORES", "1", "EXECUTOR_MEMORY", "512m",
                "DRIVER_MEMORY", "512m", "MAX_APP_ATTEMPTS", "1"));
        return environment;
    }

    private boolean hasCheckpoint(String folder) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(folder);
        if (!hadoop.fileSystem().exists(path)) {
            return false;
        }
        for (FileStatus status : hadoop.fileSystem().listStatus(path)) {
            if (status.getPath().getName().matches("checkpoint-.*\\.json")) {
                return true;
            }
        }
        return false;
    }

    private void writeToHdfs(String path, String content) throws IOException {
        try (var out = hadoop.fileSystem().create(new org.apache.hadoop.fs.Path(path), true)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    private byte[] readHdfsBytes(String path) throws IOException {
        try (InputStream in = hadoop.fileSystem().open(new org.apache.hadoop.fs.Path(path))) {
            return in.readAllBytes();
        }
    }

    private String readHdfs(String path) throws IOException {
        return new String(readHdfsBytes(path), StandardCharsets.UTF_8);
    }
}
