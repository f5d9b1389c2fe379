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
 * With the sliced exchange ({@link Exchange#SLICED}), right after admission and before any step,
 * the tasks connect to each other ({@link PeerMesh}), and a step's messages are slices:
 * <pre>
 * task → driver   PEER          host and port where the task listens for its peers
 * driver → task   PEERS         every partition's host and port, in partition order
 *                 each task connects to every lower partition's, with the handshake above (the
 *                 accepting task in the driver's part); each connection is sealed as the driver's are
 * task → driver   MESH          1, or 0 and why the task could not reach its peers
 * driver → task s SLICED_STEP   step, batch length, sorted indices
 * driver → task s WEIGHTS       step, chunk k, its length, the numbers of chunk k of slice s ({@link Slices}),
 *                               for every chunk; the driver sends chunk 0 to every owner, then chunk 1, ...
 * task s → peers  WEIGHTS       each chunk of slice s as it comes from the driver
 * task → owner s  CONTRIBUTION  step, chunk k, 0, or 1, example count, loss sum, length and chunk k of
 *                               slice s of the task's sums; every chunk to every owner, chunk 0 first
 * owner s → driver SLICE_SUMS   step, chunk k, 0, or 1, example count, loss sum, length and chunk k of
 *                               slice s of all sums added in partition order; compute nanoseconds
 * </pre>
 * Chunks pipeline the exchange: an owner passes a chunk on while the next comes, and sends a chunk
 * of sums while the next chunks' contributions arrive, so that a step's weights and sums each take
 * about the time of M bytes through one link, not of several hops one after the other.
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
    private static final byte PEER = 6;
    private static final byte PEERS = 7;
    private static final byte MESH = 8;
    private static final byte SLICED_STEP = 9;
    private static final byte SLICE_SUMS = 10;
    private static final byte WEIGHTS = 11;
    private static final byte CONTRIBUTION = 12;
    /** The longest host name a task may give its peers (DNS allows 253 characters). */
    private static final int MAX_HOST = 255;

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
        writeReason(out, reason);
        out.flush();
    }

    private static void writeReason(DataOutputStream out, String reason) throws IOException {
        out.writeUTF(reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
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
        writeStepHead(message, STEP, step, sortedBatch);
        parameters.writeValues(message);
        message.flush();
        return bytes.toByteArray();
    }

    static void writeStop(DataOutputStream out) throws IOException {
        out.writeByte(STOP);
        out.flush();
    }

    /**
     * A STEP or SLICED_STEP as read: the step number and the batch; a STEP's weights went into
     * the reader's parameters, a SLICED_STEP's ({@code sliced}) follow in chunks.
     */
    record Step(long step, long[] sortedBatch, boolean sliced) {
    }

    /**
     * Reads the driver's next message: a STEP (at most {@code capacity} sorted indices, the
     * weights read into {@code parameters}), a SLICED_STEP (refused unless {@code sliced}: the
     * task has peers), or null for STOP.
     */
    static Step readStepOrStop(DataInputStream in, int capacity, Parameters parameters, boolean sliced)
            throws IOException {
        byte type = in.readByte();
        if (type == STOP) {
            return null;
        }
        if (type != STEP && (type != SLICED_STEP || !sliced)) {
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
        if (type == STEP) {
            parameters.readValues(in);
        }
        return new Step(step, batch, type == SLICED_STEP);
    }

    /** The SLICED_STEP message, the same for every task: {@code step} and the batch's sorted indices. */
    static byte[] slicedStep(long step, long[] sortedBatch) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Long.BYTES * sortedBatch.length + 16);
        DataOutputStream message = new DataOutputStream(bytes);
        writeStepHead(message, SLICED_STEP, step, sortedBatch);
        message.flush();
        return bytes.toByteArray();
    }

    /** What STEP and SLICED_STEP begin with: the type, the step and the batch's sorted indices. */
    private static void writeStepHead(DataOutputStream message, byte type, long step, long[] sortedBatch)
            throws IOException {
        message.writeByte(type);
        message.writeLong(step);
        message.writeInt(sortedBatch.length);
        for (long index : sortedBatch) {
            message.writeLong(index);
        }
    }

    /** Where a task listens for its peers. */
    record Peer(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** PEER: where the task listens for its peers, or (null {@code peer}) why it cannot listen. */
    static void writePeer(DataOutputStream out, Peer peer, String failure) throws IOException {
        out.writeByte(PEER);
        out.writeByte(peer == null ? 0 : 1);
        if (peer == null) {
            writeReason(out, failure);
        } else {
            writePeerAddress(out, peer);
        }
        out.flush();
    }

    /** A task's PEER: where it listens, or why it cannot. */
    record PeerOffer(Peer peer, String failure) {
    }

    static PeerOffer readPeer(DataInputStream in) throws IOException {
        expectType(in, PEER, "a resident task");
        return readPresent(in) ? new PeerOffer(readPeerAddress(in), null) : new PeerOffer(null, in.readUTF());
    }

    static void writePeers(DataOutputStream out, Peer[] peers) throws IOException {
        out.writeByte(PEERS);
        out.writeInt(peers.length);
        for (Peer peer : peers) {
            writePeerAddress(out, peer);
        }
        out.flush();
    }

    /**
     * Reads the PEERS of a stage of {@code partitions} partitions: every partition's address, or
     * none when the driver called the peer connections off (a task could not listen).
     */
    static Peer[] readPeers(DataInputStream in, int partitions) throws IOException {
        expectType(in, PEERS, "the driver");
        int count = in.readInt();
        if (count != partitions && count != 0) {
            throw new IOException(count + " peers for a stage of " + partitions + " partitions");
        }
        Peer[] peers = new Peer[count];
        for (int i = 0; i < count; i++) {
            peers[i] = readPeerAddress(in);
        }
        return peers;
    }

    private static void writePeerAddress(DataOutputStream out, Peer peer) throws IOException {
        out.writeUTF(peer.host());
        out.writeInt(peer.port());
    }

    private static Peer readPeerAddress(DataInputStream in) throws IOException {
        String host = in.readUTF();
        int port = in.readInt();
        if (host.isEmpty() || host.length() > MAX_HOST || port <= 0 || port > 0xFFFF) {
            throw new IOException("a peer address " + host + ":" + port + " where a host name and a port were expected");
        }
        return new Peer(host, port);
    }

    /** MESH: null when the task reached all its peers, else why it could not. */
    static void writeMesh(DataOutputStream out, String failure) throws IOException {
        out.writeByte(MESH);
        out.writeByte(failure == null ? 1 : 0);
        if (failure != null) {
            writeReason(out, failure);
        }
        out.flush();
    }

    /** Reads a MESH: null when the task reached all its peers, else why it could not. */
    static String readMesh(DataInputStream in) throws IOException {
        expectType(in, MESH, "a resident task");
        return readPresent(in) ? null : in.readUTF();
    }

    /**
     * Sums of a chunk over a step's batch: whether any partition had a member of the batch, and
     * if so the example count and loss sum over all partitions and the chunk's {@code values}.
     */
    record ChunkSum(boolean present, long exampleCount, double lossSum, double[] values) {
        static final ChunkSum NONE = new ChunkSum(false, 0, 0, null);
    }

    /** WEIGHTS: chunk {@code chunk} of step {@code step}'s weights, numbers {@code [from, to)} of {@code weights}. */
    static void writeWeights(DataOutputStream out, long step, int chunk, Parameters weights, long from, long to)
            throws IOException {
        out.writeByte(WEIGHTS);
        writeChunkHead(out, step, chunk);
        out.writeInt(Math.toIntExact(to - from));
        weights.writeValues(out, from, to);
        out.flush();
    }

    /** Reads the driver's WEIGHTS of chunk {@code chunk} of step {@code step} into numbers {@code [from, to)} of {@code weights}. */
    static void readWeights(DataInputStream in, long step, int chunk, Parameters weights, long from, long to)
            throws IOException {
        expectType(in, WEIGHTS, "the driver");
        expectChunk(in, step, chunk);
        expectLength(in, from, to);
        weights.readValues(in, from, to);
    }

    /**
     * CONTRIBUTION: chunk {@code chunk} of a task's sums of step {@code step} (null: no member of
     * the batch), numbers {@code [from, to)}, to the owner of their slice.
     */
    static void writeContribution(DataOutputStream out, long step, int chunk, Gradients sums, long from, long to)
            throws IOException {
        out.writeByte(CONTRIBUTION);
        writeChunkHead(out, step, chunk);
        writeSum(out, sums != null, sums == null ? 0 : sums.exampleCount(), sums == null ? 0 : sums.lossSum());
        if (sums != null) {
            out.writeInt(Math.toIntExact(to - from));
            sums.sums().writeValues(out, from, to);
        }
        out.flush();
    }

    /** SLICE_SUMS: an owner's {@code sum} of chunk {@code chunk} of step {@code step}, and its compute time. */
    static void writeSliceSums(DataOutputStream out, long step, int chunk, ChunkSum sum, long computeNanos)
            throws IOException {
        out.writeByte(SLICE_SUMS);
        writeChunkHead(out, step, chunk);
        writeSum(out, sum.present(), sum.exampleCount(), sum.lossSum());
        if (sum.present()) {
            out.writeInt(sum.values().length);
            Parameters.writeDoubles(out, sum.values(), 0, sum.values().length);
        }
        out.writeLong(computeNanos);
        out.flush();
    }

    /** An owner's answer for a chunk of a sliced step: whether it had sums, their count and loss, and its compute time. */
    record SliceAnswer(boolean present, long exampleCount, double lossSum, long computeNanos) {
    }

    /**
     * Reads the SLICE_SUMS of chunk {@code chunk} of step {@code step}, numbers {@code [from, to)},
     * its values into that range of {@code sums} when it has any.
     */
    static SliceAnswer readSliceSums(DataInputStream in, long step, int chunk, Parameters sums, long from, long to)
            throws IOException {
        expectType(in, SLICE_SUMS, "a resident task");
        expectChunk(in, step, chunk);
        boolean present = readPresent(in);
        long count = present ? in.readLong() : 0;
        double loss = present ? in.readDouble() : 0;
        if (present) {
            expectLength(in, from, to);
            sums.readValues(in, from, to);
        }
        return new SliceAnswer(present, count, loss, in.readLong());
    }

    /** A message from a peer: a chunk of its slice of the weights, or of its contribution to this task's slice of the sums. */
    record PeerMessage(boolean weights, long step, int chunk, ChunkSum sum) {
    }

    /**
     * Reads the rest of a message from a peer whose type byte, {@code type}, was read: WEIGHTS or
     * a CONTRIBUTION, of at most {@link Slices#CHUNK_NUMBERS} numbers.
     */
    static PeerMessage readPeerMessage(byte type, DataInputStream in, int sender) throws IOException {
        if (type != WEIGHTS && type != CONTRIBUTION) {
            throw new IOException("unexpected message " + type + " from the task of partition " + sender);
        }
        long step = in.readLong();
        int chunk = in.readInt();
        boolean present = type == WEIGHTS || readPresent(in);
        long count = type == CONTRIBUTION && present ? in.readLong() : 0;
        double loss = type == CONTRIBUTION && present ? in.readDouble() : 0;
        double[] values = null;
        if (present) {
            int length = in.readInt();
            if (length < 0 || length > Slices.CHUNK_NUMBERS) {
                throw new IOException("a chunk of " + length + " numbers from the task of partition " + sender
                        + ", where this run's have at most " + Slices.CHUNK_NUMBERS);
            }
            values = new double[length];
            Parameters.readDoubles(in, values, 0, length);
        }
        return new PeerMessage(type == WEIGHTS, step, chunk, new ChunkSum(present, count, loss, values));
    }

    private static void writeChunkHead(DataOutputStream out, long step, int chunk) throws IOException {
        out.writeLong(step);
        out.writeInt(chunk);
    }

    private static void expectChunk(DataInputStream in, long step, int chunk) throws IOException {
        expectStep(in, step);
        int given = in.readInt();
        if (given != chunk) {
            throw new IOException("chunk " + given + " of step " + step + " came where chunk " + chunk + " was due");
        }
    }

    private static void expectLength(DataInputStream in, long from, long to) throws IOException {
        int length = in.readInt();
        if (length != to - from) {
            throw new IOException("a chunk of " + length + " numbers where " + (to - from) + " were due");
        }
    }

    private static void writeSum(DataOutputStream out, boolean present, long count, double loss) throws IOException {
        out.writeByte(present ? 1 : 0);
        if (present) {
            out.writeLong(count);
            out.writeDouble(loss);
        }
    }

    private static boolean readPresent(DataInputStream in) throws IOException {
        byte present = in.readByte();
        if (present != 0 && present != 1) {
            throw new IOException("unexpected sums flag " + present);
        }
        return present == 1;
    }

    private static void expectType(DataInputStream in, byte expected, String from) throws IOException {
        byte type = in.readByte();
        if (type != expected) {
            throw new IOException("unexpected message " + type + " from " + from);
        }
    }

    private static void expectStep(DataInputStream in, long step) throws IOException {
        long answered = in.readLong();
        if (answered != step) {
            throw new IOException("the answer to step " + answered + " came for step " + step);
        }
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
        expectType(in, SUMS, "a resident task");
        expectStep(in, step);
        Gradients sums = readPresent(in) ? Gradients.readFrom(architecture, in) : null;
        return new Answer(sums, in.readLong());
    }
}
