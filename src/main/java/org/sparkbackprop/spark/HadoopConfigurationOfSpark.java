package org.sparkbackprop.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.sparkbackprop.files.DriverFiles;
import scala.Option;

/**
 * The driver's files (models, checkpoints, metrics, an initial model) on the Hadoop configuration
 * of the running Spark application, as Spark's own reads see it: an estimator's
 * {@code checkpointDir} on {@code s3a://} then works with the credentials the application set on
 * {@code sparkContext.hadoopConfiguration}, not only with those given at submit time.
 */
public final class HadoopConfigurationOfSpark {
    private HadoopConfigurationOfSpark() {
    }

    /** From now on, driver files use the active (else the default) session's configuration, while one runs. */
    public static void follow() {
        DriverFiles.follow(HadoopConfigurationOfSpark::running);
    }

    private static Configuration running() {
        Option<SparkSession> session = SparkSession.getActiveSession();
        if (session.isEmpty()) {
            session = SparkSession.getDefaultSession();
        }
        return session.isDefined() && !session.get().sparkContext().isStopped()
                ? session.get().sparkContext().hadoopConfiguration() : null;
    }
}
