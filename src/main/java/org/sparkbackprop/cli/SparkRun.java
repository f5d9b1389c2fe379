package org.sparkbackprop.cli;

import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkbackprop.spark.ExecutorLossLog;

/**
 * Starts Spark for one command and stops it afterwards. The master and every other Spark
 * setting come from spark-submit (or {@code spark.*} system properties), never from here.
 */
final class SparkRun {
    private SparkRun() {
    }

    static <T> T with(String appName, Function<JavaSparkContext, T> work) {
        SparkSession session = SparkSession.builder().appName(appName).getOrCreate();
        session.sparkContext().addSparkListener(new ExecutorLossLog());
        try {
            return work.apply(JavaSparkContext.fromSparkContext(session.sparkContext()));
        } finally {
            session.stop();
        }
    }
}
