package org.sparkbackprop.spark.input;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many partitions the examples are cached in when {@code --partitions} is not given: one per
 * task slot the application can have, since a resident stage runs every partition's task at once
 * and a step waits for the slowest. Spark's default parallelism counts the slots of the executors
 * present, which under dynamic allocation may be none yet (it says 2 then); the slots dynamic
 * allocation may grow to are counted from its settings instead.
 */
public final class PartitionCount {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionCount.class);

    private PartitionCount() {
    }

    /** The partition count for {@code context}'s application. */
    public static Choice chosen(JavaSparkContext context) {
        return of(context.getConf(), context.defaultParallelism());
    }

    /** A partition count and why it was chosen. */
    public record Choice(int count, String why) {
        /**
         * Says in the log what was chosen and why: once the data has loaded and split, so that
         * bad input still gets its one line and nothing else.
         */
        public void log() {
            LOG.info("{} partitions: {} (--partitions sets another count)", count, why);
        }
    }

    /** Whether dynamic allocation is on for {@code conf}'s application (local mode has none, whatever it says). */
    public static boolean dynamicAllocation(SparkConf conf) {
        return conf.getBoolean("spark.dynamicAllocation.enabled", false) && !conf.get("spark.master", "").startsWith("local");
    }

    /** Task slots of one executor: {@code spark.executor.cores} / {@code spark.task.cpus}, at least 1. */
    public static int slotsPerExecutor(SparkConf conf) {
        return Math.max(1, conf.getInt("spark.executor.cores", 1) / conf.getInt("spark.task.cpus", 1));
    }

    /** The choice for settings {@code conf}, where Spark's default parallelism is {@code defaultParallelism}. */
    public static Choice of(SparkConf conf, int defaultParallelism) {
        if (!dynamicAllocation(conf)) {
            return new Choice(defaultParallelism, "Spark's default parallelism, the task slots of its executors");
        }
        int slotsPerExecutor = slotsPerExecutor(conf);
        int maxExecutors = conf.getInt("spark.dynamicAllocation.maxExecutors", Integer.MAX_VALUE);
        if (maxExecutors < Integer.MAX_VALUE) {
            return new Choice(Math.max(1, maxExecutors * slotsPerExecutor), "dynamic allocation's most executors"
                    + " (spark.dynamicAllocation.maxExecutors " + maxExecutors + ") × " + slotsPerExecutor
                    + " task slots each");
        }
        int atStart = Math.max(conf.getInt("spark.dynamicAllocation.initialExecutors", 0),
                Math.max(conf.getInt("spark.dynamicAllocation.minExecutors", 0), conf.getInt("spark.executor.instances", 0)));
        int count = Math.max(defaultParallelism, atStart * slotsPerExecutor);
        return new Choice(count, "dynamic allocation without spark.dynamicAllocation.maxExecutors: the executors at"
                + " start (" + atStart + ") × " + slotsPerExecutor + " task slots each, at least Spark's default"
                + " parallelism (" + defaultParallelism + "); set maxExecutors to train on more");
    }
}
