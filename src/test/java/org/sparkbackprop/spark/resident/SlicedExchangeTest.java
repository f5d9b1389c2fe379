package org.sparkbackprop.spark.resident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.GradientDescent;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.LogCapture;
import org.sparkbackprop.testing.SyntheticData;
import org.sparkbackprop.training.EpochOrder;

/**
 * The sliced exchange over real sockets (local mode with the tasks forced onto them): every step
 * equals the job step bit for bit, and so the star's, on 1 to 4 partitions, for both outputs,
 * through a stage lost mid-epoch; under Spark's authentication and encryption; with auto's
 * measurement choosing. A task's door for its peers refuses strangers.
 */
class SlicedExchangeTest {
    private static final int EXAMPLES = 230;

    @AfterAll
    static void stopSpark() {
        LocalSpark.stop();
    }

    static Stream<Arguments> cases() {
        return Stream.of(1, 2, 3, 4).flatMap(partitions -> Stream.of(Output.values())
                .map(output -> Arguments.of(partitions, output)));
    }

    private static JavaSparkContext context(Map<String, String> extra) {
        Map<String, String> settings = new java.util.HashMap<>(extra);
        settings.put(ResidentSource.IN_JVM, "false");
        return LocalSpark.context("local[4]", settings);
    }

    @ParameterizedTest(name = "{0} partitions, {1}")
    @MethodSource("cases")
    void slicedStepsAreTheJobStepsBitForBitThroughALostStage(int partitions, Output output) throws Exception {
        JavaSparkContext context = context(Map.of());
        // 12·9 + 9 + 9·7 + 7 + 7·4 + 4 = 219 numbers: slices of 219 / P, cutting matrices apart
        Architecture architecture = new Architecture(new int[] {12, 9, 7, 4}, Activation.SIGMOID, output);
        List<ExampleBlock> blocks = SyntheticData.blocks(17, EXAMPLES, 12, 4, output == Output.SIGMOID, 6);
        CachedExamples cached = LocalSpark.cache(context, blocks, partitions);
        DistributedSource jobs = new DistributedSource(context, cached, 64);
        try (ResidentSource resident = assertInstanceOf(ResidentSource.class,
                ResidentSource.open(context, cached, 64, architecture, jobs, BlockCache.MEMORY, Exchange.SLICED))) {
            Trajectory viaJobs = Trajectory.of(jobs, architecture, 64, 2, null);
            Trajectory viaSliced = Trajectory.of(resident, architecture, 64, 2, () -> {
                // Spark kills the resident tasks after the second step: the next step finds them gone
                context.sc().cancelAllJobs();
                Thread.sleep(500);
            });
            viaJobs.assertSameBits(viaSliced);
            assertEquals(viaSliced.steps(), resident.slicedSteps(), "every step ran sliced");
            assertEquals(3, resident.stagesStarted(), "one stage per epoch, and one after the first was lost");
        } finally {
            cached.release();
        }
    }

