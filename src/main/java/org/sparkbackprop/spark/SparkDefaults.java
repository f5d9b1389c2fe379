package org.sparkbackprop.spark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Spark settings a training step needs to be fast, applied only where the user has not set
 * them (spark-submit's {@code --conf} and properties files win).
 */
public final class SparkDefaults {
    /** Setting → value, and why. */
    public static final Map<String, String> DEFAULTS = Map.of(
            // a resident stage (a barrier stage) with more tasks than free slots, e.g. after an executor
            // was lost, fails in about a second instead of being tried again every 15 s for 10 minutes;
            // the trainer then runs the steps as jobs
            "spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s",
            "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "1",
            // a partial gradient sum is as large as the weights (14 MB for [784,1000,1000,10]); up to
            // this size it returns with the task's status message instead of through the block manager
            // (Spark caps it at spark.rpc.message.maxSize, 128m by default)
            "spark.task.maxDirectResultSize", "128m",
            // one step collects one partial sum per partition: 64 partitions of that model are 0.9 GB
            "spark.driver.maxResultSize", "4g",
            // the weights are broadcast every step and compress little: compressing them costs time for nothing
            "spark.broadcast.compress", "false",
            // tasks are the parallelism: OpenBLAS (--blas native) gets one thread in each executor, never one per
            // core in every task (the driver's and a YARN or Kubernetes driver's come from the submit scripts)
            "spark.executorEnv.OPENBLAS_NUM_THREADS", "1");

    private SparkDefaults() {
    }

    /** Adds to {@code builder} each default whose setting is not among the {@code spark.*} system properties. */
    public static SparkSession.Builder apply(SparkSession.Builder builder) {
        SparkConf given = new SparkConf();
        DEFAULTS.forEach((key, value) -> {
            if (!given.contains(key)) {
                builder.config(key, value);
            }
        });
        return builder;
    }
}
