package org.sparkbackprop.spark.resident;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.GradientDescent;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.spark.SparkDefaults;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.LogCapture;
import org.sparkbackprop.testing.SyntheticData;
import org.sparkbackprop.training.EpochOrder;
import org.sparkbackprop.training.GradientSource;

/**
 * Resident steps are the job steps, bit for bit: a whole epoch of updates through both, on one
 * and two partitions, with the tasks taking the weights in place or over the socket, for both
 * kernels, with the resident stage killed in the middle (it is started again and the
 * step sent again), ended at the epoch's end so that a scoring job runs, and started again. A
 * connection without this run's secret is refused; more partitions than slots run as jobs, as
 * does a stage Spark refuses for want of slots.
 */
class ResidentSourceTest {
    private static final int EXAMPLES = 230;
    private static final int BATCH = 64;

    static Stream<Arguments> cases() {
        return Stream.of(Kernel.values()).flatMap(kernel -> Stream.of(true, false).flatMap(inJvm -> Stream.of(1, 2)
                .flatMap(partitions -> Stream.of(Output.values())
                        .map(output -> Arguments.of(kernel, inJvm, partitions, output)))));
    }

    /** local[2]: with the tasks taking the weights in place (the default), or over the socket, as on a cluster. */
    private static JavaSparkContext context(boolean inJvm) {
        return LocalSpark.context("local[2]", Map.of(ResidentSource.IN_JVM, Boolean.toString(inJvm)));
    }

    @ParameterizedTest(name = "{0}, in JVM {1}, {2} partitions, {3}")
    @MethodSource("cases")
    void residentStepsAreTheJobStepsBitForBitThroughALostStage(Kernel kernel, boolean inJvm, int partitions,
                                                               Output output) throws Exception {
        JavaSparkContext context = context(inJvm);
        Architecture architecture = new Architecture(new int[] {12, 9, 7, 4}, Activation.SIGMOID, output);
        List<ExampleBlock> blocks = SyntheticData.blocks(17, EXAMPLES, 12, 4, output == Output.SIGMOID, 6);
        CachedExamples cached = LocalSpark.cache(context, blocks, partitions);
        DistributedSource jobs = new DistributedSource(context, cached, BATCH, Combine.ORDERED, kernel);
        GradientSource opened = ResidentSource.open(context, cached, BATCH, architecture, jobs, BlockCache.MEMORY, Exchange.STAR);
        try (ResidentSource resident = assertInstanceOf(ResidentSource.class, opened)) {
            assertEquals(inJvm, resident.tasksInDriverJvm());
            // job steps first: while a resident stage runs, it holds the cores a job would need
            Parameters start = Initialization.NORMAL.initialize(architecture, 5);
            GradientDescent descent = new GradientDescent(0.7);
            List<Parameters> expected = new ArrayList<>();
            List<Long> expectedLosses = new ArrayList<>();
            Parameters viaJobs = start.copy();
            for (int epoch = 0; epoch < 2; epoch++) {
                EpochOrder order = new EpochOrder(23, epoch, EXAMPLES);
                for (long step = 0; step < order.batchCount(BATCH); step++) {
                    Gradients sums = jobs.sumGradients(viaJobs, order.batch(step, BATCH));
                    expectedLosses.add(Double.doubleToRawLongBits(sums.lossSum()));
                    descent.apply(sums, viaJobs);
                    expected.add(viaJobs.copy());
                }
            }
            Parameters viaResident = start.copy();
            int done = 0;
            for (int epoch = 0; epoch < 2; epoch++) {
                EpochOrder order = new EpochOrder(23, epoch, EXAMPLES);
                for (long step = 0; step < order.batchCount(BATCH); step++) {
                    Gradients sums = resident.sumGradients(viaResident, order.batch(step, BATCH));
                    assertNotNull(resident.lastStep(), "the step ran on the resident tasks");
                    assertEquals(expectedLosses.get(done), Double.doubleToRawLongBits(sums.lossSum()));
                    descent.apply(sums, viaResident);
                    assertTrue(expected.get(done++).bitwiseEquals(viaResident), "epoch " + epoch + " step " + step);
                    if (epoch == 0 && step == 1) {
                        // Spark kills the resident tasks: the next step finds them gone
                        context.sc().cancelAllJobs();
                        Thread.sleep(500);
                    }
                }
                resident.epochStepsDone();
                assertEquals(EXAMPLES, jobs.score(viaResident).examples(), "a scoring job runs between epochs");
            }
            assertEquals(3, resident.stagesStarted(), "one stage per epoch, and one after the first was lost");
        } finally {
            cached.release();
        }
    }

