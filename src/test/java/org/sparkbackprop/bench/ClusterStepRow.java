package org.sparkbackprop.bench;

import static org.sparkbackprop.bench.Table.f;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.GradientDescent;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.spark.SparkDefaults;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.input.IdxSource;
import org.sparkbackprop.spark.resident.Exchange;
import org.sparkbackprop.spark.resident.ResidentSource;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.spark.step.StepProfile;
import org.sparkbackprop.training.EpochOrder;
import org.sparkbackprop.training.GradientSource;

/**
 * The resident step on a real standalone cluster on this machine (a Master and 2 Workers of
 * 1 core on 127.0.0.1, started with {@code submit/local-cluster.sh}; the executors are JVMs of
 * their own, this JVM is the driver) against the same step in {@code local[2]}, where the tasks
 * share the driver's JVM. One SparkContext at a time, so the two sides alternate by session:
 * local, cluster, local, cluster; the medians of all steps of each side count. Both sides run
 * the same steps from the same weights, and must end with the same bits. A third side, a second
 * cluster with Spark's network authenticated and encrypted, gives the sealed channel's cost.
 */
final class ClusterStepRow {
    static final int[] SIZES = {784, 30, 10};
    static final int BATCH = 128;
    private static final int ROUNDS = 2;
    private final boolean quick;

    ClusterStepRow(boolean quick) {
        this.quick = quick;
    }

