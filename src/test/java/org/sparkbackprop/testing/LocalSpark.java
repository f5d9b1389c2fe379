package org.sparkbackprop.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.CachedExamples;

/**
 * One local Spark for the test JVM, restarted only when a test asks for another master (or a
 * command under test stopped it).
 */
public final class LocalSpark {
    /** How long a stop waits for the tasks that still run, e.g. killed ones, to end. */
    private static final int TASK_END_SECONDS = 30;
    private static SparkSession session;
    private static Map<String, String> settings;

    private LocalSpark() {
    }

    /** A context with {@code master} and the extra Spark settings {@code extra}. */
    public static synchronized JavaSparkContext context(String master, Map<String, String> extra) {
        Map<String, String> wanted = new TreeMap<>(extra);
        wanted.put("spark.master", master);
        if (session != null && (!wanted.equals(settings) || session.sparkContext().isStopped())) {
            stopAfterTasksEnd();
        }
        if (session == null) {
            SparkSession.Builder builder = SparkSession.builder()
                    .appName("spark-backprop tests")
                    .config("spark.ui.enabled", "false");
            wanted.forEach(builder::config);
            session = builder.getOrCreate();
            settings = wanted;
        }
        return JavaSparkContext.fromSparkContext(session.sparkContext());
    }

    /** Stops the test JVM's Spark, so that a command under test starts its own as spark-submit's would. */
    public static synchronized void stop() {
        if (session != null) {
            stopAfterTasksEnd();
        }
    }

    /**
     * Stops the session once no task of it runs. A cancelled job is over for the scheduler before
     * its killed tasks have ended: stopped under them, they would end in the next test's Spark
     * and print that test errors of blocks it never had.
     */
    private static void stopAfterTasksEnd() {
        SparkContext spark = session.sparkContext();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TASK_END_SECONDS);
        while (!spark.isStopped() && running(spark) > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int running = spark.isStopped() ? 0 : running(spark);
        session.stop();
        session = null;
        if (running > 0) {
            throw new IllegalStateException(running + " tasks still ran " + TASK_END_SECONDS
                    + " s after the test: a test left a task behind");
        }
    }

    private static int running(SparkContext spark) {
        int running = 0;
        for (SparkExecutorInfo executor : spark.statusTracker().getExecutorInfos()) {
            running += executor.numRunningTasks();
        }
        return running;
    }

    /** The session of {@link #context()}. */
    public static synchronized SparkSession session() {
        context();
        return session;
    }

    public static JavaSparkContext context(String master) {
        return context(master, Map.of());
    }

    public static JavaSparkContext context() {
        return context("local[2]");
    }

    /** The blocks of each partition that {@link #cache} makes: contiguous runs of equal length (the last shorter). */
    public static List<List<ExampleBlock>> split(List<ExampleBlock> blocks, int partitions) {
        List<List<ExampleBlock>> groups = new ArrayList<>();
        int perPartition = (blocks.size() + partitions - 1) / partitions;
        for (int p = 0; p < partitions; p++) {
            int from = Math.min(blocks.size(), p * perPartition);
            groups.add(blocks.subList(from, Math.min(blocks.size(), from + perPartition)));
        }
        return groups;
    }

    /** Spreads {@code blocks} over {@code partitions} partitions in contiguous runs, as a loader does, and caches them. */
    public static CachedExamples cache(JavaSparkContext context, List<ExampleBlock> blocks, int partitions) {
        return cache(context, blocks, partitions, BlockCache.MEMORY);
    }

    /** As {@link #cache(JavaSparkContext, List, int)}, the blocks kept {@code cache}'s way. */
    public static CachedExamples cache(JavaSparkContext context, List<ExampleBlock> blocks, int partitions,
                                       BlockCache cache) {
        // arrays, not lists: Kryo with registrationRequired knows ExampleBlock[]
        List<ExampleBlock[]> groups = new ArrayList<>();
        for (List<ExampleBlock> group : split(blocks, partitions)) {
            groups.add(group.toArray(ExampleBlock[]::new));
        }
        JavaRDD<ExampleBlock> rdd = cache.persist(context.parallelize(groups, partitions)
                .flatMap(group -> Arrays.asList(group).iterator()));
        long count = rdd.map(ExampleBlock::rows).fold(0, Integer::sum);
        ExampleBlock first = blocks.get(0);
        return new CachedExamples("synthetic", rdd, count, first.featureCount(), first.targetCount());
    }
}
