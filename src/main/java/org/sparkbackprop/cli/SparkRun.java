package org.sparkbackprop.cli;

import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkbackprop.spark.ContainerLimit;
import org.sparkbackprop.spark.ExecutorLossLog;
import org.sparkbackprop.spark.HadoopConfigurationOfSpark;
import org.sparkbackprop.spark.LostExecutors;
import org.sparkbackprop.spark.MasterReach;
import org.sparkbackprop.spark.SparkDefaults;
import org.sparkbackprop.spark.StandaloneFit;

/**
 * Starts Spark for one command and stops it afterwards. The master and every other Spark
 * setting come from spark-submit (or {@code spark.*} system properties); {@link SparkDefaults}
 * fills in only what the step's speed depends on and the user left unset.
 */
final class SparkRun {
    private SparkRun() {
    }

    static <T> T with(String appName, Function<JavaSparkContext, T> work) {
        if (SparkSession.getActiveSession().isEmpty()) {
            MasterReach.check(new SparkConf().get("spark.master", null));
        }
        SparkSession session;
        try {
            session = SparkDefaults.apply(SparkSession.builder().appName(appName)).getOrCreate();
        } catch (IllegalArgumentException e) {
            throw ContainerLimit.named(e, new SparkConf());
        }
        session.sparkContext().addSparkListener(new ExecutorLossLog());
        HadoopConfigurationOfSpark.follow();
        LostExecutors lost = LostExecutors.watch(session.sparkContext());
        try {
            StandaloneFit.check(session.sparkContext());
            return work.apply(JavaSparkContext.fromSparkContext(session.sparkContext()));
        } catch (Exception e) {
            // Spark throws its SparkException undeclared
            LostExecutors.LostForGood verdict = lost.verdict(e);
            if (verdict != null) {
                throw verdict;
            }
            throw e;
        } finally {
            lost.close();
            session.stop();
        }
    }
}
