package org.sparkbackprop.spark.resident;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.TaskContext;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Parameters;

/**
 * The channel between the driver and one resident task, in one of two forms:
 * <ul>
 * <li>a socket, authenticated with {@link ResidentProtocol}'s handshake: the weights cross as
 * 8 raw bytes each, every step, to every task, and the sums come back the same way;</li>
 * <li>in local mode, where the tasks run in the driver's JVM, two queues: the task reads the
 * driver's weights in place (the driver does not touch them until every sum is back) and hands
 * back its sums, so that a step costs its compute and two thread hand-offs, not 16 bytes a
 * weight of copying.</li>
 * </ul>
 * Either way the task computes the same sums from the same numbers: the bits do not depend on
 * the form. Either way every wait has a deadline and looks, every
 * {@link ResidentProtocol#POLL_MILLIS} ms, at whether the other side is gone ({@link Watch}).
 */
final class ResidentChannel {
    /**
     * Stages whose tasks run in this JVM, by stage id: each of their tasks puts its {@link InJvm}
     * channel in the queue, where the driver takes it. Static because a local-mode task is
     * deserialized in this JVM and has no other way to the driver's objects.
     */
    private static final Map<String, BlockingQueue<InJvm>> IN_JVM_STAGES = new ConcurrentHashMap<>();

    private ResidentChannel() {
    }

    /** What a wait looks at between polls: throws when the other side is to be taken for gone. */
    interface Watch {
        Watch NONE = () -> { };

        void check() throws IOException;
    }

    /** The watch of a task: Spark's kill (a cancelled job, a failed stage) only sets a flag, which this reads. */
    static Watch killOf(TaskContext task) {
        return task::killTaskIfInterrupted;
    }

    /**
     * A socket's streams, set up the same way at both ends: no Nagle delay, buffered, and every
     * read waiting in slices of {@link ResidentProtocol#POLL_MILLIS}, asking its watch between
     * slices and giving up at its deadline. A timed-out slice consumes nothing, so a message is
     * never torn by the polling.
     */
    static final class Connection implements AutoCloseable {
        private static final int BUFFER_BYTES = 1 << 16;
        final Socket socket;
        /** The message streams: the socket's own, or sealed ones over them ({@link ChannelKeys#seal}). */
        DataInputStream in;
        DataOutputStream out;
        private final WatchedInput watched;
        private final BufferedInputStream rawIn;
        private final BufferedOutputStream rawOut;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(ResidentProtocol.POLL_MILLIS);
            this.watched = new WatchedInput(socket.getInputStream());
            this.rawIn = new BufferedInputStream(watched, BUFFER_BYTES);
            this.rawOut = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
            this.in = new DataInputStream(rawIn);
            this.out = new DataOutputStream(rawOut);
        }

        /** The socket's buffered streams, under any sealing. */
        InputStream rawIn() {
            return rawIn;
        }

        java.io.OutputStream rawOut() {
            return rawOut;
        }

        /** From now on messages go through {@code sealedOut} and come through {@code sealedIn}. */
        void seal(java.io.OutputStream sealedOut, InputStream sealedIn) {
            this.out = new DataOutputStream(sealedOut);
            this.in = new DataInputStream(sealedIn);
        }

