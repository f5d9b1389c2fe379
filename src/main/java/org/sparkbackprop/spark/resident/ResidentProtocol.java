package org.sparkbackprop.spark.resident;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Parameters;

/**
 * Every message between the driver and its resident tasks, each with its writer and its reader
 * side by side, big-endian, every length checked against what this run can send; and every
 * interval the two sides wait by.
 * <pre>
 * task → driver   HELLO      magic, stage, partition, stage attempt, task attempt, the task's nonce (32 random bytes)
 * driver → task   CHALLENGE  the driver's nonce (32 random bytes), the driver's proof
 * task → driver   PROOF      the task's proof                   (proofs: {@link ChannelKeys}; the secrets never cross)
 *                 from here on, on a sealed channel, every message is an AES-GCM frame ({@link ChannelKeys})
 * driver → task   ADMITTED, or REFUSED and why
 * driver → task   STEP       step, batch length ≤ capacity, sorted indices, every weight and bias (8 raw bytes each)
 * task → driver   SUMS       step, 0 (no member of the batch) or 1 and the sums, compute nanoseconds
 * driver → task   STOP
 * </pre>
 * Each nonce is new for every connection, so a recorded proof is worth nothing on another; a
 * proof covers the stage, partition and attempts, so a task cannot claim another's place; and
 * the driver proves itself first, so a task tells a stranger on the driver's port by its
 * challenge and sends it nothing more.
 */
final class ResidentProtocol {
    /** Every wait looks this often at whether the other side is gone: a killed task, a failed stage. */
    static final int POLL_MILLIS = 100;
    /**
     * How long a connection has for its whole handshake on the driver: a few dozen bytes, so a
     * connection that sends nothing, or sends them a byte at a time, is dropped in seconds.
     */
    static final int HANDSHAKE_MILLIS = 5_000;
    /** At most this many handshakes run at once; a connection beyond them is closed at once. */
    static final int MAX_HANDSHAKES = 64;
    /**
     * How long a new stage's tasks have to connect, by default ({@code spark.backprop.resident.startTimeout}).
     * They connect before reading their blocks, so this is the scheduler's time to launch them
     * all: a barrier stage short of slots (an executor lost after its job passed Spark's slot
     * check) waits for them forever, and under dynamic allocation it is the cluster manager's time
     * to start the executors the pending tasks asked for.
     */
    static final int START_MILLIS = 60_000;

    static final int MAGIC = 0x5B4B5052;
    static final int NONCE_BYTES = 32;
    /** The longest refusal reason sent, in characters. */
    private static final int MAX_REASON = 300;

    private static final byte STEP = 1;
    private static final byte STOP = 2;
    private static final byte SUMS = 3;
    private static final byte ADMITTED = 4;
    private static final byte REFUSED = 5;

    private ResidentProtocol() {
    }

    /**
     * Who a connecting task is: a task of resident stage {@code stage} (a random number the driver
     * draws for each stage) serving {@code partition}, in Spark's {@code stageAttempt} and
     * {@code taskAttempt}.
     */
    record Hello(long stage, int partition, int stageAttempt, int taskAttempt) {
        /** Which run of the partition this is, in Spark's words. */
        String attempts() {
            return "stage attempt " + stageAttempt + ", task attempt " + taskAttempt;
        }

        @Override
        public String toString() {
            return "partition " + partition + " (" + attempts() + ")";
        }
    }

    /** HELLO: {@code hello}, then {@code taskNonce}. */
    static void writeHello(DataOutputStream out, Hello hello, byte[] taskNonce) throws IOException {
        out.write(helloBytes(hello));
        out.write(taskNonce);
        out.flush();
    }

