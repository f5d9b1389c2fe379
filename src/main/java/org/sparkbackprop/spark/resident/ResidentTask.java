package org.sparkbackprop.spark.resident;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.StorageLevel;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ExamplePartition;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Backpropagation;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Workspace;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.step.WorkspacePool;

/**
 * One partition's resident task: it connects to the driver (proving over a socket that it
 * belongs to this run, or through queues when it runs in the driver's JVM, see
 * {@link ResidentChannel}), reads its cached blocks once, and then, step after step, takes the
 * weights and the batch's sorted indices, sums the gradients of its members of the batch, and
 * hands the sums back, until the driver says stop. A named class, not a closure, run by a
 * barrier stage so that all partitions' tasks run at once (a plain one under dynamic allocation,
 * where the driver's start deadline makes sure they do).
 */
final class ResidentTask extends scala.runtime.AbstractFunction1<scala.collection.Iterator<ExampleBlock>,
        scala.collection.Iterator<Object>> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String inJvmStage;
    private final long stage;
    private final String driverHost;
    private final int driverPort;
    private final byte[] secret;
    private final boolean sealing;
    private final Architecture architecture;
    private final int capacity;
    private final Kernel kernel;
    private final long startMillis;
    private final long timeoutMillis;
    /** The stage's partition count, and whether its tasks connect to each other for sliced steps. */
    private final int partitions;
    private final boolean mesh;
    /** How a partition cached on disk is read where the task runs; null for blocks readable anywhere. */
    private final BlockCache.PartitionRebuild rebuild;
    /** The cached blocks the task reads, kept where it runs; null when they are not cached, or the task runs in the driver. */
    private final CachedBlocks cached;

    /** Spark's cache of the blocks: the id of the persisted RDD, and its storage level. */
    record CachedBlocks(int rdd, StorageLevel level) implements Serializable {
    }

    /**
     * {@code inJvmStage}: the stage's id when its tasks in the driver's JVM use queues, else null;
     * {@code stage}: the number the driver drew for this stage, which the task names in its
     * handshake; {@code secret}: this run's, travelling inside the task; {@code sealing}: whether
     * the channel is sealed ({@link ChannelKeys}); {@code capacity}: the
     * largest batch; {@code kernel}: what runs the products; {@code startMillis}: the
     * driver's deadline for a stage's tasks to connect; {@code timeoutMillis}: how long to
     * wait for a message from the driver; {@code partitions}: the stage's; {@code mesh}: whether
     * the tasks connect to each other for sliced steps ({@link PeerMesh}); {@code rebuild}: how to
     * read blocks cached on another executor's disk, or null; {@code cached}: the cache the
     * blocks come from, moved to where the task runs when they were read from another executor
     * ({@link #keepHere}), or null.
     */
    ResidentTask(String inJvmStage, long stage, String driverHost, int driverPort, byte[] secret, boolean sealing,
                 Architecture architecture, int capacity, Kernel kernel, long startMillis, long timeoutMillis,
                 int partitions, boolean mesh, BlockCache.PartitionRebuild rebuild, CachedBlocks cached) {
        this.inJvmStage = inJvmStage;
        this.stage = stage;
        this.driverHost = driverHost;
        this.driverPort = driverPort;
        this.secret = secret.clone();
        this.sealing = sealing;
        this.architecture = architecture;
        this.capacity = capacity;
        this.kernel = kernel;
        this.startMillis = startMillis;
        this.timeoutMillis = timeoutMillis;
        this.partitions = partitions;
        this.mesh = mesh;
        this.rebuild = rebuild;
        this.cached = cached;
    }

    @Override
    public scala.collection.Iterator<Object> apply(scala.collection.Iterator<ExampleBlock> blocks) {
        TaskContext task = TaskContext.get();
        ResidentProtocol.Hello hello = new ResidentProtocol.Hello(stage, task.partitionId(), task.stageAttemptNumber(),
                task.attemptNumber());
        ResidentChannel.Watch killed = ResidentChannel.killOf(task);
        try {
            // connect first, then read the blocks (recomputed from the input after a loss, which can take
            // long): the driver knows at once that every task of the stage is running
            if (inJvmStage != null) {
                serve(blocks, ResidentChannel.connectInJvm(inJvmStage, hello, timeoutMillis, killed));
                return nothing();
            }
            try (ResidentChannel.Connection connection = connect()) {
                // the driver admits the stage's tasks within its start deadline, or gives the stage up
                connection.expect("admission by the driver", startMillis, killed);
                ChannelKeys keys = ChannelKeys.inThisJvm(secret, sealing);
                int maxMessageBytes = ResidentProtocol.maxMessageBytes(architecture, capacity);
                handshake(connection, keys, hello, maxMessageBytes);
                try (PeerMesh peers = mesh ? PeerMesh.form(connection, keys, hello,
                        new Slices(architecture.parameterCount(), partitions), maxMessageBytes, startMillis,
                        timeoutMillis, killed) : null) {
                    serve(blocks, new ResidentChannel.TaskSocket(connection, architecture, capacity, timeoutMillis,
                            killed, peers));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("resident task of " + hello + ": " + e.getMessage(), e);
        }
        return nothing();
    }

    /**
     * The task's side of the handshake on {@code connection}: returns once the driver, having
     * proved itself, admitted the task; throws saying why otherwise.
     */
    static void handshake(ResidentChannel.Connection connection, ChannelKeys keys, ResidentProtocol.Hello hello,
                          int maxMessageBytes) throws IOException {
        byte[] taskNonce = new byte[ResidentProtocol.NONCE_BYTES];
        new SecureRandom().nextBytes(taskNonce);
        ResidentProtocol.writeHello(connection.out, hello, taskNonce);
        byte[] driverNonce = ResidentProtocol.readChallenge(connection.in, keys, hello, taskNonce);
        ResidentProtocol.writeProof(connection.out, keys, hello, taskNonce, driverNonce);
        keys.seal(connection, taskNonce, driverNonce, false, maxMessageBytes);
        ResidentProtocol.readAdmission(connection.in);
    }

    private ResidentChannel.Connection connect() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(driverHost, driverPort), ResidentProtocol.HANDSHAKE_MILLIS);
            return new ResidentChannel.Connection(socket);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot reach the driver at " + driverHost + ":" + driverPort + " (" + e.getMessage()
                    + ")", e);
        }
    }

    /**
     * An empty Scala iterator, on Scala 2.12 (whose {@code Iterator.empty} is an
     * {@code Iterator[Nothing]}) and 2.13 (a generic method) alike.
     */
    @SuppressWarnings("unchecked")
    private static scala.collection.Iterator<Object> nothing() {
        return (scala.collection.Iterator<Object>) (scala.collection.Iterator<?>) scala.collection.Iterator$.MODULE$.empty();
    }

    /** Answers steps until the driver says stop, or Spark kills the task. */
    private void serve(scala.collection.Iterator<ExampleBlock> blocks, ResidentChannel.TaskEnd channel) {
        List<ExampleBlock> list = new ArrayList<>();
        while (blocks.hasNext()) {
            list.add(blocks.next());
        }
        ExamplePartition partition;
        try {
            List<ExampleBlock> readable = rebuild == null ? list : rebuild.readableHere(list);
            keepHere(readable);
            partition = new ExamplePartition(readable);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WorkspacePool.withWorkspace(architecture, capacity, kernel, workspace -> {
            try {
                answerSteps(partition, workspace, channel);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
        });
    }

    /**
     * Caches {@code blocks} on this executor when Spark read them from another one: after a loss
     * the steps ran as jobs on the executors left, which cached the lost partition there, and the
     * replacement executor's task read it from them. Kept here and nowhere else, the next stage
     * finds each partition where its task runs, and Spark's scheduler launches the stage at
     * once; else it waits out spark.locality.wait (3 s by default) at every epoch's start for a
     * slot next to the block that the other partition's task holds.
     */
    private void keepHere(List<ExampleBlock> blocks) {
        SparkEnv env = SparkEnv.get();
        if (cached == null || env == null || !cached.level().isValid()) {
            return;
        }
        BlockManager manager = env.blockManager();
        RDDBlockId id = new RDDBlockId(cached.rdd(), TaskContext.get().partitionId());
        // Spark caches a block it computes where it computes it: one not here was fetched from another executor
        if (manager.getStatus(id).isDefined()) {
            return;
        }
        // first the other copies, as the master knows them now, then this one
        manager.master().removeBlock(id);
        Iterator<ExampleBlock> each = blocks.iterator();
        manager.putIterator(id, new scala.collection.AbstractIterator<ExampleBlock>() {
            @Override
            public boolean hasNext() {
                return each.hasNext();
            }

            @Override
            public ExampleBlock next() {
                return each.next();
            }
        }, cached.level(), true, scala.reflect.ClassTag$.MODULE$.apply(ExampleBlock.class));
    }

    private void answerSteps(ExamplePartition partition, Workspace workspace, ResidentChannel.TaskEnd channel)
            throws IOException {
        for (ResidentChannel.Request request = channel.await(); request != null; request = channel.await()) {
            long started = System.nanoTime();
            Gradients sums = null;
            if (partition.copyMembers(request.sortedBatch, workspace) > 0) {
                sums = new Gradients(architecture);
                Backpropagation.accumulateGradients(request.parameters, workspace, sums);
            }
            channel.answer(request.step, sums, System.nanoTime() - started);
        }
    }
}
