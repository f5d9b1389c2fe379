package org.sparkbackprop.spark.resident;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
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
 * the form.
 */
final class ResidentChannel {
    /** Polling interval of every wait: a task checks whether Spark killed it, the driver whether the stage ended. */
    static final int POLL_MILLIS = 100;

    /**
     * Stages whose tasks run in this JVM, by stage id: each of their tasks puts its {@link InJvm}
     * channel in the queue, where the driver takes it. Static because a local-mode task is
     * deserialized in this JVM and has no other way to the driver's objects.
     */
    private static final Map<String, BlockingQueue<InJvm>> IN_JVM_STAGES = new ConcurrentHashMap<>();

    private ResidentChannel() {
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
        void send(Request request) throws IOException;

        /**
         * The task's answer to step {@code step}; an IOException when it does not come within the
         * run's timeout or the stage ({@code job}) ended.
         */
        ResidentProtocol.Answer receive(long step, Future<?> job) throws IOException;

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

    /** A channel over a socket whose handshake is done. */
    record OverSocket(Socket socket, DataInputStream in, DataOutputStream out, Architecture architecture)
            implements DriverEnd {
        @Override
        public void send(Request request) throws IOException {
            out.write(request.message());
            out.flush();
        }

        @Override
        public ResidentProtocol.Answer receive(long step, Future<?> job) throws IOException {
            // the socket's own timeout bounds the wait; a task that ends closes it
            return ResidentProtocol.readSums(in, step, architecture);
        }

        @Override
        public void stop() {
            try {
                out.writeByte(ResidentProtocol.STOP);
                out.flush();
            } catch (IOException ignored) {
                // a task that cannot be told is cancelled with its stage
            }
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

    /** The task's end of a socket: reads each step's weights into its own copy. */
    static final class TaskSocket implements TaskEnd {
        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;
        private final Parameters parameters;
        private final int capacity;
        private final int timeoutMillis;

        TaskSocket(Socket socket, DataInputStream in, DataOutputStream out, Architecture architecture, int capacity,
                   int timeoutMillis) {
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.parameters = new Parameters(architecture);
            this.capacity = capacity;
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public Request await() throws IOException {
            byte type = awaitType();
            if (type == ResidentProtocol.STOP) {
                return null;
            }
            if (type != ResidentProtocol.STEP) {
                throw new IOException("unexpected message " + type + " from the driver");
            }
            long step = in.readLong();
            long[] batch = ResidentProtocol.readBatch(in, capacity);
            parameters.readValues(in);
            return new Request(step, batch, parameters);
        }

        @Override
        public void answer(long step, Gradients sums, long computeNanos) throws IOException {
            ResidentProtocol.writeSums(out, step, sums, computeNanos);
            out.flush();
        }

        /**
         * The next message's type. A task that Spark kills (its job cancelled, its stage failed) is
         * only told so by a flag, which a thread blocked on a socket never sees: so the wait polls,
         * looking at the flag every {@link #POLL_MILLIS} ms, and gives up after the timeout.
         */
        private byte awaitType() throws IOException {
            TaskContext task = TaskContext.get();
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            socket.setSoTimeout(POLL_MILLIS);
            while (true) {
                task.killTaskIfInterrupted();
                try {
                    byte type = in.readByte();
                    socket.setSoTimeout(timeoutMillis);
                    return type;
                } catch (SocketTimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("no message from the driver in " + timeoutMillis / 1000 + " s");
                    }
                }
            }
        }
    }

    /** Both ends of a channel inside one JVM: a queue each way. */
    static final class InJvm implements DriverEnd, TaskEnd {
        private static final Request STOP = new Request(-1, new long[0], null);
        final int partition;
        private final int timeoutMillis;
        private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
        private final BlockingQueue<ResidentProtocol.Answer> answers = new LinkedBlockingQueue<>();

        InJvm(int partition, int timeoutMillis) {
            this.partition = partition;
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public void send(Request request) {
            requests.add(request);
        }

        @Override
        public ResidentProtocol.Answer receive(long step, Future<?> job) throws IOException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                ResidentProtocol.Answer answer = take(answers);
                if (answer != null) {
                    return answer;
                }
                if (job.isDone()) {
                    throw new IOException("the resident stage ended");
                }
                if (System.nanoTime() > deadline) {
                    throw new SocketTimeoutException();
                }
            }
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
        public Request await() throws IOException {
            TaskContext task = TaskContext.get();
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                task.killTaskIfInterrupted();
                Request request = take(requests);
                if (request != null) {
                    return request == STOP ? null : request;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("no message from the driver in " + timeoutMillis / 1000 + " s");
                }
            }
        }

        @Override
        public void answer(long step, Gradients sums, long computeNanos) {
            answers.add(new ResidentProtocol.Answer(sums, computeNanos));
        }

        private static <T> T take(BlockingQueue<T> queue) throws IOException {
            try {
                return queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for the other end");
            }
        }
    }

    /** Makes stage {@code stageId}'s tasks that run in this JVM use queues; its channels arrive in the result. */
    static BlockingQueue<InJvm> openInJvmStage(String stageId) {
        BlockingQueue<InJvm> arriving = new LinkedBlockingQueue<>();
        IN_JVM_STAGES.put(stageId, arriving);
        return arriving;
    }

    static void closeInJvmStage(String stageId) {
        IN_JVM_STAGES.remove(stageId);
    }

    /** A task of stage {@code stageId} in this JVM: its channel, given to the driver; null when the stage uses sockets. */
    static InJvm connectInJvm(String stageId, int partition, int timeoutMillis) {
        BlockingQueue<InJvm> arriving = stageId == null ? null : IN_JVM_STAGES.get(stageId);
        if (arriving == null) {
            return null;
        }
        InJvm channel = new InJvm(partition, timeoutMillis);
        arriving.add(channel);
        return channel;
    }
}
