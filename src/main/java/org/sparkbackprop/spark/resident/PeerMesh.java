package org.sparkbackprop.spark.resident;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Parameters;

/**
 * A resident task's connections to the other tasks of its stage, for the sliced exchange
 * ({@link Exchange#SLICED}): task s owns slice s of the parameter vector ({@link Slices}). Each
 * step it passes the driver's slice s of the weights to every peer, chunk by chunk as it comes,
 * and takes theirs; after computing it sends each peer its slice of this task's sums, and adds
 * the peers' contributions to slice s <em>in partition order</em> (the first present one as it
 * is, each next one added), the very additions the driver makes for the star exchange, so the
 * bits are the same, sending the driver each chunk of the result as soon as it is added up.
 * <p>
 * Every connection is made and proven as the driver's are ({@link ResidentProtocol}): the task
 * of the higher partition connects and proves itself, the lower one answers in the driver's part,
 * and the connection is sealed when the driver's are. One reader thread per peer drains its
 * connection whatever the task is doing, so that no two tasks sending to each other block each
 * other; the task takes the messages from each peer's inbox in order.
 */
final class PeerMesh implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerMesh.class);
    /** How long the tasks have to connect to each other, all of them, once they know where the others listen. */
    static final long MESH_MILLIS = 2L * ResidentProtocol.HANDSHAKE_MILLIS;

    private final int partition;
    private final Slices slices;
    /** The connection to each other partition's task; null at this task's own index. */
    private final ResidentChannel.Connection[] peers;
    /** What each peer's reader took off its connection: a {@link ResidentProtocol.PeerMessage} or an IOException. */
    private final BlockingQueue<Object>[] inboxes;
    private final long timeoutMillis;
    private final ResidentChannel.Watch killed;
    private volatile boolean closed;

    @SuppressWarnings("unchecked")
    private PeerMesh(int partition, Slices slices, ResidentChannel.Connection[] peers, long timeoutMillis,
                     ResidentChannel.Watch killed) {
        this.partition = partition;
        this.slices = slices;
        this.peers = peers;
        this.timeoutMillis = timeoutMillis;
        this.killed = killed;
        this.inboxes = new BlockingQueue[peers.length];
        for (int peer = 0; peer < peers.length; peer++) {
            if (peer != partition) {
                inboxes[peer] = new LinkedBlockingQueue<>();
                Thread reader = new Thread(readerOf(peer), "spark-backprop resident peer " + peer);
                reader.setDaemon(true);
                reader.start();
            }
        }
    }

    /**
     * Connects the task of {@code hello}, admitted over {@code driver}, to the other tasks of a
     * stage whose parameter vector is cut into {@code slices}, one per task:
     * says where it listens (PEER), learns where they do (PEERS), connects, and tells the
     * driver whether it could (MESH). Returns the mesh, or null when the task could not reach
     * its peers (the driver then sends star steps); throws only when the driver is gone.
     */
    static PeerMesh form(ResidentChannel.Connection driver, ChannelKeys keys, ResidentProtocol.Hello hello,
                         Slices slices, int maxMessageBytes, long startMillis, long timeoutMillis,
                         ResidentChannel.Watch killed) throws IOException {
        int partitions = slices.parts();
        ServerSocket server;
        try {
            server = listen();
        } catch (IOException e) {
            ResidentProtocol.writePeer(driver.out, null, "the task cannot listen for its peers: " + e.getMessage());
            driver.expect("the peers' addresses", startMillis, killed);
            ResidentProtocol.readPeers(driver.in, partitions);
            ResidentProtocol.writeMesh(driver.out, "the task cannot listen for its peers: " + e.getMessage());
            return null;
        }
        ResidentChannel.Connection[] peers = new ResidentChannel.Connection[partitions];
        String failure;
        try (server) {
            ResidentProtocol.writePeer(driver.out, new ResidentProtocol.Peer(
                    server.getInetAddress().getHostAddress(), server.getLocalPort()), null);
            driver.expect("the peers' addresses", startMillis, killed);
            ResidentProtocol.Peer[] addresses = ResidentProtocol.readPeers(driver.in, partitions);
            failure = addresses.length == 0 ? "another task could not listen for its peers"
                    : connect(server, addresses, keys, hello, maxMessageBytes, peers, killed);
        }
        ResidentProtocol.writeMesh(driver.out, failure);
        if (failure != null) {
            LOG.warn("resident task of {} could not reach its peers: {}", hello, failure);
            for (ResidentChannel.Connection peer : peers) {
                if (peer != null) {
                    peer.close();
                }
            }
            return null;
        }
        return new PeerMesh(hello.partition(), slices, peers, timeoutMillis, killed);
    }

    /** This task's partition, the slice it owns. */
    int partition() {
        return partition;
    }

    Slices slices() {
        return slices;
    }

    /**
     * Reads this task's slice of step {@code step}'s weights from {@code driver} chunk by chunk
     * into {@code weights}, passing each chunk on to every peer as it comes, then reads every
     * peer's slice into {@code weights}.
     */
    void shareWeights(long step, Parameters weights, ResidentChannel.Connection driver, long timeoutMillis)
            throws IOException {
        int tasks = peers.length;
        for (int chunk = 0; chunk < slices.chunks(partition); chunk++) {
            long from = slices.chunkFrom(partition, chunk);
            long to = slices.chunkTo(partition, chunk);
            driver.expect("weights of step " + step + " from the driver", timeoutMillis, killed);
            ResidentProtocol.readWeights(driver.in, step, chunk, weights, from, to);
            // each task starts with its next partition, so that the first chunks go to P different tasks
            for (int k = 1; k < tasks; k++) {
                ResidentProtocol.writeWeights(peers[(partition + k) % tasks].out, step, chunk, weights, from, to);
            }
        }
        for (int k = 1; k < tasks; k++) {
            int peer = (partition + k) % tasks;
            for (int chunk = 0; chunk < slices.chunks(peer); chunk++) {
                double[] values = next(peer, step, true, chunk).sum().values();
                if (values == null || values.length != slices.chunkTo(peer, chunk) - slices.chunkFrom(peer, chunk)) {
                    throw new IOException("the task of partition " + peer + " sent a chunk of the wrong length");
                }
                int[] position = {0};
                weights.forEachRun(slices.chunkFrom(peer, chunk), slices.chunkTo(peer, chunk), (data, offset, length) -> {
                    System.arraycopy(values, position[0], data, offset, length);
                    position[0] += length;
                });
            }
        }
    }

    /**
     * Sends every peer its slice of this task's sums of step {@code step} ({@code sums}; null
     * when no member of the batch was here), chunk 0 to every peer first, then sends
     * {@code driver} this task's slice of all tasks' sums, chunk by chunk as each chunk's
     * contributions are in: added in partition order, as {@link Gradients#sumInOrder} adds them.
     */
    void reduce(long step, Gradients sums, long computeNanos, ResidentChannel.Connection driver) throws IOException {
        int tasks = peers.length;
        for (int chunk = 0; chunk < slices.maxChunks(); chunk++) {
            for (int k = 1; k < tasks; k++) {
                int peer = (partition + k) % tasks;
                if (chunk < slices.chunks(peer)) {
                    ResidentProtocol.writeContribution(peers[peer].out, step, chunk, sums, slices.chunkFrom(peer, chunk),
                            slices.chunkTo(peer, chunk));
                }
            }
        }
        for (int chunk = 0; chunk < slices.chunks(partition); chunk++) {
            double[] total = null;
            long count = 0;
            double loss = 0;
            for (int peer = 0; peer < tasks; peer++) {
                ResidentProtocol.ChunkSum part = peer == partition ? own(sums, chunk)
                        : next(peer, step, false, chunk).sum();
                if (!part.present()) {
                    continue;
                }
                double[] values = part.values();
                if (values.length != slices.chunkTo(partition, chunk) - slices.chunkFrom(partition, chunk)) {
                    throw new IOException("the task of partition " + peer + " sent a chunk of sums of the wrong length");
                }
                if (total == null) {
                    total = values;
                    count = part.exampleCount();
                    loss = part.lossSum();
                } else {
                    for (int i = 0; i < total.length; i++) {
                        total[i] += values[i];
                    }
                    count += part.exampleCount();
                    loss += part.lossSum();
                }
            }
            ResidentProtocol.writeSliceSums(driver.out, step, chunk, total == null ? ResidentProtocol.ChunkSum.NONE
                    : new ResidentProtocol.ChunkSum(true, count, loss, total), computeNanos);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (ResidentChannel.Connection peer : peers) {
            if (peer != null) {
                peer.close();
            }
        }
    }

    /** Chunk {@code chunk} of this task's own slice of its sums, copied out. */
    private ResidentProtocol.ChunkSum own(Gradients sums, int chunk) throws IOException {
        if (sums == null) {
            return ResidentProtocol.ChunkSum.NONE;
        }
        long from = slices.chunkFrom(partition, chunk);
        double[] values = new double[Math.toIntExact(slices.chunkTo(partition, chunk) - from)];
        int[] position = {0};
        sums.sums().forEachRun(from, from + values.length, (data, offset, length) -> {
            System.arraycopy(data, offset, values, position[0], length);
            position[0] += length;
        });
        return new ResidentProtocol.ChunkSum(true, sums.exampleCount(), sums.lossSum(), values);
    }

    /** The next message from {@code peer}, which must be chunk {@code chunk} of step {@code step}, of the kind expected. */
    private ResidentProtocol.PeerMessage next(int peer, long step, boolean weights, int chunk) throws IOException {
        String what = (weights ? "weights" : "sums") + " chunk " + chunk + " of step " + step + " from partition " + peer;
        Object received = ResidentChannel.take(inboxes[peer], what, timeoutMillis, killed);
        if (received instanceof IOException e) {
            throw new IOException("the connection to the task of partition " + peer + " failed: " + e.getMessage(), e);
        }
        ResidentProtocol.PeerMessage message = (ResidentProtocol.PeerMessage) received;
        if (message.step() != step || message.weights() != weights || message.chunk() != chunk) {
            throw new IOException("the task of partition " + peer + " sent " + (message.weights() ? "weights" : "sums")
                    + " chunk " + message.chunk() + " of step " + message.step() + " where this task waited for the "
                    + what);
        }
        return message;
    }

    /** Drains {@code peer}'s connection into its inbox until the mesh closes or the connection fails. */
    private Runnable readerOf(int peer) {
        ResidentChannel.Connection connection = peers[peer];
        return () -> {
            ResidentChannel.Watch open = () -> {
                if (closed) {
                    throw new IOException("the mesh closed");
                }
            };
            try {
                while (!closed) {
                    connection.expect("message from the task of partition " + peer, timeoutMillis, open);
                    byte type;
                    try {
                        type = connection.in.readByte();
                    } catch (SocketTimeoutException idle) {
                        // between steps a peer may say nothing for long (star steps, a slow epoch): the task's own waits time out
                        continue;
                    }
                    inboxes[peer].add(ResidentProtocol.readPeerMessage(type, connection.in, peer));
                }
            } catch (IOException e) {
                inboxes[peer].add(closed ? new IOException("the mesh closed") : e);
            } catch (RuntimeException e) {
                inboxes[peer].add(new IOException(e.toString(), e));
            }
        };
    }

    /**
     * The task's connections: to each lower partition it connects (proving itself as to the
     * driver), from each higher one it accepts on {@code server} (checking it as the driver
     * checks a task), all within {@link #MESH_MILLIS}. Null when all are made, else why not.
     */
    private static String connect(ServerSocket server, ResidentProtocol.Peer[] addresses, ChannelKeys keys,
                                  ResidentProtocol.Hello hello, int maxMessageBytes,
                                  ResidentChannel.Connection[] peers, ResidentChannel.Watch killed) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MESH_MILLIS);
        AtomicReferenceArray<ResidentChannel.Connection> accepted = new AtomicReferenceArray<>(peers.length);
        Thread acceptor = new Thread(() -> accept(server, keys, hello, maxMessageBytes, accepted, deadline),
                "spark-backprop resident peer acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        String failure = null;
        for (int peer = 0; peer < hello.partition() && failure == null; peer++) {
            ResidentProtocol.Peer address = addresses[peer];
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address.host(), address.port()),
                        (int) Math.max(1, remainingMillis(deadline)));
                ResidentChannel.Connection connection = new ResidentChannel.Connection(socket);
                peers[peer] = connection;
                connection.expect("the peer's answer", Math.max(1, remainingMillis(deadline)), killed);
                ResidentTask.handshake(connection, keys, hello, maxMessageBytes);
            } catch (IOException e) {
                socket.close();
                failure = "cannot reach the task of partition " + peer + " at " + address + " (" + e.getMessage() + ")";
            }
        }
        try {
            acceptor.join(Math.max(1, remainingMillis(deadline)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted while connecting to its peers";
        }
        server.close();
        for (int peer = hello.partition() + 1; peer < peers.length; peer++) {
            peers[peer] = accepted.get(peer);
            if (peers[peer] == null && failure == null) {
                failure = "no connection from the task of partition " + peer + " within "
                        + ResidentChannel.formatMillis(MESH_MILLIS);
            }
        }
        return failure;
    }

    /**
     * Accepts the higher partitions' tasks until all came or {@code deadline} passed: each must
     * prove it knows this run's secrets, and be of this stage and stage attempt, and come once.
     */
    static void accept(ServerSocket server, ChannelKeys keys, ResidentProtocol.Hello mine, int maxMessageBytes,
                               AtomicReferenceArray<ResidentChannel.Connection> accepted, long deadline) {
        SecureRandom random = new SecureRandom();
        int expected = accepted.length() - mine.partition() - 1;
        try {
            server.setSoTimeout(ResidentProtocol.POLL_MILLIS);
        } catch (IOException e) {
            return;
        }
        for (int count = 0; count < expected && remainingMillis(deadline) > 0 && !server.isClosed(); ) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            try {
                ResidentChannel.Connection connection = new ResidentChannel.Connection(socket);
                connection.expect("handshake", Math.max(1, Math.min(ResidentProtocol.HANDSHAKE_MILLIS,
                        remainingMillis(deadline))), ResidentChannel.Watch.NONE);
                ResidentProtocol.Hello hello = ResidentProtocol.readHello(connection.in, accepted.length());
                byte[] taskNonce = ResidentProtocol.readNonce(connection.in);
                byte[] ownNonce = new byte[ResidentProtocol.NONCE_BYTES];
                random.nextBytes(ownNonce);
                ResidentProtocol.writeChallenge(connection.out, keys, hello, taskNonce, ownNonce);
                ResidentProtocol.readProof(connection.in, keys, hello, taskNonce, ownNonce);
                keys.seal(connection, taskNonce, ownNonce, true, maxMessageBytes);
                String refusal = hello.stage() != mine.stage() || hello.stageAttempt() != mine.stageAttempt()
                        ? "it belongs to another stage or stage attempt"
                        : hello.partition() <= mine.partition() ? "partition " + hello.partition() + " does not connect to "
                        + mine.partition() + ", it accepts it"
                        : accepted.get(hello.partition()) != null ? "partition " + hello.partition() + " is connected already"
                        : null;
                if (refusal != null) {
                    LOG.warn("resident task of {} refused a peer of {}: {}", mine, hello, refusal);
                    ResidentProtocol.writeRefused(connection.out, refusal);
                    connection.close();
                    continue;
                }
                ResidentProtocol.writeAdmitted(connection.out);
                accepted.set(hello.partition(), connection);
                count++;
            } catch (IOException e) {
                LOG.warn("resident task of {} refused a connection from {}: {}", mine, socket.getRemoteSocketAddress(),
                        e instanceof java.io.EOFException ? "it closed in the handshake" : e.getMessage());
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // refused either way
                }
            }
        }
    }

    /**
     * Where peers reach this task: the address its executor's block manager advertises (the one
     * other executors fetch blocks from), on {@link ResidentSource#PEER_PORT} or, when that is
     * taken, the next ones, as Spark tries its own ports ({@code spark.port.maxRetries}).
     */
    private static ServerSocket listen() throws IOException {
        SparkEnv env = SparkEnv.get();
        SparkConf conf = env == null ? new SparkConf(false) : env.conf();
        String host = env == null ? InetAddress.getLocalHost().getHostAddress() : env.blockManager().blockManagerId().host();
        int port = conf.getInt(ResidentSource.PEER_PORT, 0);
        int retries = port == 0 ? 0 : conf.getInt("spark.port.maxRetries", 16);
        IOException last = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            ServerSocket server = new ServerSocket();
            try {
                server.bind(new InetSocketAddress(host, port == 0 ? 0 : port + attempt));
                return server;
            } catch (IOException e) {
                server.close();
                last = new IOException(e.getMessage() + " on " + host + ":" + (port == 0 ? 0 : port + attempt), e);
            }
        }
        throw last;
    }

    private static long remainingMillis(long deadline) {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }
}
