package org.sparkbackprop.spark.resident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.testing.LogCapture;

/**
 * The driver's door under a hostile or broken network, with real sockets on 127.0.0.1 and the
 * task side of the handshake as {@link ResidentTask} speaks it: a connection that sends nothing
 * and one that sends garbage hold up neither the tasks nor the start deadline; a second task for
 * a partition is refused, a newer stage attempt replaces an older one, and a recorded proof, a
 * proof for another partition or a task of another stage gets nobody in.
 */
class AdmissionTest {
    private static final long STAGE = 0x1234_5678_9ABCL;
    private static final Architecture ARCHITECTURE = new Architecture(new int[] {3, 2}, Activation.SIGMOID,
            Output.SOFTMAX);
    private static final int CAPACITY = 8;
    private static final byte[] SPARK_SECRET = "the application's secret".getBytes(StandardCharsets.UTF_8);
    private final byte[] secret = new byte[32];
    private final List<Socket> clients = new ArrayList<>();
    private ServerSocket server;
    private Admission admission;

    @BeforeEach
    void open() throws IOException {
        new Random(7).nextBytes(secret);
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        admission = new Admission(server, keys(SPARK_SECRET), ARCHITECTURE, CAPACITY);
    }

    @AfterEach
    void close() throws IOException {
        admission.close();
        server.close();
        for (Socket client : clients) {
            client.close();
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        socket.setSoTimeout(20_000);
        clients.add(socket);
        return socket;
    }

    /** Sealed keys of this run, with Spark's application secret {@code sparkSecret}. */
    private ChannelKeys keys(byte[] sparkSecret) {
        return new ChannelKeys(secret, sparkSecret, true);
    }

    /** A task's side of the handshake; returns null when admitted, else what the driver answered or did. */
    private String handshake(ResidentProtocol.Hello hello) {
        return handshake(hello, keys(SPARK_SECRET));
    }

    private String handshake(ResidentProtocol.Hello hello, ChannelKeys keys) {
        try {
            ResidentChannel.Connection connection = new ResidentChannel.Connection(connect());
            connection.expect("the driver", 20_000, ResidentChannel.Watch.NONE);
            ResidentTask.handshake(connection, keys, hello, ResidentProtocol.maxMessageBytes(ARCHITECTURE, CAPACITY));
            return null;
        } catch (IOException e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static CompletableFuture<String> async(java.util.function.Supplier<String> task) {
        return CompletableFuture.supplyAsync(task);
    }

    private CompletableFuture<Admission.Admitted> await(int partitions, long startMillis) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return admission.await(STAGE, partitions, null, startMillis, ResidentChannel.Watch.NONE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Whether the driver closed {@code socket} (a read ends) within {@code millis}. */
    private static boolean closedWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (socket.getInputStream().read() >= 0) {
                // the challenge, when the stranger's bytes parsed as a hello: read past it
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }

    @Test
    void aSilentConnectionAndAGarbageSenderHoldUpNoTask() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            Socket silent = connect();
            Socket garbage = connect();
            byte[] noise = new byte[4096];
            new Random(3).nextBytes(noise);
            garbage.getOutputStream().write(noise);
            long started = System.nanoTime();
            CompletableFuture<Admission.Admitted> admitted = await(2, 30_000);
            Thread.sleep(200);
            CompletableFuture<String> task0 = async(() -> handshake(new ResidentProtocol.Hello(STAGE, 0, 0, 0)));
            CompletableFuture<String> task1 = async(() -> handshake(new ResidentProtocol.Hello(STAGE, 1, 0, 0)));
            Admission.Admitted stage = admitted.get(20, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertNull(task0.get());
            assertNull(task1.get());
            assertNotNull(stage.channels()[0]);
            assertNotNull(stage.channels()[1]);
            assertTrue(millis < ResidentProtocol.HANDSHAKE_MILLIS, "the tasks waited " + millis + " ms behind strangers");
            assertTrue(closedWithin(garbage, 2_000), "garbage is refused at once");
            assertTrue(closedWithin(silent, ResidentProtocol.HANDSHAKE_MILLIS + 2_000),
                    "a silent connection is dropped at the handshake deadline");
            List<String> refused = log.lines().stream().filter(line -> line.startsWith("WARN")).toList();
            assertEquals(2, refused.size(), refused.toString());
            assertTrue(refused.stream().anyMatch(line -> line.endsWith("not a resident task of spark-backprop")), refused.toString());
            assertTrue(refused.stream().anyMatch(line -> line.endsWith("no handshake within 5 s")), refused.toString());
            for (ResidentChannel.DriverEnd channel : stage.channels()) {
                channel.close();
            }
        }
    }

    @Test
    void theStartDeadlineHoldsWhileAConnectionIsSilent() throws Exception {
        connect();
        long started = System.nanoTime();
        IOException failure = assertThrows(IOException.class, () -> admission.await(STAGE, 1, null, 1_000,
                ResidentChannel.Watch.NONE));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals("only 0 of 1 tasks started within 1 s (fewer free task slots than partitions?)", failure.getMessage());
        assertTrue(millis < 2_000, "the start deadline of 1 s held only after " + millis + " ms");
    }

    @Test
    void theStageEndingEndsTheWait() {
        IOException failure = assertThrows(IOException.class, () -> admission.await(STAGE, 1, null, 30_000, () -> {
            throw new IOException("the stage failed");
        }));
        assertEquals("the stage failed", failure.getMessage());
    }

    @Test
    void aSecondTaskForAPartitionIsRefusedAndANewerAttemptReplacesTheOlder() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            CompletableFuture<Admission.Admitted> admitted = await(2, 30_000);
            assertNull(handshake(new ResidentProtocol.Hello(STAGE, 0, 0, 0)));
            assertEquals("the driver refused the resident task: partition 0 already has its task (stage attempt 0,"
                    + " task attempt 0)", handshake(new ResidentProtocol.Hello(STAGE, 0, 0, 1)));
            // Spark started the stage again: attempt 1's tasks take the places of attempt 0's
            Socket attempt0 = clients.get(0);
            assertNull(handshake(new ResidentProtocol.Hello(STAGE, 0, 1, 0)));
            assertTrue(closedWithin(attempt0, 2_000), "the older attempt's task is let go");
            assertEquals("the driver refused the resident task: stage attempt 0 was replaced by attempt 1",
                    handshake(new ResidentProtocol.Hello(STAGE, 1, 0, 0)));
            assertNull(handshake(new ResidentProtocol.Hello(STAGE, 1, 1, 0)));
            Admission.Admitted stage = admitted.get(20, TimeUnit.SECONDS);
            assertEquals(1, stage.stageAttempt());
            assertEquals(2, log.lines().stream().filter(line -> line.startsWith("WARN")).count(), log.lines().toString());
            for (ResidentChannel.DriverEnd channel : stage.channels()) {
                channel.close();
            }
        }
    }

    @Test
    void aRecordedProofAnotherPartitionsProofOrAnotherStageGetsNobodyIn() throws Exception {
        CompletableFuture<Admission.Admitted> admitted = await(1, 30_000);
        ResidentProtocol.Hello hello = new ResidentProtocol.Hello(STAGE, 0, 0, 0);
        byte[] helloBytes = ResidentProtocol.helloBytes(hello);
        ChannelKeys keys = keys(SPARK_SECRET);
        // a proof seen on the wire answered that connection's nonces; replayed on a new connection it fails
        byte[] recordedTaskNonce = new byte[ResidentProtocol.NONCE_BYTES];
        byte[] recordedProof = keys.taskProof(recordedTaskNonce, new byte[ResidentProtocol.NONCE_BYTES], helloBytes);
        assertTrue(refusedWithProof(hello, recordedTaskNonce, driverNonce -> recordedProof));
        // a proof made for partition 1 does not let a task in as partition 0
        byte[] otherHello = ResidentProtocol.helloBytes(new ResidentProtocol.Hello(STAGE, 1, 0, 0));
        assertTrue(refusedWithProof(hello, recordedTaskNonce,
                driverNonce -> keys.taskProof(recordedTaskNonce, driverNonce, otherHello)));
        // the driver's own proof, sent back, is not the task's
        assertTrue(refusedWithProof(hello, recordedTaskNonce,
                driverNonce -> keys.driverProof(recordedTaskNonce, driverNonce, helloBytes)));
        // with the run's secret but not Spark's, a task is a stranger: it cannot even check the driver's proof
        assertEquals("what answers on the driver's port does not know this run's secret: not this run's driver",
                handshake(hello, keys("another application's secret".getBytes(StandardCharsets.UTF_8))));
        assertEquals("the driver refused the resident task: it belongs to an earlier stage",
                handshake(new ResidentProtocol.Hello(STAGE + 1, 0, 0, 0)));
        assertNull(handshake(hello));
        Admission.Admitted stage = admitted.get(20, TimeUnit.SECONDS);
        stage.channels()[0].close();
    }

    /**
     * Whether a handshake for {@code hello} with {@code taskNonce}, whose proof {@code prover}
     * makes from the driver's nonce, is closed without admission.
     */
    private boolean refusedWithProof(ResidentProtocol.Hello hello, byte[] taskNonce,
                                     java.util.function.UnaryOperator<byte[]> prover) throws IOException {
        Socket socket = connect();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        ResidentProtocol.writeHello(out, hello, taskNonce);
        byte[] driverNonce = ResidentProtocol.readNonce(in);
        in.readFully(new byte[ChannelKeys.PROOF_BYTES]);
        out.write(prover.apply(driverNonce));
        out.flush();
        return in.read() < 0;
    }

    /** A stranger listening where the driver should be gets nothing from a task beyond its hello. */
    @Test
    void aTaskTellsAStrangerOnTheDriversPortAndSendsItNothing() throws Exception {
        try (ServerSocket stranger = new ServerSocket()) {
            stranger.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Integer> afterHello = CompletableFuture.supplyAsync(() -> {
                try (Socket task = stranger.accept()) {
                    DataInputStream in = new DataInputStream(task.getInputStream());
                    in.readFully(new byte[ResidentProtocol.helloBytes(new ResidentProtocol.Hello(0, 0, 0, 0)).length
                            + ResidentProtocol.NONCE_BYTES]);
                    // a challenge with a made-up proof
                    task.getOutputStream().write(new byte[ResidentProtocol.NONCE_BYTES + ChannelKeys.PROOF_BYTES]);
                    task.setSoTimeout(10_000);
                    return in.read();
                } catch (IOException e) {
                    return -2;
                }
            });
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), stranger.getLocalPort());
            clients.add(socket);
            ResidentChannel.Connection connection = new ResidentChannel.Connection(socket);
            connection.expect("the driver", 20_000, ResidentChannel.Watch.NONE);
            IOException refused = assertThrows(IOException.class, () -> ResidentTask.handshake(connection,
                    keys(SPARK_SECRET), new ResidentProtocol.Hello(STAGE, 0, 0, 0), 1024));
            assertEquals("what answers on the driver's port does not know this run's secret: not this run's driver",
                    refused.getMessage());
            connection.close();
            assertTrue(afterHello.get(20, TimeUnit.SECONDS) < 0, "the task sent no proof to the stranger");
        }
    }
}
