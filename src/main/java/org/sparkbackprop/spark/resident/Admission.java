package org.sparkbackprop.spark.resident;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.network.Architecture;

/**
 * The driver's door for resident tasks: lets one stage's tasks in, one per partition, and no one
 * else. Each connection's handshake runs on a thread of its own with a deadline of its own
 * ({@link ResidentProtocol#HANDSHAKE_MILLIS}), so a connection that sends nothing, or garbage,
 * holds up neither the others nor the stage, whose start deadline holds throughout. A second task
 * for a partition already let in (speculation, a retried attempt) is refused; a task of a newer
 * attempt of the stage replaces the older attempt's tasks, which Spark killed when it started the
 * stage again.
 */
final class Admission implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    private final ServerSocket server;
    private final ChannelKeys keys;
    private final Architecture architecture;
    private final int capacity;
    private final SecureRandom random = new SecureRandom();
    private final ThreadPoolExecutor handshakes = new ThreadPoolExecutor(0, ResidentProtocol.MAX_HANDSHAKES,
            ResidentProtocol.HANDSHAKE_MILLIS, TimeUnit.MILLISECONDS, new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "spark-backprop resident handshake");
                thread.setDaemon(true);
                return thread;
            });

    /**
     * The stage's channels, one per partition in partition order, the stage attempt their tasks
     * run in, and each partition's admitted task attempt.
     */
    record Admitted(ResidentChannel.DriverEnd[] channels, int stageAttempt, int[] taskAttempts) {
    }

    /** A task whose handshake is done, waiting to be let in or turned away. */
    private record Candidate(ResidentProtocol.Hello hello, ResidentChannel.DriverEnd channel) {
    }

    /**
     * {@code server}: where tasks connect (its accept timeout is set here); {@code keys}: what
     * both sides prove they know, and what seals the channel; {@code capacity}: the largest batch.
     */
    Admission(ServerSocket server, ChannelKeys keys, Architecture architecture, int capacity) throws IOException {
        this.server = server;
        this.keys = keys;
        this.architecture = architecture;
        this.capacity = capacity;
        server.setSoTimeout(ResidentProtocol.POLL_MILLIS);
    }

    /**
     * Lets in the tasks of resident stage {@code stage}, one for each of its {@code partitions},
     * over sockets, or, when {@code arriving} is not null, as they arrive there from this JVM.
     * Fails saying why when {@code stageEnded} says the stage is gone, or when they have not all
     * come within {@code startMillis}.
     */
    Admitted await(long stage, int partitions, BlockingQueue<ResidentChannel.InJvm> arriving, long startMillis,
                   ResidentChannel.Watch stageEnded) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startMillis);
        Seats seats = new Seats(partitions);
        Door door = new Door(stage, partitions);
        try {
            while (seats.taken < partitions) {
                stageEnded.check();
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("only " + seats.taken + " of " + partitions + " tasks started within "
                            + ResidentChannel.formatMillis(startMillis) + " (fewer free task slots than partitions?)");
                }
                if (arriving != null) {
                    ResidentChannel.InJvm channel = poll(arriving);
                    if (channel != null) {
                        seats.offer(new Candidate(channel.hello, channel));
                    }
                } else {
                    acceptOne(door);
                    for (Candidate candidate = door.verified.poll(); candidate != null; candidate = door.verified.poll()) {
                        seats.offer(candidate);
                    }
                }
            }
            int[] taskAttempts = new int[partitions];
            for (int partition = 0; partition < partitions; partition++) {
                taskAttempts[partition] = seats.hellos[partition].taskAttempt();
            }
            return new Admitted(seats.channels, seats.attempt, taskAttempts);
        } catch (IOException | RuntimeException e) {
            seats.closeAll();
            throw e;
        } finally {
            door.close();
        }
    }

    @Override
    public void close() {
        handshakes.shutdownNow();
    }

    /** The partitions' seats: who holds each, and the one stage attempt they all belong to. */
    private static final class Seats {
        final ResidentChannel.DriverEnd[] channels;
        final ResidentProtocol.Hello[] hellos;
        int taken;
        int attempt = -1;

        Seats(int partitions) {
            channels = new ResidentChannel.DriverEnd[partitions];
            hellos = new ResidentProtocol.Hello[partitions];
        }

        void offer(Candidate candidate) throws IOException {
            ResidentProtocol.Hello hello = candidate.hello();
            int partition = hello.partition();
            if (hello.stageAttempt() < attempt || hellos[partition] != null && hello.stageAttempt() == attempt) {
                String reason = hello.stageAttempt() < attempt
                        ? "stage attempt " + hello.stageAttempt() + " was replaced by attempt " + attempt
                        : "partition " + partition + " already has its task (" + hellos[partition].attempts() + ")";
                LOG.warn("refused a resident task of {}: {}", hello, reason);
                candidate.channel().refuse(reason);
                return;
            }
            if (hello.stageAttempt() > attempt) {
                // Spark started the stage again (a task of it failed): it killed every task of the older attempt
                closeAll();
                attempt = hello.stageAttempt();
            }
            candidate.channel().admit();
            channels[partition] = candidate.channel();
            hellos[partition] = hello;
            taken++;
        }

        void closeAll() {
            for (int partition = 0; partition < channels.length; partition++) {
                if (channels[partition] != null) {
                    channels[partition].close();
                    channels[partition] = null;
                    hellos[partition] = null;
                }
            }
            taken = 0;
        }
    }

    /**
     * One stage's door: the handshakes of its connections hand their verified tasks here; once the
     * stage has started (or given up), a task whose handshake ends later is turned away.
     */
    private static final class Door {
        final long stage;
        final int partitions;
        final BlockingQueue<Candidate> verified = new LinkedBlockingQueue<>();
        private boolean closed;

        Door(long stage, int partitions) {
            this.stage = stage;
            this.partitions = partitions;
        }

        synchronized void hand(Candidate candidate) {
            if (closed) {
                candidate.channel().refuse("the stage had started without it");
            } else {
                verified.add(candidate);
            }
        }

        synchronized void close() {
            closed = true;
            for (Candidate late = verified.poll(); late != null; late = verified.poll()) {
                late.channel().refuse("the stage had started without it");
            }
        }
    }

    /** Accepts a connection that came within a poll interval, if one did, and starts its handshake. */
    private void acceptOne(Door door) throws IOException {
        Socket socket;
        try {
            socket = server.accept();
        } catch (SocketTimeoutException e) {
            return;
        }
        try {
            handshakes.execute(() -> handshake(socket, door));
        } catch (RejectedExecutionException e) {
            LOG.warn("refused a connection from {}: {} handshakes already running", socket.getRemoteSocketAddress(),
                    ResidentProtocol.MAX_HANDSHAKES);
            close(socket);
        }
    }

    /** One connection's handshake, within its own deadline: a verified task of this stage goes to {@code door}. */
    private void handshake(Socket socket, Door door) {
        try {
            ResidentChannel.Connection connection = new ResidentChannel.Connection(socket);
            connection.expect("handshake", ResidentProtocol.HANDSHAKE_MILLIS, ResidentChannel.Watch.NONE);
            ResidentProtocol.Hello hello = ResidentProtocol.readHello(connection.in, door.partitions);
            byte[] taskNonce = ResidentProtocol.readNonce(connection.in);
            byte[] driverNonce = new byte[ResidentProtocol.NONCE_BYTES];
            random.nextBytes(driverNonce);
            ResidentProtocol.writeChallenge(connection.out, keys, hello, taskNonce, driverNonce);
            ResidentProtocol.readProof(connection.in, keys, hello, taskNonce, driverNonce);
            keys.seal(connection, taskNonce, driverNonce, true, ResidentProtocol.maxMessageBytes(architecture, capacity));
            ResidentChannel.OverSocket channel = new ResidentChannel.OverSocket(connection, architecture);
            if (hello.stage() != door.stage) {
                LOG.info("refused a resident task of {}: it belongs to an earlier stage", hello);
                channel.refuse("it belongs to an earlier stage");
                return;
            }
            door.hand(new Candidate(hello, channel));
        } catch (IOException e) {
            LOG.warn("refused a connection from {}: {}", socket.getRemoteSocketAddress(),
                    e instanceof java.io.EOFException ? "it closed in the handshake" : e.getMessage());
            close(socket);
        }
    }

    private static ResidentChannel.InJvm poll(BlockingQueue<ResidentChannel.InJvm> arriving) throws IOException {
        try {
            return arriving.poll(ResidentProtocol.POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while resident tasks started");
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // refused either way
        }
    }
}
