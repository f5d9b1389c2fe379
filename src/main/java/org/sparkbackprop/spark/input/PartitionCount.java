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
        return of(context.getConf(), context.defaultParallelism(), context.isLocal());
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

    /** The choice for settings {@code conf}, where Spark's default parallelism is {@code defaultParallelism}. */
    public static Choice of(SparkConf conf, int defaultParallelism, boolean local) {
        if (local || !conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            return new Choice(defaultParallelism, "Spark's default parallelism, the task slots of its executors");
        }
        int executorCores = conf.getInt("spark.executor.cores", 1);
        int slotsPerExecutor = Math.max(1, executorCores / conf.getInt("spark.task.cpus", 1));
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