    /**
     * Reads a HELLO, refusing what no task of a run with {@code partitions} partitions sends; the
     * task's nonce, which follows, is read by {@link #readNonce}.
     */
    static Hello readHello(DataInputStream in, int partitions) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a resident task of spark-backprop");
        }
        Hello hello = new Hello(in.readLong(), in.readInt(), in.readInt(), in.readInt());
        if (hello.partition() < 0 || hello.partition() >= partitions) {
            throw new IOException("partition " + hello.partition() + " is not one of this run's " + partitions);
        }
        if (hello.stageAttempt() < 0 || hello.taskAttempt() < 0) {
            throw new IOException("a negative attempt number");
        }
        return hello;
    }

    static byte[] readNonce(DataInputStream in) throws IOException {
        byte[] nonce = new byte[NONCE_BYTES];
        in.readFully(nonce);
        return nonce;
    }

    static byte[] helloBytes(Hello hello) {
        return ByteBuffer.allocate(Integer.BYTES * 4 + Long.BYTES).putInt(MAGIC).putLong(hello.stage())
                .putInt(hello.partition()).putInt(hello.stageAttempt()).putInt(hello.taskAttempt()).array();
    }

    /** CHALLENGE: the driver's nonce and its proof for the connection of {@code hello} and {@code taskNonce}. */
    static void writeChallenge(DataOutputStream out, ChannelKeys keys, Hello hello, byte[] taskNonce, byte[] driverNonce)
            throws IOException {
        out.write(driverNonce);
        out.write(keys.driverProof(taskNonce, driverNonce, helloBytes(hello)));
        out.flush();
    }

    /**
     * Reads the CHALLENGE and checks the driver's proof: returns the driver's nonce, or throws
     * when whoever answered does not know this run's secrets.
     */
    static byte[] readChallenge(DataInputStream in, ChannelKeys keys, Hello hello, byte[] taskNonce) throws IOException {
        byte[] driverNonce = readNonce(in);
        byte[] given = new byte[ChannelKeys.PROOF_BYTES];
        in.readFully(given);
        if (!MessageDigest.isEqual(given, keys.driverProof(taskNonce, driverNonce, helloBytes(hello)))) {
            throw new IOException("what answers on the driver's port does not know this run's secret: not this run's"
                    + " driver");
        }
        return driverNonce;
    }

    static void writeProof(DataOutputStream out, ChannelKeys keys, Hello hello, byte[] taskNonce, byte[] driverNonce)
            throws IOException {
        out.write(keys.taskProof(taskNonce, driverNonce, helloBytes(hello)));
        out.flush();
    }

    /** Reads a PROOF and checks it; an exception when it does not match. */
    static void readProof(DataInputStream in, ChannelKeys keys, Hello hello, byte[] taskNonce, byte[] driverNonce)
            throws IOException {
        byte[] given = new byte[ChannelKeys.PROOF_BYTES];
        in.readFully(given);
        if (!MessageDigest.isEqual(given, keys.taskProof(taskNonce, driverNonce, helloBytes(hello)))) {
            throw new IOException("a task of " + hello + " does not know this run's secret");
        }
    }

    /**
     * The longest message either side sends in a run of {@code architecture} and batches of at
     * most {@code capacity}: a STEP's indices and weights, or SUMS, plus headroom for the headers
     * and a refusal's reason.
     */
    static int maxMessageBytes(Architecture architecture, int capacity) {
        return Math.toIntExact(1024 + Long.BYTES * ((long) capacity + architecture.parameterCount()));
    }

    static void writeAdmitted(DataOutputStream out) throws IOException {
        out.writeByte(ADMITTED);
        out.flush();
    }

    static void writeRefused(DataOutputStream out, String reason) throws IOException {
        out.writeByte(REFUSED);
        out.writeUTF(reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
        out.flush();
    }

    /** Reads the driver's answer to a handshake: returns when admitted, throws saying why when refused. */
    static void readAdmission(DataInputStream in) throws IOException {
        byte type = in.readByte();
        if (type == REFUSED) {
            throw new IOException("the driver refused the resident task: " + in.readUTF());
        }
        if (type != ADMITTED) {
            throw new IOException("unexpected message " + type + " from the driver in the handshake");
        }
    }

    /** The STEP message: {@code step}, the batch's sorted indices and every weight and bias. */
    static byte[] step(long step, long[] sortedBatch, Parameters parameters) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(
                (int) (Long.BYTES * (parameters.architecture().parameterCount() + sortedBatch.length) + 32));
        DataOutputStream message = new DataOutputStream(bytes);
        message.writeByte(STEP);
        message.writeLong(step);
        message.writeInt(sortedBatch.length);
        for (long index : sortedBatch) {
            message.writeLong(index);
        }
        parameters.writeValues(message);
        message.flush();
        return bytes.toByteArray();
    }

    static void writeStop(DataOutputStream out) throws IOException {
        out.writeByte(STOP);
        out.flush();
    }

    /** A STEP as read: the step number and the batch; the weights went into the reader's parameters. */
    record Step(long step, long[] sortedBatch) {
    }

    /**
     * Reads the driver's next message: a STEP (at most {@code capacity} sorted indices, the
     * weights read into {@code parameters}), or null for STOP.
     */
    static Step readStepOrStop(DataInputStream in, int capacity, Parameters parameters) throws IOException {
        byte type = in.readByte();
        if (type == STOP) {
            return null;
        }
        if (type != STEP) {
            throw new IOException("unexpected message " + type + " from the driver");
        }
        long step = in.readLong();
        int length = in.readInt();
        if (length < 0 || length > capacity) {
            throw new IOException("a batch of " + length + " examples, more than the " + capacity + " of this run");
        }
        long[] batch = new long[length];
        for (int i = 0; i < length; i++) {
            batch[i] = in.readLong();
        }
        parameters.readValues(in);
        return new Step(step, batch);
    }

    static void writeSums(DataOutputStream out, long step, Gradients sums, long computeNanos) throws IOException {
        out.writeByte(SUMS);
        out.writeLong(step);
        out.writeByte(sums == null ? 0 : 1);
        if (sums != null) {
            sums.writeTo(out);
        }
        out.writeLong(computeNanos);
        out.flush();
    }

    /** A task's answer to step {@code step}: its sums (null when it had no member of the batch) and compute time. */
    record Answer(Gradients sums, long computeNanos) {
    }

    static Answer readSums(DataInputStream in, long step, Architecture architecture) throws IOException {
        byte type = in.readByte();
        if (type != SUMS) {
            throw new IOException("unexpected message " + type + " from a resident task");
        }
        long answered = in.readLong();
        if (answered != step) {
            throw new IOException("the answer to step " + answered + " came for step " + step);
        }
        byte present = in.readByte();
        if (present != 0 && present != 1) {
            throw new IOException("unexpected sums flag " + present + " from a resident task");
        }
        Gradients sums = present == 0 ? null : Gradients.readFrom(architecture, in);
        return new Answer(sums, in.readLong());
    }
}
