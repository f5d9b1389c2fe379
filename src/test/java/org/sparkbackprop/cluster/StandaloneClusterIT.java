package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
    private static final Path STATE = Path.of("target/it-cluster").toAbsolutePath();
    private final ClusterRuns.Standalone cluster = new ClusterRuns.Standalone(STATE, 17077, 18080);
    private final String master = cluster.master();
    private Path data;
    private byte[] localModel;
    /** local[2]'s model with 2 partitions, as many as the cluster's slots: the resident stage's. */
    private byte[] localResidentModel;
    /** How long the resident run without strangers took. */
    private long residentRunMillis = Long.MAX_VALUE;

    @BeforeAll
    void startCluster() throws Exception {
        ClusterRuns.deleteRecursively(STATE);
        Files.createDirectories(STATE);
        data = ClusterRuns.subset(STATE.resolve("fashion-subset"));
        cluster.start();

        Scripts.Run local = Scripts.run(Map.of("SPARK_MASTER", "local[2]", "SPARK_DRIVER_MEMORY", "1g"),
                STATE.resolve("local.log"), 5, train("local.json"));
        assertEquals(0, local.exitCode(), local.output());
        localModel = Files.readAllBytes(STATE.resolve("local.json"));
        Scripts.Run localResident = Scripts.run(Map.of("SPARK_MASTER", "local[2]", "SPARK_DRIVER_MEMORY", "1g"),
                STATE.resolve("local-resident.log"), 5, train("local-resident.json", "--partitions", "2"));
        assertEquals(0, localResident.exitCode(), localResident.output());
        assertTrue(!localResident.output().contains("steps run as Spark jobs"), localResident.output());
        localResidentModel = Files.readAllBytes(STATE.resolve("local-resident.json"));
    }

    @AfterAll
    void stopCluster() throws Exception {
        cluster.stop();
    }

    @Test
    @Order(1)
    void clientModeOnTwoExecutorJvmsWritesTheLocalModelBitForBit() throws Exception {
        Scripts.Run run = Scripts.run(Map.of("SPARK_MASTER", master), STATE.resolve("client.log"), 5, standalone(train("client.json")));
        assertEquals(0, run.exitCode(), run.output());
        assertArrayEquals(localModel, Files.readAllBytes(STATE.resolve("client.json")), "client mode vs local[2]");

        List<String> diskCache = new ArrayList<>(List.of(standalone(train("client-disk.json"))));
        diskCache.addAll(List.of("--cache", "disk"));
        Scripts.Run onDisk = Scripts.run(Map.of("SPARK_MASTER", master), STATE.resolve("client-disk.log"), 5,
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
        Map<String, String> environment = cluster.submitEnvironment("cluster");
        // the driver runs on a Worker: outputs name their file system, here a disk all of 127.0.0.1 shares
        String[] command = ClusterRuns.through("submit/standalone.sh", ClusterRuns.train(data.toString(),
                "--model-out", "file://" + STATE.resolve("cluster.json"),
                "--metrics-out", "file://" + STATE.resolve("cluster.json.metrics")));
        Scripts.Run run = Scripts.run(environment, STATE.resolve("cluster.log"), 5, command);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("finished"), run.output());
        assertArrayEquals(localModel, Files.readAllBytes(STATE.resolve("cluster.json")), "cluster mode vs local[2]");

        Scripts.Run refused = Scripts.run(environment, STATE.resolve("cluster-refused.log"), 5,
                standalone(train("refused.json")));
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("error: --model-out " + STATE.resolve("refused.json")
                + ": in cluster deploy mode the driver runs on a cluster machine"), refused.output());
        assertTrue(!Files.exists(STATE.resolve("refused.json")), "nothing written");

        Scripts.Run failed = Scripts.run(environment, STATE.resolve("cluster-failed.log"), 5,
                standalone("train", "--train", "/no/such/fashion"));
        assertNotEquals(0, failed.exitCode(), failed.output());
        assertTrue(failed.output().contains("error: --train /no/such/fashion: no such file or directory"), failed.output());
    }

    /**
     * Features in the executors' local files ({@code --cache disk}), resident, through a Worker
     * SIGKILL: the bits of local[2] with --cache memory.
     */
    @Test
    @Order(3)
    void aWorkerKilledMidRunChangesNothingInTheModel() throws Exception {
        Path output = STATE.resolve("killed.log");
        // resident steps (2 partitions, one task in each Worker's executor): the loss ends the stage, which
        // cannot start again on the one slot left, so the remaining steps run as jobs
        String[] command = standalone(train("killed.json", "--partitions", "2", "--cache", "disk"));
        Process run = Scripts.start(Map.of("SPARK_MASTER", master), output, command);
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
        // the loss lands in an epoch's steps (the stage is lost) or between them (the next stage cannot start)
        assertTrue(finished.output().contains("resident tasks lost")
                || finished.output().contains("resident tasks cannot start"), finished.output());
        assertTrue(finished.output().contains("the steps run as Spark jobs until Spark has 2 task slots (it has 1"),
                "the steps wait for a slot that never comes back, as jobs:\n" + finished.output());
        assertEquals(3, Files.readAllLines(metrics).size());
        assertTrue(Files.readString(output).lines().limit(lineOf(output, "epoch 1/3: train loss"))
                .noneMatch(line -> line.contains("steps run as Spark jobs") || line.contains("resident tasks")),
                "the first epoch ran on resident tasks with --cache disk:\n" + finished.output());
        assertArrayEquals(localResidentModel, Files.readAllBytes(STATE.resolve("killed.json")),
                "resident steps with --cache disk through a lost Worker vs local[2] with --cache memory");
    }

    @Test
    @Order(4)
    void aDriverKilledAfterACheckpointResumesToTheSameModel() throws Exception {
        // resident steps in local[2]; steps as jobs on the cluster (4 partitions, and one Worker is left)
        resumeAfterKill("local", Map.of("SPARK_MASTER", "local[2]", "SPARK_DRIVER_MEMORY", "1g"), false,
                localResidentModel, "--partitions", "2");
        resumeAfterKill("client", Map.of("SPARK_MASTER", master), true, localModel);
    }

    @Test
    @Order(0)
    void residentStepsOnTwoExecutorJvmsWriteTheLocalModelBitForBit() throws Exception {
        long started = System.nanoTime();
        Scripts.Run run = Scripts.run(Map.of("SPARK_MASTER", master), STATE.resolve("resident.log"), 5,
                standalone(train("resident.json", "--partitions", "2")));
        residentRunMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(!run.output().contains("steps run as Spark jobs") && !run.output().contains("resident tasks"),
                "the steps ran on resident tasks in the two executors:\n" + run.output());
        assertArrayEquals(localResidentModel, Files.readAllBytes(STATE.resolve("resident.json")),
                "resident steps on the cluster vs local[2]");
    }

    /**
     * A cluster whose Master and Workers admit only applications with its secret
     * (spark.authenticate, given to them in SPARK_DAEMON_JAVA_OPTS), and a run on it with Spark's
     * network encrypted too: the steps stay resident on the sealed channel and write local[2]'s
     * bytes, while a stranger that speaks the handshake without the secret, again and again, is
     * refused each time in one line of the driver's log.
     */
    @Test
    @Order(1)
    void anAuthenticatedEncryptedClusterStaysResidentAndRefusesStrangersInOneLine() throws Exception {
        byte[] secretBytes = new byte[24];
        new java.security.SecureRandom().nextBytes(secretBytes);
        String secret = java.util.HexFormat.of().formatHex(secretBytes);
        Path state = STATE.resolve("secured");
        Files.createDirectories(state);
        ClusterRuns.Standalone secured = new ClusterRuns.Standalone(state, 37077, 38080,
                "-Dspark.authenticate=true -Dspark.authenticate.secret=" + secret);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path conf = state.resolve("spark-secured.conf");
        Files.writeString(conf, Files.readString(Path.of("conf/spark-cluster.conf")) + String.join("\n",
                "", "spark.authenticate                        true",
                "spark.authenticate.secret                 " + secret,
                "spark.network.crypto.enabled              true",
                "spark.backprop.resident.port              " + port, ""));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger challenged = new AtomicInteger();
        secured.start();
        try {
            CompletableFuture<Void> stranger = CompletableFuture.runAsync(() -> {
                while (running.get()) {
                    if (handshakeWithoutTheSecret(port)) {
                        challenged.incrementAndGet();
                    }
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Scripts.Run run;
            try {
                run = Scripts.run(Map.of("SPARK_MASTER", secured.master(), "SPARK_CONF", conf.toString()),
                        state.resolve("secured.log"), 5, standalone(train("secured.json", "--partitions", "2")));
            } finally {
                running.set(false);
                stranger.get(10, TimeUnit.SECONDS);
            }
            assertEquals(0, run.exitCode(), run.output());
            assertTrue(!run.output().contains("steps run as Spark jobs") && !run.output().contains("resident tasks"),
                    "the steps ran on resident tasks over the sealed channel:\n" + run.output());
            assertArrayEquals(localResidentModel, Files.readAllBytes(STATE.resolve("secured.json")),
                    "resident steps on an authenticated, encrypted cluster vs local[2]");
            List<String> refused = run.output().lines().filter(line -> line.contains("does not know this run's secret"))
                    .toList();
            assertTrue(challenged.get() > 0 && !refused.isEmpty(), "the stranger was challenged and refused:\n"
                    + run.output());
            assertTrue(refused.stream().allMatch(line -> line.matches(".*WARN .*refused a connection from /127\\.0\\.0\\.1:"
                    + "[0-9]+: a task of partition 0 \\(stage attempt 0, task attempt 0\\) does not know this run's secret")),
                    refused.toString());
            assertTrue(run.output().lines().noneMatch(line -> line.startsWith("\tat ")), "no stack trace:\n" + run.output());
        } finally {
            secured.stop();
        }
    }

    /**
     * Connects to {@code port} and speaks a task's side of the handshake with a made-up proof;
     * whether the driver challenged it (and then, presumably, closed the connection).
     */
    private static boolean handshakeWithoutTheSecret(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            java.io.DataOutputStream out = new java.io.DataOutputStream(socket.getOutputStream());
            out.writeInt(0x5B4B5052);
            out.writeLong(42);
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(0);
            out.write(new byte[32]);
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            in.readFully(new byte[64]);
            out.write(new byte[32]);
            out.flush();
            return in.read() < 0;
        } catch (IOException notListeningOrClosed) {
            return false;
        }
    }

    /**
     * Dynamic allocation as EMR and Dataproc have it (shuffle tracking, no executors at start, here
     * at most 2 of 1 core): without --partitions the run takes one partition per slot it may
     * grow to, says so, stays resident on a plain stage, and writes local[2]'s bytes.
     */
    @Test
    @Order(1)
    void dynamicAllocationStaysResident() throws Exception {
        Path conf = ClusterRuns.dynamicAllocationConf(STATE.resolve("spark-dynamic.conf"),
                "spark.executor.cores                               1");
        Scripts.Run run = Scripts.run(Map.of("SPARK_MASTER", master, "SPARK_CONF", conf.toString()),
                STATE.resolve("dynamic.log"), 5, standalone(train("dynamic.json", "--partitions", "")));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("2 partitions: dynamic allocation's most executors"
                + " (spark.dynamicAllocation.maxExecutors 2) × 1 task slots each"), run.output());
        assertTrue(!run.output().contains("steps run as Spark jobs") && !run.output().contains("resident tasks"),
                "the steps ran on resident tasks under dynamic allocation:\n" + run.output());
        assertArrayEquals(localResidentModel, Files.readAllBytes(STATE.resolve("dynamic.json")),
                "resident steps under dynamic allocation vs local[2]");
    }

    /**
     * The same resident run with the driver's resident port fixed (spark.backprop.resident.port in
     * the SPARK_CONF file), while one stranger holds a silent connection to that port and another
     * keeps sending it garbage: the run stays resident, writes the same model bytes, and ends at
     * most a few seconds later than the run without them.
     */
    @Test
    @Order(1)
    void strangersOnTheResidentPortChangeNeitherTheModelNorTheTime() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path conf = STATE.resolve("spark-resident-port.conf");
        Files.writeString(conf, Files.readString(Path.of("conf/spark-cluster.conf"))
                + "\nspark.backprop.resident.port             " + port + "\n");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger silentHeld = new AtomicInteger();
        AtomicInteger garbageSent = new AtomicInteger();
        CompletableFuture<Void> strangers = CompletableFuture.runAsync(() -> {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int round = 0; running.get() && round < 2_000; round++) {
                    try {
                        // a new silent connection every 2 s: the driver drops each at its handshake deadline
                        if (round % 8 == 0) {
                            silent.add(new Socket(InetAddress.getLoopbackAddress(), port));
                            silentHeld.incrementAndGet();
                        }
                        try (Socket garbage = new Socket(InetAddress.getLoopbackAddress(), port)) {
                            garbage.getOutputStream().write("GET / HTTP/1.1\r\nHost: spark-backprop\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                            garbageSent.incrementAndGet();
                        }
                    } catch (IOException notListeningYet) {
                        // the driver listens only while it trains
                    }
                    Thread.sleep(250);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                for (Socket socket : silent) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // closed either way
                    }
                }
            }
        });
        long started = System.nanoTime();
        Scripts.Run run;
        try {
            run = Scripts.run(Map.of("SPARK_MASTER", master, "SPARK_CONF", conf.toString()),
                    STATE.resolve("resident-strangers.log"), 5, standalone(train("resident-strangers.json",
                            "--partitions", "2")));
        } finally {
            running.set(false);
            strangers.get(10, TimeUnit.SECONDS);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(silentHeld.get() > 0 && garbageSent.get() > 0, "the strangers reached the port");
        assertTrue(run.output().contains("refused a connection from /127.0.0.1"), "the driver refused them:\n"
                + run.output());
        assertTrue(!run.output().contains("steps run as Spark jobs") && !run.output().contains("resident tasks"),
                "the steps stayed on resident tasks:\n" + run.output());
        assertArrayEquals(localResidentModel, Files.readAllBytes(STATE.resolve("resident-strangers.json")),
                "the model with strangers on the port vs local[2]");
        assertTrue(millis < residentRunMillis + 15_000, "with strangers " + millis + " ms, without " + residentRunMillis
                + " ms");
    }

    @Test
    @Order(5)
    void badInputFoundInTasksIsTheWholeOutputInLocalModeAndOnTheCluster() throws Exception {
        Path csv = STATE.resolve("bad/text.csv");
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, "label,p0,p1,p2,p3\n1,0,0,0,0\n2,abc,0,0,0\n");
        Path labels = IdxFiles.write(STATE.resolve("bad/idx"), "train", 300, 5, 250, 11);
        Map<String, String> expected = Map.of(
                csv.toString(), "text.csv line 3: column p0 holds 'abc', expected a number",
                labels.toString(), "train-labels-idx1-ubyte.gz: label 11 at row 250 is outside [0, 10)");
        for (Map.Entry<String, String> bad : expected.entrySet()) {
            String[] command = {"submit/local.sh", "train", "--train", bad.getKey(), "--layers",
                    bad.getKey().endsWith(".csv") ? "4,3,3" : "784,3,10", "--partitions", "2", "--epochs", "1"};
            Scripts.Run local = Scripts.run(Map.of("SPARK_MASTER", "local[2]", "SPARK_DRIVER_MEMORY", "1g"),
                    STATE.resolve("bad-local.log"), 3, command);
            assertEquals(2, local.exitCode(), local.output());
            assertEquals(1, local.output().lines().count(), "local[2]: the whole output is one line:\n" + local.output());
            assertTrue(local.output().startsWith("error: ") && local.output().contains(bad.getValue()), local.output());
            Scripts.Run onCluster = Scripts.run(Map.of("SPARK_MASTER", master), STATE.resolve("bad-client.log"), 3,
                    standalone(command));
            assertEquals(2, onCluster.exitCode(), onCluster.output());
            assertEquals(local.output(), onCluster.output(), "client mode on the standalone cluster: the same one line");
        }
    }

    /**
     * Trains with checkpoints every 20 steps, SIGKILLs the driver JVM (and the script around it)
     * once a checkpoint is there, resumes, and compares the model with the uninterrupted local[2] one.
     */
    /** The number of the first line of {@code log} that contains {@code text}. */
    private static long lineOf(Path log, String text) throws IOException {
        List<String> lines = Files.readAllLines(log);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return lines.size();
    }

    private void resumeAfterKill(String name, Map<String, String> environment, boolean onCluster, byte[] expected,
                                 String... more) throws Exception {
        Path checkpoints = STATE.resolve("checkpoints-" + name);
        List<String> arguments = new ArrayList<>(List.of(train("resumed-" + name + ".json", more)));
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
        assertArrayEquals(expected, Files.readAllBytes(STATE.resolve("resumed-" + name + ".json")),
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

    /** The same training everywhere (ClusterRuns.settings, then {@code more}), its model and metrics in {@code STATE}. */
    private String[] train(String model, String... more) {
        List<String> options = new ArrayList<>(List.of("--model-out", STATE.resolve(model).toString(),
                "--metrics-out", STATE.resolve(model + ".metrics").toString()));
        options.addAll(List.of(more));
        return ClusterRuns.train(data.toString(), options.toArray(String[]::new));
    }

    private static String[] standalone(String... command) {
        return ClusterRuns.through("submit/standalone.sh", command);
    }
}