    /** Runs with no other SparkContext in this JVM: it starts and stops its own. */
    void measure(String data, Table table) throws Exception {
        Path state = Path.of("target/bench-cluster").toAbsolutePath();
        Files.createDirectories(state);
        Path jar = Path.of("target/spark-backprop.jar").toAbsolutePath();
        int masterPort = freePort();
        List<String> environment = List.of("LOCAL_CLUSTER_DIR=" + state, "MASTER_PORT=" + masterPort,
                "MASTER_WEBUI_PORT=" + freePort(), "WORKER_CORES=1", "WORKER_MEMORY=1500m");
        // a second cluster whose Master and Workers admit only applications with its secret
        byte[] secretBytes = new byte[24];
        new java.security.SecureRandom().nextBytes(secretBytes);
        String secret = java.util.HexFormat.of().formatHex(secretBytes);
        int securedPort = freePort();
        List<String> securedEnvironment = List.of("LOCAL_CLUSTER_DIR=" + state.resolve("secured"),
                "MASTER_PORT=" + securedPort, "MASTER_WEBUI_PORT=" + freePort(), "WORKER_CORES=1",
                "WORKER_MEMORY=1500m", "SPARK_DAEMON_JAVA_OPTS=-Dspark.authenticate=true -Dspark.authenticate.secret="
                        + secret);
        Map<String, String> securedSettings = Map.of("spark.authenticate", "true", "spark.authenticate.secret", secret,
                "spark.network.crypto.enabled", "true");
        script(environment, state.resolve("start.log"), "start", "2");
        List<Side> local = new ArrayList<>();
        List<Side> cluster = new ArrayList<>();
        List<Side> secured = new ArrayList<>();
        try {
            script(securedEnvironment, state.resolve("start-secured.log"), "start", "2");
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    local.add(measureOn("local[2]", null, data, Map.of()));
                    cluster.add(measureOn("spark://127.0.0.1:" + masterPort, jar, data, Map.of()));
                    secured.add(measureOn("spark://127.0.0.1:" + securedPort, jar, data, securedSettings));
                }
            } finally {
                script(securedEnvironment, state.resolve("stop-secured.log"), "stop");
            }
        } finally {
            script(environment, state.resolve("stop.log"), "stop");
        }
        if (local.stream().anyMatch(side -> side.residentNanos == null)
                || cluster.stream().anyMatch(side -> side.residentNanos == null)
                || secured.stream().anyMatch(side -> side.residentNanos == null)) {
            table.row("cluster step", "not run", "<= 1.5", false,
                    List.of("resident steps could not run on one side: see the log lines above"));
            return;
        }
        double localStep = Timing.medianMillis(all(local, true));
        double clusterStep = Timing.medianMillis(all(cluster, true));
        double securedStep = Timing.medianMillis(all(secured, true));
        double ratio = clusterStep / localStep;
        boolean sameBits = true;
        for (int i = 0; i < ROUNDS; i++) {
            sameBits &= local.get(i).result.bitwiseEquals(cluster.get(i).result)
                    && local.get(0).result.bitwiseEquals(local.get(i).result)
                    && local.get(i).result.bitwiseEquals(secured.get(i).result);
        }
        int steps = local.get(0).residentNanos.length;
        table.row("cluster step", f("%.2f x the local[2] step", ratio), "<= 1.5", ratio <= 1.5, List.of(
                f("[784,30,10], batch %d, resident steps, medians of %d x %d steps alternating by session: standalone"
                        + " cluster (2 Workers of 1 core, executors in JVMs of their own) %.3f ms, local[2] %.3f ms",
                        BATCH, ROUNDS, steps, clusterStep, localStep),
                "a cluster step: " + parts(cluster) + "; a local[2] step (the tasks in the driver's JVM, taking the"
                        + " weights in place): " + parts(local),
                f("the same steps as Spark jobs (--step-mode job): cluster %.2f ms, local[2] %.2f ms; same weights on"
                        + " all sides after every round: %s", Timing.medianMillis(all(cluster, false)),
                        Timing.medianMillis(all(local, false)), sameBits ? "yes" : "NO")));
        double sealedRatio = securedStep / clusterStep;
        table.row("encrypted step", f("%.2f x the plain cluster step", sealedRatio), "<= 1.3", sealedRatio <= 1.3,
                List.of(f("the same resident steps on a second cluster of this machine with spark.authenticate and"
                        + " spark.network.crypto.enabled (the channel sealed: AES-256-GCM frames each way), in turn with"
                        + " the plain cluster: %.3f ms against %.3f ms", securedStep, clusterStep),
                        "a sealed cluster step: " + parts(secured)));
    }

    /** One side's timings, and the weights its resident steps ended with. */
    private record Side(long[] residentNanos, long[] jobNanos, Parameters result, long[][] parts) {
    }

    private Side measureOn(String master, Path jar, String data, Map<String, String> settings) {
        SparkSession.Builder builder = SparkDefaults.apply(SparkSession.builder().appName("spark-backprop bench cluster"))
                .master(master).config("spark.ui.enabled", "false");
        settings.forEach(builder::config);
        if (jar != null) {
            builder.config("spark.jars", jar.toString()).config("spark.executor.memory", "1g")
                    .config("spark.cores.max", "2");
        }
        SparkSession session = builder.getOrCreate();
        try {
            JavaSparkContext context = JavaSparkContext.fromSparkContext(session.sparkContext());
            awaitExecutors(context, 2);
            CachedExamples train = IdxSource.load(context, IdxSource.resolveImages(data, IdxSource.Role.TRAIN,
                    context.hadoopConfiguration()), 784, 10, 2);
            Architecture architecture = new Architecture(SIZES, Activation.SIGMOID, Output.SOFTMAX);
            int warmup = quick ? 20 : 200;
            int measured = quick ? 30 : 400;
            DistributedSource jobs = new DistributedSource(context, train, BATCH, Combine.ORDERED, AutoKernel.KERNEL);
            long[] jobNanos = steps(jobs, architecture, train, warmup / 4, measured / 4).nanos;
            GradientSource opened = ResidentSource.open(context, train, BATCH, architecture, jobs, BlockCache.MEMORY, Exchange.STAR);
            if (!(opened instanceof ResidentSource resident)) {
                return new Side(null, jobNanos, null, null);
            }
            try (resident) {
                Steps steps = steps(resident, architecture, train, warmup, measured);
                return new Side(steps.nanos, jobNanos, steps.parameters, steps.parts);
            } finally {
                train.release();
            }
        } finally {
            session.stop();
        }
    }

    /** Timings of the measured steps; {@code parts}: send, wait for the sums, compute (resident steps only). */
    private record Steps(long[] nanos, Parameters parameters, long[][] parts) {
    }

    /** {@code warmup + measured} steps of gradient descent through {@code source}, from the same weights each time. */
    private static Steps steps(GradientSource source, Architecture architecture, CachedExamples train, int warmup,
                               int measured) {
        Parameters parameters = Initialization.SCALED.initialize(architecture, 1);
        GradientDescent descent = new GradientDescent(0.5);
        EpochOrder order = new EpochOrder(1, 0, train.exampleCount());
        long[] nanos = new long[measured];
        long[][] parts = new long[3][measured];
        for (int i = 0; i < warmup + measured; i++) {
            long[] batch = order.batch(i % order.batchCount(BATCH), BATCH);
            long started = System.nanoTime();
            Gradients sums = source.sumGradients(parameters, batch);
            long stepped = System.nanoTime();
            descent.apply(sums, parameters);
            if (i >= warmup) {
                nanos[i - warmup] = stepped - started;
                if (source instanceof ResidentSource resident) {
                    StepProfile profile = resident.lastStep();
                    parts[0][i - warmup] = profile.broadcastNanos();
                    parts[1][i - warmup] = profile.jobNanos();
                    parts[2][i - warmup] = profile.computeNanos();
                }
            }
        }
        source.epochStepsDone();
        return new Steps(nanos, parameters, parts);
    }

    /** Send, wait for the sums (compute) medians of {@code sides}' resident steps. */
    private static String parts(List<Side> sides) {
        long[][] all = new long[3][];
        for (int part = 0; part < 3; part++) {
            int index = part;
            all[part] = sides.stream().flatMapToLong(side -> java.util.Arrays.stream(side.parts[index])).toArray();
        }
        return f("send %.3f + wait for the sums %.3f (compute %.3f) ms", Timing.medianMillis(all[0]),
                Timing.medianMillis(all[1]), Timing.medianMillis(all[2]));
    }

    private static long[] all(List<Side> sides, boolean resident) {
        return sides.stream().map(side -> resident ? side.residentNanos : side.jobNanos)
                .flatMapToLong(java.util.Arrays::stream).toArray();
    }

    /** Waits until {@code count} executors (besides the driver) have registered: a cluster's start is not a step. */
    private static void awaitExecutors(JavaSparkContext context, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean local = context.master().startsWith("local");
        while (!local && context.sc().getExecutorMemoryStatus().size() < count + 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the cluster's executors did not register within 120 s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static void script(List<String> environment, Path log, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("submit/local-cluster.sh"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        environment.forEach(setting -> {
            int equals = setting.indexOf('=');
            builder.environment().put(setting.substring(0, equals), setting.substring(equals + 1));
        });
        builder.environment().remove("SPARK_HOME");
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("submit/local-cluster.sh " + String.join(" ", arguments) + " failed: "
                    + Files.readString(log));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
