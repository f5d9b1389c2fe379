package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The jar spark-submit runs: our classes, EJML and relocated picocli; nothing Spark provides; no Breeze or MLlib. */
class ApplicationJarIT {

    @Test
    void holdsWhatSparkDoesNotProvideAndNothingElse() throws Exception {
        try (JarFile jar = new JarFile(Path.of(System.getProperty("app.jar", "target/spark-backprop.jar")).toFile())) {
            assertEquals("org.sparkbackprop.cli.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            List<String> entries = jar.stream().map(entry -> entry.getName()).toList();
            for (String required : List.of("org/sparkbackprop/cli/Main.class", "org/sparkbackprop/blas/NativeProducts.class",
                    "org/sparkbackprop/ml/BackpropClassifier.class",
                    "org/ejml/dense/row/CommonOps_DDRM.class",
                    "org/sparkbackprop/shaded/picocli/CommandLine.class")) {
                assertTrue(entries.contains(required), required);
            }
            for (String forbidden : List.of("picocli/", "breeze/", "org/apache/spark/", "scala/", "org/apache/hadoop/",
                    "com/fasterxml/", "org/slf4j/", "dev/ludovic/", "org/netlib/")) {
                assertTrue(entries.stream().noneMatch(name -> name.startsWith(forbidden)), "no " + forbidden + " inside");
            }
        }
    }
}
