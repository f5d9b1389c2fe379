package org.sparkbackprop.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.GradientDescent;
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
import org.sparkbackprop.training.EpochOrder;
import org.sparkbackprop.training.GradientSource;

/**
 * The scale row's driver, run by {@link ScaleRow} in the driver host's network namespace: on
 * {@code partitions} executors of the lab's cluster, the same steps from the same weights with
 * the star and the sliced exchange in turn (star, sliced, star, sliced), each session counting
 * the bytes its host's link carried over its measured steps. Writes one line per session:
 * {@code exchange medianStepNanos linkBytesPerStep slicedSteps sha256OfTheWeights}.
 * <pre>
 * ScaleDriver MASTER PARTITIONS DATA JAR OUT WARMUP MEASURED ROUNDS
 * </pre>
 */
public final class ScaleDriver {
    static final int[] SIZES = {784, 256, 256, 10};
    /** Examples a step gives each executor: a step's batch is this times the executor count. */
    static final int PER_EXECUTOR_BATCH = 16;

    private ScaleDriver() {
    }

    public static void main(String[] args) throws Exception {
        String master = args[0];
        int partitions = Integer.parseInt(args[1]);
        String data = args[2];
        String jar = args[3];
        Path out = Path.of(args[4]);
        int warmup = Integer.parseInt(args[5]);
        int measured = Integer.parseInt(args[6]);
        int rounds = Integer.parseInt(args[7]);
        SparkSession session = SparkDefaults.apply(SparkSession.builder().appName("spark-backprop bench scale"))
                .master(master).config("spark.ui.enabled", "false").config("spark.jars", jar)
                .config("spark.executor.memory", "768m").config("spark.cores.max", Integer.toString(partitions))
                .getOrCreate();
        List<String> lines = new ArrayList<>();
        try {
            JavaSparkContext context = JavaSparkContext.fromSparkContext(session.sparkContext());
            awaitExecutors(context, partitions);
            CachedExamples train = IdxSource.load(context, IdxSource.resolveImages(data, IdxSource.Role.TRAIN,
                    context.hadoopConfiguration()), 784, 10, partitions);
            Architecture architecture = new Architecture(SIZES, Activation.SIGMOID, Output.SOFTMAX);
            int batch = PER_EXECUTOR_BATCH * partitions;
            DistributedSource jobs = new DistributedSource(context, train, batch, Combine.ORDERED, AutoKernel.KERNEL);
            for (int round = 0; round < rounds; round++) {
                for (Exchange exchange : new Exchange[] {Exchange.STAR, Exchange.SLICED}) {
                    GradientSource opened = ResidentSource.open(context, train, batch, architecture, jobs,
                            BlockCache.MEMORY, exchange);
                    if (!(opened instanceof ResidentSource resident)) {
                        throw new IllegalStateException("resident steps could not run: see the log");
                    }
                    try (resident) {
                        lines.add(session(resident, exchange, architecture, train.exampleCount(), batch, warmup,
                                measured));
                    }
                }
            }
            train.release();
        } finally {
            session.stop();
        }
        Files.write(out, lines, StandardCharsets.UTF_8);
    }

    private static String session(ResidentSource resident, Exchange exchange, Architecture architecture, long examples,
                                  int batch, int warmup, int measured) throws Exception {
        Parameters parameters = Initialization.SCALED.initialize(architecture, 1);
        GradientDescent descent = new GradientDescent(0.1);
        EpochOrder order = new EpochOrder(1, 0, examples);
        long[] nanos = new long[measured];
        long bytesBefore = 0;
        for (int i = 0; i < warmup + measured; i++) {
            if (i == warmup) {
                bytesBefore = linkBytes();
            }
            long started = System.nanoTime();
            descent.apply(resident.sumGradients(parameters, order.batch(i % order.batchCount(batch), batch)), parameters);
            if (i >= warmup) {
                nanos[i - warmup] = System.nanoTime() - started;
            }
        }
        long bytes = linkBytes() - bytesBefore;
        resident.epochStepsDone();
        ByteArrayOutputStream weights = new ByteArrayOutputStream();
        parameters.writeValues(weights);
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights.toByteArray()));
        return exchange.id() + " " + (long) (Timing.medianMillis(nanos) * 1e6) + " " + bytes / measured + " "
                + resident.slicedSteps() + " " + digest;
    }

    /** Bytes received and sent on this host's eth0: /proc/net/dev shows the counters of the JVM's namespace. */
    private static long linkBytes() throws IOException {
        return NetworkLab.eth0Bytes(Files.readString(Path.of("/proc/net/dev")));
    }

    private static void awaitExecutors(JavaSparkContext context, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (context.sc().getExecutorMemoryStatus().size() < count + 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the cluster's " + count + " executors did not register within 180 s");
            }
            Thread.sleep(200);
        }
    }
}
