package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Executors SIGKILLed under a resident run on a real standalone cluster of 2 Workers (1 core
 * each), whose Workers start a replacement each time: once mid-epoch (star exchange), three
 * times at intervals (sliced exchange), and once under dynamic allocation. Each run writes
 * local[2]'s model bit for bit, its steps are resident again after every loss (the log says so
 * in one line per event, and the run's last word on them is that they are resident again), and
 * Spark's own lines of the loss and stage-failure texts are not in its output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecutorLossIT {
    private static final Path STATE = Path.of("target/it-executor-loss").toAbsolutePath();
    private static final int EPOCHS = 12;
    private final ClusterRuns.Standalone cluster = new ClusterRuns.Standalone(STATE, 27077, 28080);
    private Path data;
    private byte[] localModel;

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
    }

    @AfterAll
    void stopCluster() throws Exception {
        cluster.stop();
    }

    @Test
    void oneExecutorKilledMidEpoch() throws Exception {
        String output = runKilling("once", 1, Map.of(), "--exchange", "star");
        assertTrue(output.contains("resident tasks lost at epoch "), "the kill landed in an epoch's steps:\n" + output);
    }

    @Test
    void threeExecutorsKilledAtIntervalsUnderTheSlicedExchange() throws Exception {
        String output = runKilling("thrice", 3, Map.of(), "--exchange", "sliced");
        assertTrue(output.lines().filter(line -> line.contains("sliced steps: the 2 tasks are connected")).count() == 1,
                "the sliced exchange said once that it runs:\n" + output);
    }

    @Test
    void anExecutorKilledUnderDynamicAllocation() throws Exception {
        Path conf = ClusterRuns.dynamicAllocationConf(STATE.resolve("spark-dynamic.conf"),
                "spark.executor.cores                               1");
        runKilling("dynamic", 1, Map.of("SPARK_CONF", conf.toString()));
    }

    /**
     * The training on the cluster, with {@code kills} executors SIGKILLed one after the other,
     * each once the previous loss's replacement is up and an epoch more has ended, a third of an
     * epoch into the next; checks what all runs share and returns the output.
     */
    private String runKilling(String name, int kills, Map<String, String> environment, String... more) throws Exception {
        Path output = STATE.resolve(name + ".log");
        List<String> options = new ArrayList<>(List.of(more));
        String[] command = ClusterRuns.through("submit/standalone.sh", train(name + ".json", options.toArray(String[]::new)));
        Map<String, String> settings = new java.util.HashMap<>(environment);
        settings.put("SPARK_MASTER", cluster.master());
        Process run = Scripts.start(settings, output, command);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
        int epochsSeen = 0;
        for (int kill = 1; kill <= kills; kill++) {
            // an epoch ended with both executors up, and its successor is under way
            epochsSeen = awaitEpochAfter(run, output, epochsSeen, deadline);
            assertTrue(epochsSeen < EPOCHS - 1, "the run was about to end before kill " + kill + ":\n" + Files.readString(output));
            Thread.sleep(300);
            ProcessHandle executor = executors().get(kill % 2);
            assertTrue(executor.destroyForcibly(), "SIGKILL to executor " + executor.pid());
            awaitOutput(run, output, "executor lost", kill, deadline);
            awaitTwoExecutors(deadline);
        }
        Scripts.Run finished = Scripts.await(run, output, 8, command);
        String text = finished.output();
        assertEquals(0, finished.exitCode(), text);
        assertArrayEquals(localModel, Files.readAllBytes(STATE.resolve(name + ".json")), name + ": vs local[2]");
        assertEquals(EPOCHS, Files.readAllLines(STATE.resolve(name + ".json.metrics")).size());
        assertEquals(kills, text.lines().filter(line -> line.contains("ExecutorLossLog: executor lost:")).count(), text);
        List<String> resident = text.lines().filter(line -> line.contains(" ResidentSource: resident ")).toList();
        assertTrue(!resident.isEmpty() && resident.get(resident.size() - 1).contains("INFO  ResidentSource: resident steps"
                + " again from epoch "), name + ": the steps were resident again after the last loss:\n" + text);
        int residentAgain = text.lines().toList().indexOf(resident.get(resident.size() - 1));
        assertTrue(text.lines().skip(residentAgain).anyMatch(line -> line.contains("MetricsLog: epoch ")),
                "an epoch ended after the steps were resident again:\n" + text);
        for (String spark : List.of("TaskSchedulerImpl: Lost executor", "TaskSetManager: Lost task", "Job aborted",
                "Could not recover", "\tat ", "steps run as Spark jobs:")) {
            assertTrue(!text.contains(spark), name + ": '" + spark + "' in the output:\n" + text);
        }
        return text;
    }

    /** The number of epochs ended once one more than {@code seen} has, with both executors up. */
    private static int awaitEpochAfter(Process run, Path output, int seen, long deadline) throws Exception {
        while (true) {
            long ended = Files.readAllLines(output).stream().filter(line -> line.contains("MetricsLog: epoch ")).count();
            if (ended > seen) {
                return (int) ended;
            }
            checkAlive(run, output, deadline);
        }
    }

    private static void awaitOutput(Process run, Path output, String text, int count, long deadline) throws Exception {
        while (Files.readAllLines(output).stream().filter(line -> line.contains(text)).count() < count) {
            checkAlive(run, output, deadline);
        }
    }

    private void awaitTwoExecutors(long deadline) throws Exception {
        while (executors().size() < 2) {
            assertTrue(System.nanoTime() < deadline, "no replacement executor within the time limit");
            Thread.sleep(100);
        }
    }

    private static void checkAlive(Process run, Path output, long deadline) throws Exception {
        assertTrue(run.isAlive() && System.nanoTime() < deadline, "the run ended, or took too long:\n"
                + Files.readString(output));
        Thread.sleep(50);
    }

    /** The executor JVMs the Workers run now, in the Workers' order. */
    private List<ProcessHandle> executors() throws Exception {
        List<ProcessHandle> executors = new ArrayList<>();
        for (String worker : List.of("worker-1", "worker-2")) {
            long pid = Long.parseLong(Files.readString(STATE.resolve(worker + ".pid")).trim());
            Optional<ProcessHandle> executor = ProcessHandle.of(pid).orElseThrow().children()
                    .filter(child -> child.isAlive()
                            && child.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                    .findFirst();
            executor.ifPresent(executors::add);
        }
        return executors;
    }

    /** The shared training of 2 partitions, as many as the cluster's slots, for {@value #EPOCHS} epochs of batch 20. */
    private String[] train(String model, String... more) {
        List<String> options = new ArrayList<>(List.of("--model-out", STATE.resolve(model).toString(),
                "--metrics-out", STATE.resolve(model + ".metrics").toString(), "--partitions", "2",
                "--epochs", Integer.toString(EPOCHS), "--batch-size", "20"));
        options.addAll(List.of(more));
        return ClusterRuns.train(data.toString(), options.toArray(String[]::new));
    }
}