    /**
     * With Spark's network authenticated and encrypted, the steps stay resident over sealed
     * sockets keyed by Spark's application secret too, and are the job steps bit for bit.
     */
    @Test
    void underSparkAuthenticationAndEncryptionTheSealedStepsAreTheJobSteps() {
        JavaSparkContext context = LocalSpark.context("local[2]", Map.of(ResidentSource.IN_JVM, "false",
                "spark.authenticate", "true", "spark.network.crypto.enabled", "true"));
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 2);
        DistributedSource jobs = new DistributedSource(context, cached, BATCH);
        try (ResidentSource resident = assertInstanceOf(ResidentSource.class,
                ResidentSource.open(context, cached, BATCH, architecture, jobs, BlockCache.MEMORY, Exchange.STAR))) {
            assertTrue(resident.sealing(), "the channel is sealed when Spark's network is");
            assertResidentEpochIsTheJobEpoch(resident, jobs, architecture, 2);
            assertEquals(1, resident.stagesStarted());
        } finally {
            cached.release();
            LocalSpark.stop();
        }
    }

    /**
     * {@code --cache disk}, resident, over sockets: tasks whose partitions' feature files are not
     * on their machine (deleted here, as they are on an executor other than the one that wrote
     * them) rebuild them from the input, saying so once per partition, and the steps are the
     * in-memory job steps bit for bit.
     */
    @Test
    void diskCachedBlocksAwayFromTheTaskAreRebuiltFromTheInputWithTheSameBits() throws IOException {
        JavaSparkContext context = context(false);
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        List<ExampleBlock> blocks = SyntheticData.blocks(3, 100, 12, 4, false, 6);
        CachedExamples inMemory = LocalSpark.cache(context, blocks, 2);
        CachedExamples onDisk = LocalSpark.cache(context, blocks, 2, BlockCache.DISK);
        Path featureFiles = Path.of(SparkFiles.getRootDirectory(), "spark-backprop-features");
        try (Stream<Path> files = Files.list(featureFiles)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        DistributedSource jobs = new DistributedSource(context, inMemory, BATCH);
        try (LogCapture log = LogCapture.start();
             ResidentSource resident = assertInstanceOf(ResidentSource.class, ResidentSource.open(context, onDisk, BATCH,
                     architecture, new DistributedSource(context, onDisk, BATCH), BlockCache.DISK, Exchange.STAR))) {
            assertResidentEpochIsTheJobEpoch(resident, jobs, architecture, 3);
            assertEquals(2, log.lines().stream().filter(line -> line.contains("are on another executor: rebuilding them"
                    + " here from the input")).count(), log.lines().toString());
        } finally {
            inMemory.release();
            onDisk.release();
        }
    }

    /**
     * One epoch of steps of 100 examples on {@code resident}, then the same steps on {@code jobs},
     * from the same weights (drawn, and the order, with {@code seed}): every step ran on the
     * resident tasks, and the two end with the same bits.
     */
    private static void assertResidentEpochIsTheJobEpoch(ResidentSource resident, DistributedSource jobs,
                                                         Architecture architecture, long seed) {
        Parameters viaJobs = Initialization.NORMAL.initialize(architecture, seed);
        Parameters viaResident = viaJobs.copy();
        GradientDescent descent = new GradientDescent(0.5);
        EpochOrder order = new EpochOrder(seed, 0, 100);
        for (long step = 0; step < order.batchCount(BATCH); step++) {
            descent.apply(resident.sumGradients(viaResident, order.batch(step, BATCH)), viaResident);
            assertNotNull(resident.lastStep(), "the step ran on the resident tasks");
        }
        resident.epochStepsDone();
        for (long step = 0; step < order.batchCount(BATCH); step++) {
            descent.apply(jobs.sumGradients(viaJobs, order.batch(step, BATCH)), viaJobs);
        }
        assertTrue(viaJobs.bitwiseEquals(viaResident));
    }

    /**
     * Strangers on the resident port (one holding a silent connection, one sending garbage, one
     * without the secret) while a stage starts and runs: the steps stay resident, equal the job
     * steps bit for bit, and the tasks are let in without waiting behind the strangers.
     */
    @Test
    void strangersOnTheResidentPortChangeNothing() throws Exception {
        JavaSparkContext context = context(false);
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 2);
        DistributedSource jobs = new DistributedSource(context, cached, BATCH);
        List<Socket> strangers = new ArrayList<>();
        try (ResidentSource resident = assertInstanceOf(ResidentSource.class,
                ResidentSource.open(context, cached, BATCH, architecture, jobs, BlockCache.MEMORY, Exchange.STAR))) {
            strangers.add(new Socket("127.0.0.1", resident.port()));
            Socket garbage = new Socket("127.0.0.1", resident.port());
            garbage.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            strangers.add(garbage);
            CompletableFuture<Integer> withoutSecret = CompletableFuture.supplyAsync(() -> {
                try (Socket socket = new Socket("127.0.0.1", resident.port())) {
                    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    ResidentProtocol.writeHello(out, new ResidentProtocol.Hello(0, 0, 0, 0),
                            new byte[ResidentProtocol.NONCE_BYTES]);
                    in.readFully(new byte[ResidentProtocol.NONCE_BYTES + ChannelKeys.PROOF_BYTES]);
                    out.write(new byte[ChannelKeys.PROOF_BYTES]);
                    out.flush();
                    return in.read();
                } catch (IOException e) {
                    return -2;
                }
            });
            Parameters viaJobs = Initialization.NORMAL.initialize(architecture, 1);
            Parameters viaResident = viaJobs.copy();
            GradientDescent descent = new GradientDescent(0.5);
            EpochOrder order = new EpochOrder(1, 0, 100);
            long started = System.nanoTime();
            for (long step = 0; step < order.batchCount(BATCH); step++) {
                descent.apply(resident.sumGradients(viaResident, order.batch(step, BATCH)), viaResident);
                assertNotNull(resident.lastStep(), "the step ran on the resident tasks");
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            resident.epochStepsDone();
            for (long step = 0; step < order.batchCount(BATCH); step++) {
                descent.apply(jobs.sumGradients(viaJobs, order.batch(step, BATCH)), viaJobs);
            }
            assertTrue(viaJobs.bitwiseEquals(viaResident));
            assertEquals(1, resident.stagesStarted());
            assertTrue(millis < ResidentProtocol.HANDSHAKE_MILLIS, "the stage waited " + millis + " ms behind strangers");
            assertTrue(withoutSecret.get() < 0, "the driver closed the connection without the secret's proof");
        } finally {
            for (Socket stranger : strangers) {
                stranger.close();
            }
            cached.release();
        }
    }

    /** Set while the next resident stage's tasks are to be lost: partition 0's goes silent, partition 1's fails. */
    private static final AtomicBoolean LOSE_NEXT_STAGE = new AtomicBoolean();
    /** Set when a silent task may end. */
    private static final AtomicBoolean RELEASE_SILENT = new AtomicBoolean();

    /**
     * A peer that stops answering mid-epoch without closing its connection (a host lost without a
     * TCP reset): partition 0's task goes silent, and stays so when Spark kills it, while partition
     * 1's fails, so that Spark fails the stage. The driver, waiting on partition 0, hears of the
     * failure from Spark and starts the stage again at once instead of waiting out its timeout
     * (120 s here); the step is the job step.
     */
    @ParameterizedTest(name = "in JVM {0}")
    @ValueSource(booleans = {true, false})
    void aPeerThatFallsSilentMidEpochIsNoticedWhenSparkFailsTheStage(boolean inJvm) throws Exception {
        JavaSparkContext context = LocalSpark.context("local[3]", Map.of(ResidentSource.IN_JVM, Boolean.toString(inJvm),
                ResidentSource.TIMEOUT, "120s"));
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 2);
        // the task connects, then reads its blocks: that is where it goes silent or fails, after connecting
        CachedExamples losable = losable(cached);
        DistributedSource jobs = new DistributedSource(context, losable, BATCH);
        try (LogCapture log = LogCapture.start();
             ResidentSource resident = assertInstanceOf(ResidentSource.class,
                     ResidentSource.open(context, losable, BATCH, architecture, jobs, BlockCache.MEMORY, Exchange.STAR))) {
            Parameters parameters = Initialization.NORMAL.initialize(architecture, 4);
            long[] batch = new EpochOrder(4, 0, 100).batch(0, BATCH);
            Gradients expected = jobs.sumGradients(parameters, batch);
            LOSE_NEXT_STAGE.set(true);
            long started = System.nanoTime();
            Gradients sums = resident.sumGradients(parameters, batch);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertNotNull(resident.lastStep(), "the step ran on the resident tasks");
            assertEquals(2, resident.stagesStarted(), "the lost stage was started again");
            assertEquals(Double.doubleToRawLongBits(expected.lossSum()), Double.doubleToRawLongBits(sums.lossSum()));
            Parameters viaJobs = parameters.copy();
            new GradientDescent(1.0).apply(expected, viaJobs);
            new GradientDescent(1.0).apply(sums, parameters);
            assertTrue(viaJobs.bitwiseEquals(parameters));
            assertTrue(millis < 30_000, "the driver noticed the failed stage after " + millis + " ms");
            assertTrue(log.lines().stream().anyMatch(line -> line.startsWith("WARN " + ResidentSource.class.getName()
                    + ": resident tasks lost at epoch 0, step 0/0 (the task of partition 1 ended (java.lang.IllegalStateException:"
                    + " partition 1 lost") && line.endsWith("; starting them again for this step")), log.lines().toString());
        } finally {
            LOSE_NEXT_STAGE.set(false);
            RELEASE_SILENT.set(true);
            cached.release();
            LocalSpark.stop();
            RELEASE_SILENT.set(false);
        }
    }

    /** How many of the next resident stages fail: their task of partition 0 fails at its first look at its blocks. */
    private static final AtomicInteger FAIL_NEXT_STAGES = new AtomicInteger();

    /**
     * Two stages in a row that fail before their first step (the second started at once, as after
     * a loss that raced its replacement): the steps run as jobs for a pause of 1 s, and then are
     * resident again, each change in one line; every step is the job step, bit for bit.
     */
    @Test
    void stagesThatFailAreTriedAgainAfterAPauseAndTheStepsComeBack() throws Exception {
        JavaSparkContext context = context(true);
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 2);
        CachedExamples losable = losable(cached);
        DistributedSource jobs = new DistributedSource(context, losable, BATCH);
        try (LogCapture log = LogCapture.start();
             ResidentSource resident = assertInstanceOf(ResidentSource.class,
                     ResidentSource.open(context, losable, BATCH, architecture, jobs, BlockCache.MEMORY, Exchange.STAR))) {
            FAIL_NEXT_STAGES.set(2);
            Parameters start = Initialization.NORMAL.initialize(architecture, 8);
            Parameters viaResident = start.copy();
            GradientDescent descent = new GradientDescent(0.5);
            List<long[]> batches = new ArrayList<>();
            List<Parameters> afterEach = new ArrayList<>();
            long started = System.nanoTime();
            for (int epoch = 1; resident.stagesStarted() < 3; epoch++) {
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30), "still not resident after 30 s");
                EpochOrder order = new EpochOrder(8, epoch, 100);
                for (long step = 0; step < order.batchCount(BATCH); step++) {
                    resident.stepStarting(epoch, step + 1, order.batchCount(BATCH));
                    batches.add(order.batch(step, BATCH));
                    descent.apply(resident.sumGradients(viaResident, batches.get(batches.size() - 1)), viaResident);
                    afterEach.add(viaResident.copy());
                }
            }
            assertNotNull(resident.lastStep(), "the last step ran on the resident tasks");
            resident.epochStepsDone();
            // the job steps after the resident ones: a running resident stage holds the cores a job needs
            Parameters viaJobs = start.copy();
            for (int i = 0; i < batches.size(); i++) {
                descent.apply(jobs.sumGradients(viaJobs, batches.get(i)), viaJobs);
                assertTrue(afterEach.get(i).bitwiseEquals(viaJobs), "step " + i);
            }
            List<String> lines = log.lines().stream()
                    .filter(line -> line.replaceFirst("^[A-Z]+ ", "").startsWith(ResidentSource.class.getName() + ": ")).toList();
            assertEquals(3, lines.size(), lines.toString());
            // the failed task's end, or its partner's, killed as Spark fails the stage: whichever Spark reports first
            String failed = " \\(the task of partition (0 ended \\(java\\.lang\\.IllegalStateException: partition 0 failed\\)"
                    + "|1 ended \\(killed: [^()]*the task of partition 0 failed\\))\\); ";
            String prefix = "WARN " + ResidentSource.class.getName().replace(".", "\\.") + ": resident tasks lost at epoch 1, step 1/2";
            assertTrue(lines.get(0).matches(prefix + failed + "starting them again for this step"), lines.get(0));
            assertTrue(lines.get(1).matches(prefix + failed + "the steps run as Spark jobs, and the driver starts them again"
                    + " in 1 s"), lines.get(1));
            assertTrue(lines.get(2).matches("INFO " + ResidentSource.class.getName().replace(".", "\\.") + ": resident"
                    + " steps from epoch [0-9]+, step [12]/2, [0-9.]+ s after the first step \\(([0-9]+ steps ran as Spark jobs|1 step"
                    + " ran as a Spark job) meanwhile\\)"), lines.get(2));
        } finally {
            FAIL_NEXT_STAGES.set(0);
            cached.release();
        }
    }

    /**
     * Stages that keep failing are given up after spark.backprop.resident.maxFailures of them in a
     * row, in one line, and the remaining steps run as jobs: no stage is started after that.
     */
    @Test
    void stagesThatKeepFailingAreGivenUpAfterTheLimitInOneLine() throws Exception {
        JavaSparkContext context = LocalSpark.context("local[2]", Map.of(Restarts.MAX_FAILURES, "3"));
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 2);
        CachedExamples losable = losable(cached);
        DistributedSource jobs = new DistributedSource(context, losable, BATCH);
        try (LogCapture log = LogCapture.start();
             ResidentSource resident = assertInstanceOf(ResidentSource.class,
                     ResidentSource.open(context, losable, BATCH, architecture, jobs, BlockCache.MEMORY, Exchange.STAR))) {
            FAIL_NEXT_STAGES.set(1_000);
            Parameters viaResident = Initialization.NORMAL.initialize(architecture, 9);
            Parameters viaJobs = viaResident.copy();
            GradientDescent descent = new GradientDescent(0.5);
            long started = System.nanoTime();
            EpochOrder order = new EpochOrder(9, 0, 100);
            // the third failure comes after the pause of 1 s that followed the second
            while (System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(1_500)) {
                resident.stepStarting(1, 1, 1);
                descent.apply(resident.sumGradients(viaResident, order.batch(0, BATCH)), viaResident);
                descent.apply(jobs.sumGradients(viaJobs, order.batch(0, BATCH)), viaJobs);
                assertTrue(viaJobs.bitwiseEquals(viaResident));
            }
            assertEquals(3, resident.stagesStarted());
            List<String> lines = log.lines().stream()
                    .filter(line -> line.replaceFirst("^[A-Z]+ ", "").startsWith(ResidentSource.class.getName() + ": ")).toList();
            assertEquals(3, lines.size(), lines.toString());
            assertTrue(lines.get(2).matches("WARN " + ResidentSource.class.getName().replace(".", "\\.") + ": resident"
                    + " tasks lost at epoch 1, step 1/1 \\(the task of partition (0 ended \\(java\\.lang\\.IllegalStateException:"
                    + " partition 0 failed\\)|1 ended \\(killed: [^()]*the task of partition 0 failed\\))\\); 3 resident stages"
                    + " in a row failed \\(spark\\.backprop\\.resident\\.maxFailures\\): the remaining steps run as Spark"
                    + " jobs"), lines.get(2));
        } finally {
            FAIL_NEXT_STAGES.set(0);
            cached.release();
            LocalSpark.stop();
        }
    }

    /** {@code cached}'s blocks read through {@link LosableBlocks}. */
    private static CachedExamples losable(CachedExamples cached) {
        return new CachedExamples("losable", cached.blocks().mapPartitionsWithIndex(LosableBlocks::new, true),
                cached.exampleCount(), cached.featureCount(), cached.targetCount());
    }

    /** A partition's blocks, lost when asked: at the first look, which the task makes after it connected. */
    private static final class LosableBlocks implements Iterator<ExampleBlock> {
        private final int partition;
        private final Iterator<ExampleBlock> blocks;
        private boolean first = true;

        LosableBlocks(int partition, Iterator<ExampleBlock> blocks) {
            this.partition = partition;
            this.blocks = blocks;
        }

        @Override
        public boolean hasNext() {
            if (first) {
                first = false;
                loseIfAsked(partition);
            }
            return blocks.hasNext();
        }

        @Override
        public ExampleBlock next() {
            return blocks.next();
        }
    }

    private static void loseIfAsked(int partition) {
        // resident tasks only: the barrier stage's, not the job steps'
        if (partition == 0 && org.apache.spark.TaskContext.get() instanceof org.apache.spark.BarrierTaskContext
                && FAIL_NEXT_STAGES.getAndUpdate(stages -> Math.max(0, stages - 1)) > 0) {
            throw new IllegalStateException("partition 0 failed");
        }
        if (LOSE_NEXT_STAGE.get() && partition == 0) {
            while (!RELEASE_SILENT.get()) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException deafToKills) {
                    // a lost host does not hear Spark's kill either
                }
            }
        } else if (LOSE_NEXT_STAGE.get()) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOSE_NEXT_STAGE.set(false);
            throw new IllegalStateException("partition 1 lost");
        }
    }

    /**
     * A task of an in-JVM stage that has closed (it came after the stage started, or after the
     * driver gave the stage up) fails at once: it does not open a socket that nobody serves.
     */
    @Test
    void aLateTaskOfAClosedInJvmStageFailsAtOnce() throws Exception {
        JavaSparkContext context = LocalSpark.context();
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 1);
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        try (ServerSocket nobodyServes = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            ResidentTask late = new ResidentTask("a closed stage", 1, "127.0.0.1", nobodyServes.getLocalPort(),
                    new byte[32], false, architecture, BATCH, Kernel.EJML, 60_000, 120_000, 1, false, null, null);
            CompletableFuture<Long> job = CompletableFuture.supplyAsync(() -> cached.blocks().rdd()
                    .mapPartitions(late, false, scala.reflect.ClassTag$.MODULE$.apply(Object.class)).count());
            ExecutionException failed = assertThrows(ExecutionException.class, () -> job.get(20, TimeUnit.SECONDS));
            assertTrue(String.valueOf(failed.getCause().getMessage()).contains("resident stage a closed stage has closed;"
                    + " this task of partition 0 (stage attempt 0, task attempt 0) came too late"), failed.getCause().getMessage());
        } finally {
            cached.release();
        }
    }

    /** A task waiting in its handshake (a driver that accepts and never answers) ends when Spark kills it. */
    @Test
    void aTaskInItsHandshakeEndsWhenSparkKillsIt() throws Exception {
        JavaSparkContext context = LocalSpark.context();
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 1);
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        TaskEnds ends = new TaskEnds();
        context.sc().addSparkListener(ends);
        try (ServerSocket neverAnswers = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            ResidentTask task = new ResidentTask(null, 1, "127.0.0.1", neverAnswers.getLocalPort(), new byte[32],
                    false, architecture, BATCH, Kernel.EJML, 60_000, 120_000, 1, false, null, null);
            String group = "handshake-kill-test";
            CompletableFuture<Long> job = CompletableFuture.supplyAsync(() -> {
                context.setJobGroup(group, "a task in its handshake", true);
                return cached.blocks().rdd().mapPartitions(task, false,
                        scala.reflect.ClassTag$.MODULE$.apply(Object.class)).count();
            });
            Socket accepted = neverAnswers.accept();
            int before = ends.count.get();
            context.sc().cancelJobGroup(group);
            assertThrows(ExecutionException.class, () -> job.get(20, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (ends.count.get() == before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(before + 1, ends.count.get(), "the killed task ended");
            accepted.close();
        } finally {
            context.sc().removeSparkListener(ends);
            cached.release();
        }
    }

    private static final class TaskEnds extends SparkListener {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            count.incrementAndGet();
        }
    }

    /**
     * As Spark's RPC: the driver listens on {@code spark.driver.bindAddress} and tells the tasks
     * {@code spark.driver.host} (behind NAT, in Docker or on Kubernetes they differ).
     */
    @Test
    void theDriverListensOnTheBindAddressAndAdvertisesTheHost() {
        JavaSparkContext context = LocalSpark.context("local[2]", Map.of(ResidentSource.IN_JVM, "false",
                "spark.driver.host", "localhost", "spark.driver.bindAddress", "127.0.0.1"));
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 2);
        DistributedSource jobs = new DistributedSource(context, cached, BATCH);
        try (ResidentSource resident = assertInstanceOf(ResidentSource.class,
                ResidentSource.open(context, cached, BATCH, architecture, jobs, BlockCache.MEMORY, Exchange.STAR))) {
            assertArrayEquals(new String[] {"localhost", "127.0.0.1"}, resident.addresses());
            Parameters parameters = Initialization.NORMAL.initialize(architecture, 1);
            long[] batch = new EpochOrder(1, 0, 100).batch(0, BATCH);
            double viaResident = resident.sumGradients(parameters, batch).lossSum();
            assertNotNull(resident.lastStep(), "the step ran on the resident tasks");
            resident.epochStepsDone();
            assertEquals(jobs.sumGradients(parameters, batch).lossSum(), viaResident, 0.0);
        } finally {
            cached.release();
            LocalSpark.stop();
        }
    }

    /** Spark's failure of a barrier stage, as the driver quotes it in its one line: without the wrapping. */
    @Test
    void sparkStageFailuresAreQuotedInOneLineWithoutTheirWrapping() {
        assertEquals("the task of partition 0 failed: ExecutorLostFailure (executor 0 exited caused by one of the running"
                + " tasks) Reason: Command exited with code 137", ResidentSource.sparkFailure("Job aborted due to stage"
                + " failure: Could not recover from a failed barrier ResultStage. Most recent failure reason: Stage failed"
                + " because barrier task ResultTask(5, 0) finished unsuccessfully.\nExecutorLostFailure (executor 0 exited"
                + " caused by one of the running tasks) Reason: Command exited with code 137\nDriver stacktrace:\n\tat x"));
        assertEquals("Task 1 in stage 3.0 failed 1 times, most recent failure: boom", ResidentSource.sparkFailure(
                "Job aborted due to stage failure: Task 1 in stage 3.0 failed 1 times, most recent failure: boom\n\tat y"));
    }

    @Test
    void morePartitionsThanSlotsRunAsJobs() {
        JavaSparkContext context = LocalSpark.context();
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 3);
        try {
            DistributedSource jobs = new DistributedSource(context, cached, BATCH);
            assertSame(jobs, ResidentSource.open(context, cached, BATCH, architecture, jobs, BlockCache.MEMORY, Exchange.STAR));
            assertEquals("a resident stage runs all 3 partitions' tasks at once, and Spark has 2 task slots (give"
                    + " --partitions 2, or more executor cores)", ResidentSource.unavailable(context, cached));
        } finally {
            cached.release();
        }
    }

    /** Under dynamic allocation a resident stage may have as many tasks as the executors it may grow to have slots. */
    @Test
    void underDynamicAllocationTheSlotsAreThoseTheApplicationMayGrowTo() {
        org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf(false).set("spark.master", "yarn")
                .set("spark.dynamicAllocation.enabled", "true");
        // no maximum: executors come for every pending task
        assertEquals(null, ResidentSource.unavailable(conf, 2, 64));
        conf.set("spark.dynamicAllocation.maxExecutors", "3").set("spark.executor.cores", "2");
        assertEquals(null, ResidentSource.unavailable(conf, 2, 6));
        assertEquals("a resident stage runs all 7 partitions' tasks at once, and dynamic allocation gives at most 6"
                + " task slots (spark.dynamicAllocation.maxExecutors × spark.executor.cores; give --partitions 6)",
                ResidentSource.unavailable(conf, 2, 7));
    }

    /**
     * A stage Spark refuses for want of slots (here, spark.default.parallelism hides that local[2]
     * has 2, as a cluster whose executors have not all come does) falls back to jobs with one line
     * of ours, not Spark's message, and the step is the job step.
     */
    @Test
    void aStageSparkRefusesForWantOfSlotsFallsBackToJobsWithOneLine() {
        Map<String, String> settings = new HashMap<>(SparkDefaults.DEFAULTS);
        settings.put("spark.default.parallelism", "3");
        JavaSparkContext context = LocalSpark.context("local[2]", settings);
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 3);
        try (LogCapture log = LogCapture.start()) {
            DistributedSource jobs = new DistributedSource(context, cached, BATCH);
            GradientSource opened = ResidentSource.open(context, cached, BATCH, architecture, jobs, BlockCache.MEMORY, Exchange.STAR);
            assertInstanceOf(ResidentSource.class, opened, "Spark's count of slots lets it try");
            Parameters parameters = Initialization.SCALED.initialize(architecture, 3);
            long[] batch = new EpochOrder(3, 0, cached.exampleCount()).batch(0, BATCH);
            Gradients expected = jobs.sumGradients(parameters, batch);
            Parameters viaFallback = parameters.copy();
            new GradientDescent(1.0).apply(opened.sumGradients(parameters, batch), viaFallback);
            new GradientDescent(1.0).apply(expected, parameters);
            assertTrue(viaFallback.bitwiseEquals(parameters));
            List<String> warnings = log.lines().stream().filter(line -> !line.startsWith("INFO") && !line.startsWith("DEBUG"))
                    .toList();
            assertEquals(List.of("WARN org.sparkbackprop.spark.resident.ResidentSource: resident tasks cannot start at"
                    + " epoch 0, step 0/0: the steps run as Spark jobs until Spark has 3 task slots (it has 2: an executor"
                    + " is lost, or not yet registered)"), warnings);
        } finally {
            cached.release();
            LocalSpark.stop();
        }
    }
}
