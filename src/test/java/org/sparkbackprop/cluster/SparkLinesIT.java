package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two builds, Spark 4.2 / Scala 2.13 and Spark 3.5 / Scala 2.12 ({@code SPARK_PROFILE=spark-3.5}),
 * run through submit/local.sh as users run them: each says in its first log line which Spark it
 * runs on, and on the same data, seed, settings and partitions both write the same model bytes
 * (with the default kernel, native BLAS where it loads). A SPARK_HOME of the other line is refused
 * in one line. The build that runs this test builds the other one's jar if it is missing.
 */
class SparkLinesIT {
    @TempDir
    Path directory;

    private Scripts.Run train(String profile, Path model) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of("SPARK_MASTER", "local[2]", "SPARK_DRIVER_MEMORY", "1g"));
        environment.put("SPARK_PROFILE", profile);
        String data = ClusterRuns.subset(directory.resolve("fashion-subset")).toString();
        return Scripts.run(environment, directory.resolve("train" + profile + ".log"), 10,
                ClusterRuns.train(data, "--model-out", model.toString(), "--partitions", "2"));
    }

    @Test
    void bothBuildsWriteTheSameModelBytesAndNameTheirSpark() throws Exception {
        Path spark42 = directory.resolve("spark-4.2.json");
        Path spark35 = directory.resolve("spark-3.5.json");
        Scripts.Run on42 = train("", spark42);
        assertEquals(0, on42.exitCode(), on42.output());
        Scripts.Run on35 = train("spark-3.5", spark35);
        assertEquals(0, on35.exitCode(), on35.output());

        assertTrue(firstLogLine(on42).endsWith("combining; on Spark 4.2.0 (Scala 2.13)"), on42.output());
        assertTrue(firstLogLine(on35).endsWith("combining; on Spark 3.5.9 (Scala 2.12)"), on35.output());
        assertArrayEquals(Files.readAllBytes(spark42), Files.readAllBytes(spark35), "Spark 3.5 build vs Spark 4.2 build");
        // nothing beside the run's own lines on either: e.g. no netlib warning of Spark 3.5's BLAS
        for (Scripts.Run run : List.of(on42, on35)) {
            assertEquals(List.of(), run.output().lines().filter(line -> line.contains(" WARN ")
                    || line.contains(" ERROR ") || line.contains("Exception")).toList(), run.output());
        }
    }

    private static String firstLogLine(Scripts.Run run) {
        return run.output().lines().filter(line -> line.contains("TrainingRun: training ")).findFirst().orElse("");
    }

    @Test
    void aSparkHomeOfTheOtherLineIsRefusedInOneLine() throws Exception {
        Path home = directory.resolve("spark-3.5.9-bin-hadoop3");
        Files.createDirectories(home.resolve("jars"));
        Files.createFile(home.resolve("jars/spark-core_2.12-3.5.9.jar"));
        Map<String, String> environment = new HashMap<>(Map.of("SPARK_HOME", home.toString(), "SPARK_PROFILE", ""));
        Scripts.Run refused = Scripts.run(environment, directory.resolve("refused.log"), 5, "submit/local.sh", "--help");
        assertEquals(2, refused.exitCode(), refused.output());
        assertEquals(List.of("error: SPARK_HOME=" + home + " is Spark 3.5.9 (Scala 2.12), but "
                + Path.of("target/spark-backprop.jar").toAbsolutePath() + " is built for Spark 4.2 (Scala 2.13): set"
                + " SPARK_PROFILE=spark-3.5 for Spark 3.5 (Scala 2.12), or leave it unset for Spark 4.2 (Scala 2.13)"),
                refused.output().lines().toList());
    }
}
