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
 * for the scripts, the pom's argLine for the tests — and must stay what Spark itself asks for.
 */
class JvmModuleOptionsTest {

    @Test
    void scriptsAndTestsUseSparksOwnModuleOptions() throws Exception {
        List<String> spark = Arrays.asList(JavaModuleOptions.defaultModuleOptions().trim().split("\\s+"));
        List<String> conf = Files.readAllLines(Path.of("conf/jvm-module-options")).stream()
                .map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
        List<String> pom = Arrays.asList(System.getProperty("spark.java17.flags").trim().split("\\s+"));
        assertEquals(spark, conf, "conf/jvm-module-options");
        assertEquals(spark, pom, "the pom's spark.java17.flags");
    }
}
