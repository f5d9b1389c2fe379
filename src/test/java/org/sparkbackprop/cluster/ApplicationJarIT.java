package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.testing.OnnxRuntime;

/**
 * The jar spark-submit runs: our classes, EJML, relocated picocli and the relocated protobuf of
 * ONNX export; nothing Spark provides; no Breeze or MLlib.
 */
class ApplicationJarIT {
    @TempDir
    Path directory;

    @Test
    void holdsWhatSparkDoesNotProvideAndNothingElse() throws Exception {
        try (JarFile jar = new JarFile(Path.of(System.getProperty("app.jar", "target/spark-backprop.jar")).toFile())) {
            assertEquals("org.sparkbackprop.cli.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            List<String> entries = jar.stream().map(entry -> entry.getName()).toList();
            for (String required : List.of("org/sparkbackprop/cli/Main.class", "org/sparkbackprop/blas/NativeProducts.class",
                    "org/sparkbackprop/ml/BackpropClassifier.class",
                    "org/ejml/dense/row/CommonOps_DDRM.class",
                    "org/sparkbackprop/shaded/picocli/CommandLine.class",
                    "org/sparkbackprop/shaded/protobuf/GeneratedMessageV3.class",
                    "org/sparkbackprop/shaded/onnx/proto/OnnxMl.class",
                    "META-INF/services/org.apache.spark.ml.util.MLFormatRegister")) {
                assertTrue(entries.contains(required), required);
            }
            // Spark's jars/ has its own protobuf-java: ours must not be found in its place, or it in ours
            for (String forbidden : List.of("picocli/", "breeze/", "org/apache/spark/", "scala/", "org/apache/hadoop/",
                    "com/fasterxml/", "org/slf4j/", "dev/ludovic/", "org/netlib/", "com/google/protobuf/",
                    "google/protobuf/", "ai/onnx/", "org/tribuo/")) {
                assertTrue(entries.stream().noneMatch(name -> name.startsWith(forbidden)), "no " + forbidden + " inside");
            }
        }
    }

    /** The export of the jar (its protobuf relocated) runs in onnxruntime as the model runs here. */
    @Test
    void exportsThroughSparkSubmitAModelThatOnnxRuntimeRuns() throws Exception {
        Architecture architecture = new Architecture(new int[] {784, 16, 10}, Activation.RELU, Output.SOFTMAX);
        Parameters model = Initialization.SCALED.initialize(architecture, 8);
        Path json = directory.resolve("model.json");
        Path onnx = directory.resolve("model.onnx");
        ModelFile.write(model, json.toString());
        Scripts.Run run = Scripts.run(Map.of(), directory.resolve("export.log"), 5, "submit/local.sh", "export",
                "--model", json.toString(), "--out", onnx.toString());
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("output label"), run.output());
        OnnxRuntime.assertServes(onnx, model);
    }
}
