package org.sparkbackprop.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ExamplePartition;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Backpropagation;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Parameters;

/**
 * One partition's resident task: it reads its cached blocks once, connects to the driver,
 * proves it belongs to this run, and then, step after step, reads the weights and the batch's
 * sorted indices, sums the gradients of its members of the batch, and sends the sums back,
 * until the driver says stop. A named class, not a closure, run by a barrier stage so that all
 * partitions' tasks run at once.
 */
final class ResidentTask extends scala.runtime.AbstractFunction1<scala.collection.Iterator<ExampleBlock>,
        scala.collection.Iterator<Object>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int POLL_MILLIS = 100;

    private final String driverHost;
    private final int driverPort;
    private final byte[] secret;
    private final Architecture architecture;
    private final int capacity;
    private final int timeoutMillis;

    /**
     * {@code secret}: this run's, travelling inside the task; {@code capacity}: the largest batch;
     * {@code timeoutMillis}: how long to wait for the driver to connect or to send a message.
     */
    ResidentTask(String driverHost, int driverPort, byte[] secret, Architecture architecture, int capacity,
                 int timeoutMillis) {
        this.driverHost = driverHost;
        this.driverPort = driverPort;
        this.secret = secret.clone();
        this.architecture = architecture;
        this.capacity = capacity;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public scala.collection.Iterator<Object> apply(scala.collection.Iterator<ExampleBlock> blocks) {
        int partitionIndex = TaskContext.getPartitionId();
        try (Socket socket = new Socket()) {
            // connect first, then read the blocks (recomputed from the input after a loss, which can take
            // long): the driver knows at once that every task of the stage is running
            socket.connect(new InetSocketAddress(driverHost, driverPort), timeoutMillis);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
            ResidentProtocol.prove(secret, partitionIndex, in, out);
            List<ExampleBlock> list = new ArrayList<>();
            while (blocks.hasNext()) {
                list.add(blocks.next());
            }
            ExamplePartition partition = new ExamplePartition(list);
            WorkspacePool.withWorkspace(architecture, capacity, workspace -> {
                serve(partition, workspace, socket, in, out);
                return null;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("resident task of partition " + partitionIndex + ": " + e.getMessage(), e);
        }
        return scala.collection.Iterator$.MODULE$.empty();
    }

    /** Answers steps until the driver says stop, or Spark kills the task. */
    private void serve(ExamplePartition partition, org.sparkbackprop.network.Workspace workspace, Socket socket,
                       DataInputStream in, DataOutputStream out) {
        Parameters parameters = new Parameters(architecture);
        try {
            while (true) {
                byte type = awaitMessage(socket, in);
                if (type == ResidentProtocol.STOP) {
                    return;
                }
                if (type != ResidentProtocol.STEP) {
                    throw new IOException("unexpected message " + type + " from the driver");
                }
                long step = in.readLong();
                long[] batch = ResidentProtocol.readBatch(in, capacity);
                parameters.readValues(in);
                long started = System.nanoTime();
                Gradients sums = null;
                if (partition.copyMembers(batch, workspace) > 0) {
                    sums = new Gradients(architecture);
                    Backpropagation.accumulateGradients(parameters, workspace, sums);
                }
                ResidentProtocol.writeSums(out, step, sums, System.nanoTime() - started);
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The next message's type. A task that Spark kills (its job cancelled, its stage failed) is
     * only told so by a flag, which a thread blocked on a socket never sees: so the wait polls,
     * looking at the flag every {@link #POLL_MILLIS} ms, and gives up after the timeout.
     */
    private byte awaitMessage(Socket socket, DataInputStream in) throws IOException {
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
