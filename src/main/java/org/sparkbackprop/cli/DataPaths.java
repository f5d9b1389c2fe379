package org.sparkbackprop.cli;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.files.DriverFiles;

/**
 * Early checks of the paths a command reads and writes, so that a typo or an output that would
 * be lost fails before Spark starts and before any data is read.
 */
final class DataPaths {
    private DataPaths() {
    }

    /**
     * Fails naming {@code option} when the data at {@code path} does not exist. Data paths mean
     * what they mean to Spark: without a scheme, a path on the cluster's default file system
     * ({@code fs.defaultFS}: the local disk in local mode, HDFS on most YARN clusters). Paths on
     * other remote file systems are left to the reader, which names them when they are missing.
     */
    static void requireExists(String option, String path) {
        if (DriverFiles.hasScheme(path) && !path.startsWith("file:")) {
            return;
        }
        boolean exists;
        try {
            Path data = new Path(path);
            exists = data.getFileSystem(DriverFiles.configuration()).exists(data);
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInputException(option + " " + path + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (!exists) {
            throw new BadInputException(option + " " + path + ": no such file or directory");
        }
    }

    /**
     * In cluster deploy mode (YARN, Kubernetes, standalone {@code --deploy-mode cluster}) the
     * driver runs on a cluster machine whose working directory is deleted with the application:
     * a driver-side output {@code given} without a scheme would be written there and lost, so it
     * is refused, naming {@code option} and what to give instead.
     */
    static void requireKeptInClusterMode(String option, String given) {
        if (given != null && clusterDeployMode() && !DriverFiles.hasScheme(given)) {
            throw new BadInputException(option + " " + given + ": in cluster deploy mode the driver runs on a cluster"
                    + " machine, not on the one that submitted, and a path without a scheme would be written to that"
                    + " machine's disk and lost; give hdfs://..., s3a://..., or file:///... on a disk every machine shares");
        }
    }

    /**
     * Whether this driver runs in cluster deploy mode, as spark-submit tells it: YARN and
     * standalone set {@code spark.submit.deployMode}; on Kubernetes the driver pod submits again
     * in client mode with {@code spark.kubernetes.submitInDriver}.
     */
    static boolean clusterDeployMode() {
        return "cluster".equals(System.getProperty("spark.submit.deployMode"))
                || Boolean.parseBoolean(System.getProperty("spark.kubernetes.submitInDriver"));
    }
}
