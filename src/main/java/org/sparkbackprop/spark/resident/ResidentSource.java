package org.sparkbackprop.spark.resident;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.common.Throwables;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.input.PartitionCount;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.spark.step.StepProfile;
import org.sparkbackprop.training.GradientSource;

/**
 * Resident steps ({@code --step-mode resident}): for each epoch's steps, one barrier stage whose
 * tasks, one per partition, stay alive next to their cached blocks ({@link ResidentTask}). Each
 * step the driver sends every task the weights and the batch's sorted indices over a socket of
 * its own, each task sums its members' gradients, and the driver adds the sums in partition
 * order: the step of {@link DistributedSource}, bit for bit, without a Spark job per step.
 * <p>
 * Only this run's tasks are let in: each proves it knows a random secret that travels inside
 * the task ({@link ResidentProtocol}). The stage ends when the epoch's steps are done, so that
 * test scoring runs as jobs, and starts again at the next step. A lost task or executor ends the
 * stage: the driver, which holds the weights, starts a new one and sends the same step again,
 * at once when Spark has a task slot for every partition, else once it has them again (a
 * replacement executor registered); meanwhile the steps run as jobs. {@link Restarts} spaces
 * the tries after failures and ends them when stages keep failing. Where a resident stage
 * cannot run at all (see {@link #unavailable}), steps run as jobs and the log says why.
 */
public final class ResidentSource implements GradientSource {
    /** The driver's port for resident tasks: 0 for any free one; set it where only chosen ports are open. */
    public static final String PORT = "spark.backprop.resident.port";
    /**
     * The port each resident task listens on for its peers under the sliced exchange: 0 (the
     * default) for any free one; else this one or, when it is taken (several tasks on one host),
     * the next ones, up to {@code spark.port.maxRetries}.
     */
    public static final String PEER_PORT = "spark.backprop.resident.peerPort";
    /** Seconds a task or the driver waits for the other before taking it for lost. */
    public static final String TIMEOUT = "spark.backprop.resident.timeout";
    /** Seconds a new stage's tasks have to connect, all of them, before the steps run as jobs. */
    public static final String START_TIMEOUT = "spark.backprop.resident.startTimeout";
    /**
     * In local mode, whether the tasks, which run in the driver's JVM, take the weights in place
     * (true, the default) or over the socket as on a cluster (false: to measure or test that).
     */
    public static final String IN_JVM = "spark.backprop.resident.inJvm";
    private static final Logger LOG = LoggerFactory.getLogger(ResidentSource.class);
    private static final Pattern BARRIER_TASK_FAILED = Pattern.compile(
            "Stage failed because barrier task ResultTask\\(\\d+, (\\d+)\\) finished unsuccessfully\\.");
    /** How long a stage told to stop has to end by itself before it is cancelled. */
    private static final long STOP_MILLIS = 10_000;

