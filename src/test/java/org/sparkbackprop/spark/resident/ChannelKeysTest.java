package org.sparkbackprop.spark.resident;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;

/**
 * A sealed channel on real sockets, with the frames captured between the two ends and delivered
 * as they were, altered, replayed, reordered or sent back: only the untouched frames in their
 * order are read, and everything else ends the connection with one line.
 */
class ChannelKeysTest {
    private static final Architecture ARCHITECTURE = new Architecture(new int[] {6, 4, 3}, Activation.SIGMOID,
            Output.SOFTMAX);
    private static final int CAPACITY = 4;
    private static final int MAX_MESSAGE = ResidentProtocol.maxMessageBytes(ARCHITECTURE, CAPACITY);
    private final byte[] runSecret = new byte[32];
    private final byte[] taskNonce = new byte[ResidentProtocol.NONCE_BYTES];
    private final byte[] driverNonce = new byte[ResidentProtocol.NONCE_BYTES];
    private final List<AutoCloseable> open = new ArrayList<>();

    ChannelKeysTest() {
        Random random = new Random(11);
        random.nextBytes(runSecret);
        random.nextBytes(taskNonce);
        random.nextBytes(driverNonce);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private ChannelKeys keys() {
        return new ChannelKeys(runSecret, "the application's secret".getBytes(StandardCharsets.UTF_8), true);
    }

    /** Two connected sockets on 127.0.0.1: [ours, theirs]. */
    private Socket[] socketPair() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket ours = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket theirs = server.accept();
            open.add(ours);
            open.add(theirs);
            return new Socket[] {ours, theirs};
        }
    }

    /** A sealed end of a connection, the driver's or the task's, whose other socket the test reads or writes raw. */
    private ResidentChannel.Connection sealedEnd(Socket socket, boolean driverSide) throws IOException {
        ResidentChannel.Connection connection = new ResidentChannel.Connection(socket);
        connection.expect("a frame", 5_000, ResidentChannel.Watch.NONE);
        keys().seal(connection, taskNonce, driverNonce, driverSide, MAX_MESSAGE);
        return connection;
    }

    /** The next frame on {@code in}, with its length prefix, as it crossed the wire. */
    private static byte[] captureFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        byte[] frame = new byte[Integer.BYTES + length];
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        in.readFully(frame, Integer.BYTES, length);
        return frame;
    }

    /** Two STEP frames, as the driver sealed them, and the weights of the first. */
    private record Captured(byte[] first, byte[] second, Parameters weights) {
    }

    private Captured captureTwoSteps() throws IOException {
        Socket[] pair = socketPair();
        ResidentChannel.Connection driver = sealedEnd(pair[0], true);
        Parameters weights = Initialization.NORMAL.initialize(ARCHITECTURE, 5);
        driver.out.write(ResidentProtocol.step(1, new long[] {0, 2}, weights));
        driver.out.flush();
        driver.out.write(ResidentProtocol.step(2, new long[] {1}, weights));
        driver.out.flush();
        DataInputStream wire = new DataInputStream(pair[1].getInputStream());
        return new Captured(captureFrame(wire), captureFrame(wire), weights);
    }

    /** A task's end that reads {@code frames} as the network delivered them. */
    private ResidentChannel.Connection taskReading(byte[]... frames) throws IOException {
        Socket[] pair = socketPair();
        for (byte[] frame : frames) {
            pair[1].getOutputStream().write(frame);
        }
        pair[1].getOutputStream().flush();
        return sealedEnd(pair[0], false);
    }

    private static ResidentProtocol.Step readStep(ResidentChannel.Connection task) throws IOException {
        return ResidentProtocol.readStepOrStop(task.in, CAPACITY, new Parameters(ARCHITECTURE), false);
    }

    @Test
    void untouchedFramesAreReadInOrder() throws IOException {
        Captured captured = captureTwoSteps();
        ResidentChannel.Connection task = taskReading(captured.first(), captured.second());
        Parameters weights = new Parameters(ARCHITECTURE);
        ResidentProtocol.Step first = ResidentProtocol.readStepOrStop(task.in, CAPACITY, weights, false);
        assertEquals(1, first.step());
        assertArrayEquals(new long[] {0, 2}, first.sortedBatch());
        assertTrue(weights.bitwiseEquals(captured.weights()));
        assertEquals(2, readStep(task).step());
        assertFalse(containsWeights(captured.first(), captured.weights()), "the weights cross encrypted");
    }

    @Test
    void anAlteredFrameIsRefused() throws IOException {
        Captured captured = captureTwoSteps();
        byte[] altered = captured.first().clone();
        altered[altered.length / 2] ^= 1;
        ResidentChannel.Connection task = taskReading(altered);
        IOException refused = assertThrows(IOException.class, () -> readStep(task));
        assertEquals("message 0 on this connection failed its integrity check (altered, replayed, reordered, or not"
                + " sealed with this run's keys)", refused.getMessage());
    }

    @Test
    void aReplayedFrameIsRefused() throws IOException {
        Captured captured = captureTwoSteps();
        ResidentChannel.Connection task = taskReading(captured.first(), captured.first());
        assertEquals(1, readStep(task).step());
        IOException refused = assertThrows(IOException.class, () -> readStep(task));
        assertTrue(refused.getMessage().startsWith("message 1 on this connection failed its integrity check"),
                refused.getMessage());
    }

    @Test
    void aDroppedOrReorderedFrameIsRefused() throws IOException {
        Captured captured = captureTwoSteps();
        ResidentChannel.Connection task = taskReading(captured.second(), captured.first());
        IOException refused = assertThrows(IOException.class, () -> readStep(task));
        assertTrue(refused.getMessage().startsWith("message 0 on this connection failed its integrity check"),
                refused.getMessage());
    }

    /** A frame the driver sent, sent back to the driver as if from the task, fails: each direction has its key. */
    @Test
    void aFrameSentBackTheOtherWayIsRefused() throws IOException {
        Captured captured = captureTwoSteps();
        Socket[] pair = socketPair();
        pair[1].getOutputStream().write(captured.first());
        ResidentChannel.Connection driver = sealedEnd(pair[0], true);
        IOException refused = assertThrows(IOException.class,
                () -> ResidentProtocol.readSums(driver.in, 1, ARCHITECTURE));
        assertTrue(refused.getMessage().startsWith("message 0 on this connection failed its integrity check"),
                refused.getMessage());
    }

    @Test
    void aFrameLongerThanAnyMessageOfTheRunIsRefusedBeforeItIsRead() throws IOException {
        byte[] header = {0x7f, 0, 0, 0};
        ResidentChannel.Connection task = taskReading(header);
        IOException refused = assertThrows(IOException.class, () -> readStep(task));
        assertEquals("a sealed frame of 2130706432 bytes, where this run's are 28 to " + (MAX_MESSAGE + 28),
                refused.getMessage());
    }

    /** Whether the 8 raw bytes of the first weight appear in {@code frame}. */
    private static boolean containsWeights(byte[] frame, Parameters weights) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        weights.writeValues(new java.io.DataOutputStream(raw));
        byte[] first = Arrays.copyOf(raw.toByteArray(), 8);
        for (int i = 0; i + first.length <= frame.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(frame, i, i + first.length), first)) {
                return true;
            }
        }
        return false;
    }
}