        /** From now on reads give up {@code millis} ms from now, saying they waited for {@code what}, or when {@code watch} throws. */
        void expect(String what, long millis, Watch watch) {
            watched.waiting = new Wait(what, millis, watch);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
        }
    }

    /**
     * One wait: for {@code what}, at most {@code millis} ms from its start, looking at
     * {@code watch} between polls.
     */
    private static final class Wait {
        private final String what;
        private final long millis;
        private final long deadline;
        private final Watch watch;

        Wait(String what, long millis, Watch watch) {
            this.what = what;
            this.millis = millis;
            this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            this.watch = watch;
        }

        /** Between two polls: throws when the watch says the other side is gone, or the deadline has passed. */
        void tick() throws IOException {
            watch.check();
            if (System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("no " + what + " within " + formatMillis(millis));
            }
        }
    }

    /** A socket's input whose reads poll: see {@link Connection}. */
    private static final class WatchedInput extends FilterInputStream {
        private Wait waiting = new Wait("message", ResidentProtocol.HANDSHAKE_MILLIS, Watch.NONE);

        WatchedInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            while (true) {
                try {
                    return super.read();
                } catch (SocketTimeoutException e) {
                    waiting.tick();
                }
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            while (true) {
                try {
                    return super.read(buffer, offset, length);
                } catch (SocketTimeoutException e) {
                    waiting.tick();
                }
            }
        }
    }

    static String formatMillis(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** One step's request: the step number, the batch's sorted global indices and the weights. */
    static final class Request {
        final long step;
        final long[] sortedBatch;
        final Parameters parameters;
        private byte[] message;

        Request(long step, long[] sortedBatch, Parameters parameters) {
            this.step = step;
            this.sortedBatch = sortedBatch;
            this.parameters = parameters;
        }

        /** The STEP message, serialized once however many sockets it goes to. */
        byte[] message() throws IOException {
            if (message == null) {
                message = ResidentProtocol.step(step, sortedBatch, parameters);
            }
            return message;
        }
    }

    /** The driver's end of a channel. */
    interface DriverEnd {
        /** Lets the task in: its handshake is over. */
        void admit() throws IOException;

        /** Turns the task away saying why, and closes the channel. */
        void refuse(String reason);

        void send(Request request) throws IOException;

        /**
         * The task's answer to step {@code step}; an IOException when it does not come within
         * {@code timeoutMillis}, or when {@code stage} says the stage is gone.
         */
        ResidentProtocol.Answer receive(long step, long timeoutMillis, Watch stage) throws IOException;

        /** Tells the task to stop; quietly, as the stage is cancelled anyway when it cannot be told. */
        void stop();

        void close();
    }

    /** The task's end of a channel. */
    interface TaskEnd {
        /** The next step's request, or null when the driver says stop. */
        Request await() throws IOException;

        void answer(long step, Gradients sums, long computeNanos) throws IOException;
    }

    /** The driver's end of a socket whose handshake is done. */
    record OverSocket(Connection connection, Architecture architecture) implements DriverEnd {
        @Override
        public void admit() throws IOException {
            ResidentProtocol.writeAdmitted(connection.out);
        }

        @Override
        public void refuse(String reason) {
            try {
                ResidentProtocol.writeRefused(connection.out, reason);
            } catch (IOException ignored) {
                // refused either way
            }
            connection.close();
        }

        @Override
        public void send(Request request) throws IOException {
            connection.out.write(request.message());
            connection.out.flush();
        }

        @Override
        public ResidentProtocol.Answer receive(long step, long timeoutMillis, Watch stage) throws IOException {
            connection.expect("answer to step " + step, timeoutMillis, stage);
            return ResidentProtocol.readSums(connection.in, step, architecture);
        }

        /** Sends a SLICED_STEP, as {@link ResidentProtocol#slicedStep} made it. */
        void sendSliced(byte[] message) throws IOException {
            connection.out.write(message);
            connection.out.flush();
        }

        /** Sends chunk {@code chunk} of step {@code step}'s weights: numbers {@code [from, to)} of {@code weights}. */
        void sendWeights(long step, int chunk, Parameters weights, long from, long to) throws IOException {
            ResidentProtocol.writeWeights(connection.out, step, chunk, weights, from, to);
        }

        /** The owner's SLICE_SUMS of chunk {@code chunk} of step {@code step}, read into numbers {@code [from, to)} of {@code sums}. */
        ResidentProtocol.SliceAnswer receiveSlice(long step, int chunk, long timeoutMillis, Watch stage, Parameters sums,
                                                  long from, long to) throws IOException {
            connection.expect("answer to step " + step, timeoutMillis, stage);
            return ResidentProtocol.readSliceSums(connection.in, step, chunk, sums, from, to);
        }

        /** The task's PEER, within {@code millis}. */
        ResidentProtocol.PeerOffer receivePeer(long millis, Watch stage) throws IOException {
            connection.expect("the task's address for its peers", millis, stage);
            return ResidentProtocol.readPeer(connection.in);
        }

        void sendPeers(ResidentProtocol.Peer[] peers) throws IOException {
            ResidentProtocol.writePeers(connection.out, peers);
        }

        /** The task's MESH within {@code millis}: null when it reached its peers, else why not. */
        String receiveMesh(long millis, Watch stage) throws IOException {
            connection.expect("the task's connections to its peers", millis, stage);
            return ResidentProtocol.readMesh(connection.in);
        }

        @Override
        public void stop() {
            try {
                ResidentProtocol.writeStop(connection.out);
            } catch (IOException ignored) {
                // a task that cannot be told is cancelled with its stage
            }
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    /**
     * The task's end of a socket: reads each step's weights into its own copy, all of them from
     * the driver, or, for a sliced step, its slice from the driver and the others from its peers.
     */
    static final class TaskSocket implements TaskEnd {
        private final Connection connection;
        private final Parameters parameters;
        private final int capacity;
        private final long timeoutMillis;
        private final Watch killed;
        /** The task's peers, null when the stage runs star steps only. */
        private final PeerMesh mesh;
        /** The step being answered is sliced: its sums go through the mesh. */
        private boolean sliced;

        /** {@code killed}: the task's kill flag, looked at while it waits; {@code mesh}: its peers, or null. */
        TaskSocket(Connection connection, Architecture architecture, int capacity, long timeoutMillis, Watch killed,
                   PeerMesh mesh) {
            this.connection = connection;
            this.parameters = new Parameters(architecture);
            this.capacity = capacity;
            this.timeoutMillis = timeoutMillis;
            this.killed = killed;
            this.mesh = mesh;
        }

        @Override
        public Request await() throws IOException {
            connection.expect("message from the driver", timeoutMillis, killed);
            ResidentProtocol.Step step = ResidentProtocol.readStepOrStop(connection.in, capacity, parameters,
                    mesh != null);
            if (step == null) {
                return null;
            }
            sliced = step.sliced();
            if (sliced) {
                mesh.shareWeights(step.step(), parameters, connection, timeoutMillis);
            }
            return new Request(step.step(), step.sortedBatch(), parameters);
        }

        @Override
        public void answer(long step, Gradients sums, long computeNanos) throws IOException {
            if (sliced) {
                mesh.reduce(step, sums, computeNanos, connection);
            } else {
                ResidentProtocol.writeSums(connection.out, step, sums, computeNanos);
            }
        }
    }

    /** Both ends of a channel inside one JVM: a queue each way. */
    static final class InJvm implements DriverEnd, TaskEnd {
        private static final Request STOP = new Request(-1, new long[0], null);
        final ResidentProtocol.Hello hello;
        private final long timeoutMillis;
        private final Watch killed;
        private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
        private final BlockingQueue<ResidentProtocol.Answer> answers = new LinkedBlockingQueue<>();
        private volatile String refused;

        InJvm(ResidentProtocol.Hello hello, long timeoutMillis, Watch killed) {
            this.hello = hello;
            this.timeoutMillis = timeoutMillis;
            this.killed = killed;
        }

        @Override
        public void send(Request request) {
            requests.add(request);
        }

        @Override
        public ResidentProtocol.Answer receive(long step, long timeoutMillis, Watch stage) throws IOException {
            return take(answers, "answer to step " + step, timeoutMillis, stage);
        }

        @Override
        public void stop() {
            requests.add(STOP);
        }

        @Override
        public void close() {
            requests.add(STOP);
        }

        @Override
        public void admit() {
            // the task waits for its first step
        }

        /** Turns the task away: its next wait fails saying why. */
        @Override
        public void refuse(String reason) {
            refused = reason;
            requests.add(STOP);
        }

        @Override
        public Request await() throws IOException {
            Request request = take(requests, "message from the driver", timeoutMillis, killed);
            if (refused != null) {
                throw new IOException("the driver refused the resident task: " + refused);
            }
            return request == STOP ? null : request;
        }

        @Override
        public void answer(long step, Gradients sums, long computeNanos) {
            answers.add(new ResidentProtocol.Answer(sums, computeNanos));
        }
    }

    /**
     * The next item of {@code queue}, waited for as a socket's read is: at most
     * {@code timeoutMillis}, saying it waited for {@code what}, looking at {@code watch} between polls.
     */
    static <T> T take(BlockingQueue<T> queue, String what, long timeoutMillis, Watch watch)
            throws IOException {
        Wait waiting = new Wait(what, timeoutMillis, watch);
        try {
            while (true) {
                T item = queue.poll(ResidentProtocol.POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (item != null) {
                    return item;
                }
                waiting.tick();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the other end");
        }
    }

    /** Makes stage {@code stageId}'s tasks that run in this JVM use queues; its channels arrive in the result. */
    static BlockingQueue<InJvm> openInJvmStage(String stageId) {
        BlockingQueue<InJvm> arriving = new LinkedBlockingQueue<>();
        IN_JVM_STAGES.put(stageId, arriving);
        return arriving;
    }

    /** Closes stage {@code stageId} to new tasks: any that arrived and was not taken is turned away. */
    static void closeInJvmStage(String stageId) {
        BlockingQueue<InJvm> arriving = IN_JVM_STAGES.remove(stageId);
        if (arriving != null) {
            synchronized (arriving) {
                for (InJvm late = arriving.poll(); late != null; late = arriving.poll()) {
                    late.refuse("the stage had started without it");
                }
            }
        }
    }

    /**
     * A task of in-JVM stage {@code stageId}: its channel, given to the driver. A stage that has
     * closed (its tasks all came, or the driver gave up on it) fails the task at once: nothing
     * would serve it.
     */
    static InJvm connectInJvm(String stageId, ResidentProtocol.Hello hello, long timeoutMillis, Watch killed)
            throws IOException {
        BlockingQueue<InJvm> arriving = IN_JVM_STAGES.get(stageId);
        if (arriving != null) {
            // closing removes the queue, then turns away what it holds: under its lock, a task is either in it or refused
            synchronized (arriving) {
                if (IN_JVM_STAGES.get(stageId) == arriving) {
                    InJvm channel = new InJvm(hello, timeoutMillis, killed);
                    arriving.add(channel);
                    return channel;
                }
            }
        }
        throw new IOException("resident stage " + stageId + " has closed; this task of " + hello + " came too late");
    }
}