    private final JavaSparkContext context;
    private final CachedExamples examples;
    private final int batchCapacity;
    private final Architecture architecture;
    private final long timeoutMillis;
    private final long startMillis;
    /** Dynamic allocation is on: Spark refuses barrier stages, and the stage runs as a plain one. */
    private final boolean dynamicAllocation;
    private final byte[] secret = new byte[32];
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService stageThread = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spark-backprop resident stage");
        thread.setDaemon(true);
        return thread;
    });
    private final ServerSocket server;
    /** The address tasks connect to: {@code spark.driver.host}, as Spark's own RPC advertises it. */
    private final String advertisedHost;
    private final Admission admission;
    private final StageWatch watch = new StageWatch();
    /** The tasks run in this JVM and use queues instead of the socket. */
    private final boolean inJvm;
    /** Spark's network is authenticated or encrypted, and so is the channel ({@link ChannelKeys}). */
    private final boolean sealing;
    /** How tasks read blocks cached on another executor's disk; null when they read them anywhere. */
    private final BlockCache.PartitionRebuild rebuild;
    /** Spark's cache of the examples' blocks, which a task keeps where it runs. */
    private final ResidentTask.CachedBlocks cachedBlocks;
    /** Where the steps go when resident tasks cannot run, and the kernel and combining they share. */
    private final DistributedSource jobs;
    /** The exchange asked for ({@code --exchange}). */
    private final Exchange exchange;
    /** The parameter vector cut into one slice per partition, for sliced steps. */
    private final Slices slices;
    /** The auto exchange's measurement; null unless {@code --exchange auto} may slice. */
    private final ExchangeChoice choice;
    /** Whether the stages' tasks connect to each other for sliced steps; false once they could not. */
    private boolean sliceable;
    /** Whether a stage's tasks have connected to each other yet: the log says so once. */
    private boolean meshFormed;
    /** When a lost or refused stage is tried again, and when the tries end. */
    private final Restarts restarts;
    private Stage stage;
    /** The step being taken, as the trainer counts it (from 1): the log names it. */
    private int epoch;
    private long step;
    private long steps;
    /** When the resident steps stopped ({@link System#nanoTime()}), or 0 while they run or before the first. */
    private long stoppedNanos;
    /** Steps run as jobs since the resident steps stopped. */
    private long jobSteps;
    /** Whether the log said the steps wait for task slots since they stopped. */
    private boolean toldWaiting;
    /** Whether a step ran resident yet. */
    private boolean servedBefore;
    private long stepsSent;
    private long slicedSteps;
    private int stagesStarted;
    private StepProfile lastStep;

    /**
     * A running stage: its job group, its job, a channel to each partition's task, and whether
     * the tasks are connected to each other for sliced steps.
     */
    private record Stage(String group, Future<?> job, ResidentChannel.DriverEnd[] channels, boolean sliced) {
    }

    private ResidentSource(JavaSparkContext context, CachedExamples examples, int batchCapacity, Architecture architecture,
                           DistributedSource jobs, BlockCache cache, Exchange exchange) throws IOException {
        this.context = context;
        this.exchange = exchange;
        this.rebuild = cache.rebuildOf(examples.blocks());
        this.cachedBlocks = new ResidentTask.CachedBlocks(examples.blocks().rdd().id(),
                examples.blocks().rdd().getStorageLevel());
        this.jobs = jobs;
        this.examples = examples;
        this.batchCapacity = batchCapacity;
        this.architecture = architecture;
        SparkConf conf = context.getConf();
        this.timeoutMillis = conf.getTimeAsSeconds(TIMEOUT, "600s") * 1000;
        this.startMillis = Math.min(timeoutMillis, conf.getTimeAsSeconds(START_TIMEOUT,
                ResidentProtocol.START_MILLIS / 1000 + "s") * 1000);
        this.dynamicAllocation = PartitionCount.dynamicAllocation(conf);
        this.restarts = new Restarts(conf.getInt(Restarts.MAX_FAILURES, Restarts.DEFAULT_MAX_FAILURES));
        random.nextBytes(secret);
        this.inJvm = context.isLocal() && conf.getBoolean(IN_JVM, true);
        this.sealing = ChannelKeys.sealingWanted(conf);
        this.slices = new Slices(architecture.parameterCount(), examples.partitions());
        this.sliceable = !inJvm && (exchange == Exchange.SLICED || exchange == Exchange.AUTO && examples.partitions() > 1);
        this.choice = sliceable && exchange == Exchange.AUTO ? new ExchangeChoice() : null;
        if (inJvm && exchange == Exchange.SLICED) {
            LOG.info("--exchange sliced: in local mode the resident tasks take the weights in place, and exchange nothing"
                    + " ({}=false exchanges them over sockets, as on a cluster)", IN_JVM);
        }
        // as Spark's RPC: listen on spark.driver.bindAddress, tell the tasks spark.driver.host (they differ
        // behind NAT, in Docker and on Kubernetes)
        this.advertisedHost = conf.get("spark.driver.host", InetAddress.getLocalHost().getHostAddress());
        String bindAddress = conf.get("spark.driver.bindAddress", advertisedHost);
        this.server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(bindAddress, conf.getInt(PORT, 0)));
            this.admission = new Admission(server, ChannelKeys.inThisJvm(secret, sealing), architecture, batchCapacity);
        } catch (IOException e) {
            server.close();
            throw new IOException(e.getMessage() + " on " + bindAddress + ":" + conf.getInt(PORT, 0), e);
        }
        context.sc().addSparkListener(watch);
    }

    /**
     * Steps on {@code examples} for networks of {@code architecture}: resident when they can be,
     * otherwise as jobs ({@code jobs}), and then the log says why.
     */
    public static GradientSource open(JavaSparkContext context, CachedExamples examples, int batchCapacity,
                                      Architecture architecture, DistributedSource jobs, BlockCache cache,
                                      Exchange exchange) {
        String reason = jobs.combine() == Combine.TREE ? "--combine tree adds the sums through a shuffle, a job per step"
                : unavailable(context, examples);
        if (reason == null) {
            try {
                return new ResidentSource(context, examples, batchCapacity, architecture, jobs, cache, exchange);
            } catch (IOException e) {
                reason = "the driver cannot listen for resident tasks (" + e.getMessage() + ")";
            }
        }
        LOG.info("steps run as Spark jobs: {}", reason);
        return jobs;
    }

    /** Why a resident stage cannot run here, or null when it can. */
    static String unavailable(JavaSparkContext context, CachedExamples examples) {
        return unavailable(context.getConf(), context.defaultParallelism(), examples.partitions());
    }

    /** Why a resident stage of {@code partitions} tasks cannot run under {@code conf}, or null when it can. */
    static String unavailable(SparkConf conf, int defaultParallelism, int partitions) {
        if (PartitionCount.dynamicAllocation(conf)) {
            // executors come for the pending tasks, up to the maximum
            long slots = (long) conf.getInt("spark.dynamicAllocation.maxExecutors", Integer.MAX_VALUE)
                    * PartitionCount.slotsPerExecutor(conf);
            return partitions <= slots ? null : "a resident stage runs all " + partitions + " partitions' tasks at once,"
                    + " and dynamic allocation gives at most " + slots + " task slots (spark.dynamicAllocation.maxExecutors"
                    + " × spark.executor.cores; give --partitions " + slots + ")";
        }
        int slots = defaultParallelism;
        if (partitions > slots) {
            return "a resident stage runs all " + partitions + " partitions' tasks at once, and Spark has "
                    + slots + " task slots (give --partitions " + slots + ", or more executor cores)";
        }
        return null;
    }

    @Override
    public long exampleCount() {
        return examples.exampleCount();
    }

    @Override
    public void stepStarting(int epoch, long step, long steps) {
        this.epoch = epoch;
        this.step = step;
        this.steps = steps;
    }

    /** How many resident stages were started so far: one per epoch, and one more after each loss. */
    int stagesStarted() {
        return stagesStarted;
    }

    /** How many steps ran sliced so far. */
    public long slicedSteps() {
        return slicedSteps;
    }

    /** Whether the tasks run in this JVM and take the weights in place. */
    boolean tasksInDriverJvm() {
        return inJvm;
    }

    /** Whether the channel is sealed ({@link ChannelKeys}). */
    boolean sealing() {
        return sealing;
    }

    /** The port resident tasks connect to. */
    int port() {
        return server.getLocalPort();
    }

    /** The address resident tasks are told to connect to, and the one the driver listens on. */
    String[] addresses() {
        return new String[] {advertisedHost, server.getInetAddress().getHostAddress()};
    }

    /** Where the last step spent its time; null before the first. */
    public StepProfile lastStep() {
        return lastStep;
    }

    @Override
    public Gradients sumGradients(Parameters parameters, long[] sortedBatch) {
        while (true) {
            if (stage == null && !startWhenReady()) {
                return jobStep(parameters, sortedBatch);
            }
            try {
                Gradients sums = step(parameters, sortedBatch);
                restarts.served();
                if (stoppedNanos != 0) {
                    sayResidentAgain();
                }
                servedBefore = true;
                return sums;
            } catch (IOException e) {
                String why = watch.lost() != null ? watch.lost() : describe(e);
                stopStage(true);
                long now = System.nanoTime();
                restarts.lost(now);
                stopped(now);
                LOG.warn("resident tasks lost at {} ({}); {}", position(), why, afterLoss(now));
            }
        }
    }

    /** The first resident step since they stopped (or since the first step, which could not be) is done. */
    private void sayResidentAgain() {
        LOG.info("resident steps {}from {}, {} s after {} ({})", servedBefore ? "again " : "", position(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - stoppedNanos) / 1e9),
                servedBefore ? "they stopped" : "the first step", jobSteps == 0 ? "no step ran as a Spark job"
                        : jobSteps == 1 ? "1 step ran as a Spark job meanwhile" : jobSteps + " steps ran as Spark jobs meanwhile");
        stoppedNanos = 0;
    }

    /** What becomes of the steps after a stage was lost at {@code now}. */
    private String afterLoss(long now) {
        if (restarts.givenUp()) {
            return givenUp();
        }
        String waiting = waitingFor();
        if (waiting != null) {
            toldWaiting = true;
            return waiting;
        }
        return restarts.mayTry(now) ? "starting them again for this step"
                : "the steps run as Spark jobs, and the driver starts them again in "
                        + ResidentChannel.formatMillis(restarts.pauseMillis());
    }

    /** One step as a Spark job, while the resident stage is down. */
    private Gradients jobStep(Parameters parameters, long[] sortedBatch) {
        jobs.stepStarting(epoch, step, steps);
        jobSteps++;
        return jobs.sumGradients(parameters, sortedBatch);
    }

    /** Where the training is, for the log: "epoch 4, step 312/1875". */
    private String position() {
        return "epoch " + epoch + ", step " + step + "/" + steps;
    }

    /** The resident steps stopped at {@code now}, unless they had already. */
    private void stopped(long now) {
        if (stoppedNanos == 0) {
            stoppedNanos = now;
            jobSteps = 0;
            toldWaiting = false;
        }
    }

    /**
     * Starts a stage when one may be tried: not within a pause after a failure, and (but for a
     * stage under dynamic allocation, whose pending tasks ask for the executors) with a task slot
     * for each partition. False, after the log said why when it is news, when the step is to run
     * as a job.
     */
    private boolean startWhenReady() {
        long now = System.nanoTime();
        if (!restarts.mayTry(now)) {
            return false;
        }
        String waiting = waitingFor();
        if (waiting != null) {
            stopped(now);
            if (!toldWaiting) {
                toldWaiting = true;
                LOG.warn("resident tasks cannot start at {}: {}", position(), waiting);
            }
            return false;
        }
        String failure = tryStart();
        if (failure != null) {
            stopped(now);
            LOG.warn("resident tasks could not start at {} ({}); {}", position(), failure, afterFailure());
            return false;
        }
        return true;
    }

    /**
     * What a new stage waits for, or null when it may start now: a task slot for each partition,
     * counted as Spark's barrier check counts them (every executor's cores over spark.task.cpus).
     * Under dynamic allocation a stage's pending tasks are what ask for executors, and it may
     * always start.
     */
    private String waitingFor() {
        if (dynamicAllocation) {
            return null;
        }
        int slots = slots();
        return slots >= examples.partitions() ? null : "the steps run as Spark jobs until Spark has "
                + examples.partitions() + " task slots (it has " + slots + ": an executor is lost, or not yet registered)";
    }

    private int slots() {
        SparkContext spark = context.sc();
        return spark.maxNumConcurrentTasks(spark.resourceProfileManager().defaultResourceProfile());
    }

    /** Starts a stage; null when its tasks all connected, else why they did not. */
    private String tryStart() {
        context.setJobDescription("epoch " + epoch + " resident steps");
        try {
            startStage();
            restarts.started();
            return null;
        } catch (IOException e) {
            stopStage(true);
            restarts.failed(System.nanoTime());
            return describe(e);
        }
    }

    /** What follows a failed stage: the next try, or none. */
    private String afterFailure() {
        return restarts.givenUp() ? givenUp() : "the steps run as Spark jobs, and the driver tries again "
                + (restarts.pauseMillis() == 0 ? "at the next step" : "in " + ResidentChannel.formatMillis(restarts.pauseMillis()))
                + " (" + restarts.failuresInARow() + " of " + restarts.maxFailures() + " failures in a row, "
                + Restarts.MAX_FAILURES + ")";
    }

    private String givenUp() {
        return restarts.maxFailures() + " resident stages in a row failed (" + Restarts.MAX_FAILURES + "): the"
                + " remaining steps run as Spark jobs";
    }

    /** The epoch's steps are done: the stage ends, so that scoring jobs find free cores. */
    @Override
    public void epochStepsDone() {
        stopStage(false);
    }

    @Override
    public void close() {
        stopStage(false);
        stageThread.shutdownNow();
        admission.close();
        context.sc().removeSparkListener(watch);
        try {
            server.close();
        } catch (IOException ignored) {
            // the port is released either way
        }
    }

    /** Which exchange the steps use now: the one asked for, or auto's choice, or star where the tasks have no mesh. */
    Exchange exchangeInUse() {
        if (stage != null ? !stage.sliced() : !sliceable) {
            return Exchange.STAR;
        }
        return choice == null ? Exchange.SLICED : choice.next();
    }

    /** One step, with the exchange in use; auto's measurement counts it. */
    private Gradients step(Parameters parameters, long[] sortedBatch) throws IOException {
        Exchange used = exchangeInUse();
        long started = System.nanoTime();
        Gradients total = used == Exchange.SLICED ? slicedStep(parameters, sortedBatch) : starStep(parameters, sortedBatch);
        // measured only while both can run: after the tasks failed to connect to each other, the star runs unmeasured
        if (choice != null && stage.sliced() && choice.record(used, System.nanoTime() - started)) {
            LOG.info("--exchange auto: {}", choice.describe());
        }
        return total;
    }

    /**
     * Sends every task its slice of the weights in chunks (its peers pass them on), then reads
     * each owner's slice of the sums, which it added in partition order ({@link PeerMesh}), chunk
     * by chunk as the owners send them.
     */
    private Gradients slicedStep(Parameters parameters, long[] sortedBatch) throws IOException {
        long started = System.nanoTime();
        long step = ++stepsSent;
        byte[] message = ResidentProtocol.slicedStep(step, sortedBatch);
        ResidentChannel.OverSocket[] owners = new ResidentChannel.OverSocket[stage.channels().length];
        for (int slice = 0; slice < owners.length; slice++) {
            owners[slice] = (ResidentChannel.OverSocket) stage.channels()[slice];
            owners[slice].sendSliced(message);
        }
        // chunk 0 to every owner first, then chunk 1, ...: each owner passes its chunks on while the next come
        for (int chunk = 0; chunk < slices.maxChunks(); chunk++) {
            for (int slice = 0; slice < owners.length; slice++) {
                if (chunk < slices.chunks(slice)) {
                    owners[slice].sendWeights(step, chunk, parameters, slices.chunkFrom(slice, chunk),
                            slices.chunkTo(slice, chunk));
                }
            }
        }
        long sent = System.nanoTime();
        Parameters sums = new Parameters(architecture);
        ResidentChannel.Watch stageEnded = stageEnded(stage.job());
        ResidentProtocol.SliceAnswer first = null;
        long computeNanos = 0;
        for (int chunk = 0; chunk < slices.maxChunks(); chunk++) {
            for (int slice = 0; slice < owners.length; slice++) {
                if (chunk >= slices.chunks(slice)) {
                    continue;
                }
                ResidentProtocol.SliceAnswer answer = owners[slice].receiveSlice(step, chunk, timeoutMillis, stageEnded,
                        sums, slices.chunkFrom(slice, chunk), slices.chunkTo(slice, chunk));
                if (first == null) {
                    first = answer;
                } else if (answer.present() != first.present() || answer.exampleCount() != first.exampleCount()
                        || Double.doubleToRawLongBits(answer.lossSum()) != Double.doubleToRawLongBits(first.lossSum())) {
                    throw new IOException("the owners of slices 0 and " + slice + " disagree on step " + step
                            + "'s example count or loss");
                }
                computeNanos = Math.max(computeNanos, answer.computeNanos());
            }
        }
        long received = System.nanoTime();
        lastStep = new StepProfile(sent - started, received - sent, computeNanos, 0, 0);
        slicedSteps++;
        return Gradients.of(sums, first.exampleCount(), first.lossSum());
    }

    /** Sends the step to every task, then reads their sums in partition order and adds them in that order. */
    private Gradients starStep(Parameters parameters, long[] sortedBatch) throws IOException {
        long started = System.nanoTime();
        long step = ++stepsSent;
        ResidentChannel.Request request = new ResidentChannel.Request(step, sortedBatch, parameters);
        for (ResidentChannel.DriverEnd channel : stage.channels()) {
            channel.send(request);
        }
        long sent = System.nanoTime();
        List<Gradients> partials = new ArrayList<>(stage.channels().length);
        long computeNanos = 0;
        ResidentChannel.Watch stageEnded = stageEnded(stage.job());
        for (ResidentChannel.DriverEnd channel : stage.channels()) {
            ResidentProtocol.Answer answer = channel.receive(step, timeoutMillis, stageEnded);
            partials.add(answer.sums());
            computeNanos = Math.max(computeNanos, answer.computeNanos());
        }
        long received = System.nanoTime();
        Gradients total = Gradients.sumInOrder(partials, architecture);
        long combined = System.nanoTime();
        lastStep = new StepProfile(sent - started, received - sent, computeNanos, combined - received, 0);
        return total;
    }

    /** What a wait on a serving stage looks at: a task lost, or the stage's job ended. */
    private ResidentChannel.Watch stageEnded(Future<?> job) {
        return () -> {
            if (watch.lost() != null) {
                throw new IOException(watch.lost());
            }
            if (job.isDone()) {
                throw new IOException("the resident stage ended: " + failure(job));
            }
        };
    }

    private void startStage() throws IOException {
        int partitions = examples.partitions();
        String group = "spark-backprop resident " + UUID.randomUUID();
        long stageNumber = random.nextLong();
        BlockingQueue<ResidentChannel.InJvm> arriving = inJvm ? ResidentChannel.openInJvmStage(group) : null;
        ResidentTask task = new ResidentTask(inJvm ? group : null, stageNumber, advertisedHost, server.getLocalPort(),
                secret, sealing, architecture, batchCapacity, jobs.kernel(), startMillis, timeoutMillis, partitions,
                sliceable, rebuild, inJvm ? null : cachedBlocks);
        boolean mesh = sliceable;
        String description = context.getLocalProperty("spark.job.description");
        watch.watch(group);
        Future<?> job = stageThread.submit(() -> {
            context.setJobGroup(group, description == null ? "resident steps" : description, true);
            scala.reflect.ClassTag<Object> any = scala.reflect.ClassTag$.MODULE$.apply(Object.class);
            // a barrier stage launches all tasks at once or none; Spark refuses one under dynamic allocation,
            // where a plain stage's pending tasks ask for executors and the start deadline stands in for the barrier
            return (dynamicAllocation ? examples.blocks().rdd().mapPartitions(task, false, any)
                    : examples.blocks().rdd().barrier().mapPartitions(task, false, any)).count();
        });
        stage = new Stage(group, job, new ResidentChannel.DriverEnd[partitions], false);
        stagesStarted++;
        try {
            Admission.Admitted admitted = admission.await(stageNumber, partitions, arriving,
                    startMillis, () -> {
                        if (job.isDone()) {
                            String failure = failure(job);
                            // Spark's check of free slots for a barrier stage fails it with a long message naming this ticket
                            throw new IOException(failure.contains("SPARK-24819")
                                    ? "Spark has fewer free task slots than the " + partitions + " partitions, whose tasks"
                                            + " a resident stage runs at once"
                                    : "the stage ended before its tasks connected: " + failure);
                        }
                    });
            stage = new Stage(group, job, admitted.channels(), false);
            // a task of the stage that ends from now on is a loss: closing the channels wakes a send or a receive
            watch.serving(admitted.stageAttempt(), admitted.taskAttempts(), () -> {
                for (ResidentChannel.DriverEnd channel : admitted.channels()) {
                    channel.close();
                }
            });
            if (mesh) {
                String failure = formMesh(admitted.channels(), stageEnded(job));
                if (failure == null) {
                    stage = new Stage(group, job, admitted.channels(), true);
                    if (!meshFormed) {
                        meshFormed = true;
                        LOG.info("sliced steps: the {} tasks are connected to each other", partitions);
                    }
                } else {
                    LOG.warn("the resident tasks could not connect to each other ({}); the steps use --exchange star",
                            failure);
                    sliceable = false;
                }
            }
        } finally {
            if (inJvm) {
                ResidentChannel.closeInJvmStage(group);
            }
        }
    }

    /**
     * Lets the stage's tasks connect to each other: collects where each listens, tells them all,
     * and collects whether each reached its peers, within the start deadline. Null when they all
     * did, else the first reason one could not.
     */
    private String formMesh(ResidentChannel.DriverEnd[] channels, ResidentChannel.Watch stageEnded) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startMillis);
        ResidentProtocol.Peer[] peers = new ResidentProtocol.Peer[channels.length];
        String failure = null;
        for (int partition = 0; partition < channels.length; partition++) {
            ResidentProtocol.PeerOffer offer = ((ResidentChannel.OverSocket) channels[partition])
                    .receivePeer(remainingMillis(deadline), stageEnded);
            peers[partition] = offer.peer();
            if (offer.failure() != null && failure == null) {
                failure = "partition " + partition + ": " + offer.failure();
            }
        }
        for (ResidentChannel.DriverEnd channel : channels) {
            ((ResidentChannel.OverSocket) channel).sendPeers(failure == null ? peers : new ResidentProtocol.Peer[0]);
        }
        for (int partition = 0; partition < channels.length; partition++) {
            String reason = ((ResidentChannel.OverSocket) channels[partition])
                    .receiveMesh(remainingMillis(deadline) + PeerMesh.MESH_MILLIS, stageEnded);
            if (reason != null && failure == null) {
                failure = "partition " + partition + ": " + reason;
            }
        }
        return failure;
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /**
     * Tells the tasks to stop, and ends the stage's job; cancels it when it does not end by itself,
     * or at once when the stage was {@code lost}.
     */
    private void stopStage(boolean lost) {
        if (stage == null) {
            return;
        }
        Stage stopping = stage;
        stage = null;
        watch.stop();
        for (ResidentChannel.DriverEnd channel : stopping.channels()) {
            if (channel != null) {
                channel.stop();
            }
        }
        try {
            stopping.job().get(lost ? 0 : STOP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            LOG.debug("the resident stage ended with {}", e.getCause().toString());
        } catch (TimeoutException e) {
            context.sc().cancelJobGroup(stopping.group());
            try {
                stopping.job().get(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException ignored) {
                // cancelled: the job ended or is ending
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (ResidentChannel.DriverEnd channel : stopping.channels()) {
                if (channel != null) {
                    channel.close();
                }
            }
        }
    }

    private static String describe(IOException e) {
        // a wait that timed out says what it waited for and how long ("no answer to step 7 within 600 s")
        return e instanceof java.io.EOFException ? "a task's connection closed"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String failure(Future<?> job) {
        try {
            job.get();
            return "it finished";
        } catch (ExecutionException e) {
            return sparkFailure(String.valueOf(Throwables.innermost(e).getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * A stage's failure as Spark words it, in one line and without the wrapping: "Job aborted due
     * to stage failure: Could not recover from a failed barrier ResultStage. Most recent failure
     * reason: Stage failed because barrier task ResultTask(5, 0) finished unsuccessfully.\n
     * ExecutorLostFailure (...)" becomes "the task of partition 0 failed: ExecutorLostFailure (...)".
     */
    static String sparkFailure(String message) {
        String reason = message;
        for (String wrapping : List.of("Job aborted due to stage failure: ",
                "Could not recover from a failed barrier ResultStage. Most recent failure reason: ")) {
            if (reason.startsWith(wrapping)) {
                reason = reason.substring(wrapping.length());
            }
        }
        Matcher barrierTask = BARRIER_TASK_FAILED.matcher(reason);
        if (barrierTask.lookingAt()) {
            String cause = reason.substring(barrierTask.end()).strip().lines().findFirst().orElse("");
            return "the task of partition " + barrierTask.group(1) + " failed" + (cause.isEmpty() ? "" : ": " + cause);
        }
        return reason.lines().findFirst().orElse("");
    }
}