    /**
     * Slices of several chunks: [300,100,10] (31110 numbers) on 3 partitions, two chunks a slice;
     * [12,910,5] (16385 numbers = 2 · 8192 + 1) on 2, one chunk in slice 0 and two in slice 1.
     */
    @ParameterizedTest(name = "{0} on {1} partitions")
    @MethodSource("chunked")
    void slicesOfSeveralChunksGiveTheSameBits(String sizes, int partitions) throws Exception {
        JavaSparkContext context = context(Map.of());
        int[] layers = java.util.Arrays.stream(sizes.split(",")).mapToInt(Integer::parseInt).toArray();
        Architecture architecture = new Architecture(layers, Activation.RELU, Output.SOFTMAX);
        Slices slices = new Slices(architecture.parameterCount(), partitions);
        assertTrue(slices.maxChunks() == 2, "the slices have several chunks");
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(9, 150, layers[0], layers[layers.length - 1],
                false, 6), partitions);
        DistributedSource jobs = new DistributedSource(context, cached, 32);
        try (ResidentSource resident = assertInstanceOf(ResidentSource.class,
                ResidentSource.open(context, cached, 32, architecture, jobs, BlockCache.MEMORY, Exchange.SLICED))) {
            Trajectory viaSliced = Trajectory.of(resident, architecture, 32, 1, null);
            Trajectory.of(jobs, architecture, 32, 1, null).assertSameBits(viaSliced);
            assertEquals(viaSliced.steps(), resident.slicedSteps());
        } finally {
            cached.release();
        }
    }

    static Stream<Arguments> chunked() {
        return Stream.of(Arguments.of("300,100,10", 3), Arguments.of("12,910,5", 2));
    }

    /** Sealed peer connections under Spark's authentication and encryption: the same bits. */
    @Test
    void underSparkAuthenticationAndEncryptionTheSlicedStepsAreTheJobSteps() throws Exception {
        JavaSparkContext context = context(Map.of("spark.authenticate", "true", "spark.network.crypto.enabled", "true"));
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 3);
        DistributedSource jobs = new DistributedSource(context, cached, 16);
        try (ResidentSource resident = assertInstanceOf(ResidentSource.class,
                ResidentSource.open(context, cached, 16, architecture, jobs, BlockCache.MEMORY, Exchange.SLICED))) {
            assertTrue(resident.sealing());
            Trajectory viaSliced = Trajectory.of(resident, architecture, 16, 1, null);
            Trajectory.of(jobs, architecture, 16, 1, null).assertSameBits(viaSliced);
            assertEquals(viaSliced.steps(), resident.slicedSteps());
        } finally {
            cached.release();
            LocalSpark.stop();
        }
    }

    /**
     * {@code --exchange auto} alternates the two for its first steps, says which it chose and on
     * what measurement, and keeps the bits: they do not depend on the exchange.
     */
    @Test
    void autoMeasuresBothAndChoosesWithoutChangingTheBits() throws Exception {
        JavaSparkContext context = context(Map.of());
        Architecture architecture = new Architecture(new int[] {12, 9, 4}, Activation.TANH, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(5, EXAMPLES, 12, 4, false, 6), 2);
        DistributedSource jobs = new DistributedSource(context, cached, 8);
        try (LogCapture log = LogCapture.start();
             ResidentSource resident = assertInstanceOf(ResidentSource.class,
                     ResidentSource.open(context, cached, 8, architecture, jobs, BlockCache.MEMORY, Exchange.AUTO))) {
            Trajectory viaAuto = Trajectory.of(resident, architecture, 8, 1, null);
            Trajectory.of(jobs, architecture, 8, 1, null).assertSameBits(viaAuto);
            List<String> choices = log.lines().stream().filter(line -> line.contains("--exchange auto: ")).toList();
            assertEquals(1, choices.size(), log.lines().toString());
            assertTrue(choices.get(0).matches("INFO .*: --exchange auto: (sliced|star) \\(\\d+\\.\\d ms a step against"
                    + " \\d+\\.\\d ms for the (star|sliced), medians of 7 steps each\\)"), choices.get(0));
            // the first 2 · (WARM_UP + MEASURED) steps alternate, the rest run the chosen exchange
            long measuredEach = ExchangeChoice.WARM_UP + ExchangeChoice.MEASURED;
            boolean choseSliced = choices.get(0).contains("auto: sliced");
            assertEquals(measuredEach + (choseSliced ? viaAuto.steps() - 2 * measuredEach : 0), resident.slicedSteps());
        } finally {
            cached.release();
        }
    }

    /**
     * A task's door for its peers: a stranger without this run's secret is refused without a
     * word after its wrong proof; a peer with the secret but of another stage is refused saying
     * so; the peer of this stage is let in; and the door closes at its deadline.
     */
    @Test
    void aPeerWithoutTheSecretOrOfAnotherStageIsRefusedAndThePeerLetIn() throws Exception {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        ChannelKeys keys = new ChannelKeys(secret, new byte[0], false);
        ResidentProtocol.Hello mine = new ResidentProtocol.Hello(42, 0, 0, 0);
        java.util.concurrent.atomic.AtomicReferenceArray<ResidentChannel.Connection> accepted =
                new java.util.concurrent.atomic.AtomicReferenceArray<>(2);
        java.net.InetAddress loopback = java.net.InetAddress.getLoopbackAddress();
        try (LogCapture log = LogCapture.start();
             ServerSocket server = new ServerSocket(0, 50, loopback)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            Thread acceptor = new Thread(() -> PeerMesh.accept(server, keys, mine, 1 << 16, accepted, deadline));
            acceptor.start();
            try (Socket stranger = new Socket(loopback, server.getLocalPort())) {
                assertEquals("refused without a word", tryWithoutSecret(stranger));
            }
            try (ResidentChannel.Connection otherStage = new ResidentChannel.Connection(
                    new Socket(loopback, server.getLocalPort()))) {
                IOException refused = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                        () -> ResidentTask.handshake(otherStage, keys, new ResidentProtocol.Hello(41, 1, 0, 0), 1 << 16));
                assertTrue(refused.getMessage().endsWith("it belongs to another stage or stage attempt"),
                        refused.getMessage());
            }
            ResidentChannel.Connection peer = new ResidentChannel.Connection(new Socket(loopback, server.getLocalPort()));
            try (peer) {
                ResidentTask.handshake(peer, keys, new ResidentProtocol.Hello(42, 1, 0, 0), 1 << 16);
                acceptor.join(20_000);
                assertTrue(!acceptor.isAlive(), "the door closes once its peers are in");
                assertNotNull(accepted.get(1), "the peer of this stage is let in");
            } finally {
                if (accepted.get(1) != null) {
                    accepted.get(1).close();
                }
            }
            assertTrue(log.lines().stream().anyMatch(line -> line.startsWith("WARN " + PeerMesh.class.getName())
                    && line.contains("refused a connection from") && line.contains("does not know this run's secret")),
                    log.lines().toString());
        }
    }

    /** A task's handshake without this run's secret: what the task answers to a wrong proof. */
    private static String tryWithoutSecret(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        // a task of the right stage would name it; a stranger guesses
        ResidentProtocol.writeHello(out, new ResidentProtocol.Hello(0, 1, 0, 0), new byte[ResidentProtocol.NONCE_BYTES]);
        in.readFully(new byte[ResidentProtocol.NONCE_BYTES + ChannelKeys.PROOF_BYTES]);
        out.write(new byte[ChannelKeys.PROOF_BYTES]);
        out.flush();
        try {
            int next = in.read();
            return next < 0 ? "refused without a word" : "answered " + next;
        } catch (EOFException | java.net.SocketException closed) {
            return "refused without a word";
        }
    }

    /** What a test does between two steps. */
    @FunctionalInterface
    interface Interruption {
        void run() throws Exception;
    }

    /** The parameters after each step and each step's loss, of {@code epochs} epochs from the same start. */
    private record Trajectory(List<Parameters> parameters, List<Long> losses) {
        static Trajectory of(org.sparkbackprop.training.GradientSource source, Architecture architecture, int batch,
                             int epochs, Interruption afterSecondStep) throws Exception {
            Parameters current = Initialization.NORMAL.initialize(architecture, 5);
            GradientDescent descent = new GradientDescent(0.7);
            List<Parameters> parameters = new ArrayList<>();
            List<Long> losses = new ArrayList<>();
            long examples = source.exampleCount();
            for (int epoch = 0; epoch < epochs; epoch++) {
                EpochOrder order = new EpochOrder(23, epoch, examples);
                for (long step = 0; step < order.batchCount(batch); step++) {
                    Gradients sums = source.sumGradients(current, order.batch(step, batch));
                    if (source instanceof ResidentSource resident) {
                        assertNotNull(resident.lastStep(), "the step ran on the resident tasks");
                    }
                    losses.add(Double.doubleToRawLongBits(sums.lossSum()));
                    descent.apply(sums, current);
                    parameters.add(current.copy());
                    if (epoch == 0 && step == 1 && afterSecondStep != null) {
                        afterSecondStep.run();
                    }
                }
                source.epochStepsDone();
            }
            return new Trajectory(parameters, losses);
        }

        long steps() {
            return parameters.size();
        }

        void assertSameBits(Trajectory other) {
            assertEquals(steps(), other.steps());
            assertEquals(losses, other.losses, "the loss sums of every step");
            for (int step = 0; step < steps(); step++) {
                assertTrue(parameters.get(step).bitwiseEquals(other.parameters.get(step)), "step " + step);
            }
        }
    }
}
