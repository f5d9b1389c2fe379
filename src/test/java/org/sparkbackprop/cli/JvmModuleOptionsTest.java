package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/**
 * The JVM options a Spark driver needs on Java 17 are written twice — conf/jvm-module-options
 * (conf/jvm-module-options-spark-3.5 for that build) for the scripts, the pom's argLine for the
 * tests — and must stay what the Spark of the build asks for.
 */
class JvmModuleOptionsTest {

    @Test
    void scriptsAndTestsUseSparksOwnModuleOptions() throws Exception {
        List<String> spark = Arrays.asList(JavaModuleOptions.defaultModuleOptions().trim().split("\\s+"));
        // conf/jvm-module-options, or the spark-3.5 build's own file
        Path file = Path.of(System.getProperty("jvm.module.options", "conf/jvm-module-options"));
        List<String> conf = Files.readAllLines(file).stream()
                .map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
        List<String> pom = Arrays.asList(System.getProperty("spark.java17.flags").trim().split("\\s+"));
        assertEquals(spark, conf, file.toString());
        assertEquals(spark, pom, "the pom's spark.java17.flags");
    }
}
