package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.testing.Cli;
import org.sparkbackprop.testing.Network2;

/**
 * Fashion-MNIST, 60k training and 10k test images, through the train command with the
 * example configuration, shortened to two epochs: the model learns (≥ 0.80 test accuracy) and
 * Nielsen's network2 load() reads the saved file and classifies with the reported accuracy.
 * The data comes from submit/get-fashion-mnist.sh, which .ci/run calls.
 */
class FashionMnistEndToEndTest {
    private static final Path DATA = Path.of("data/fashion-mnist");

    @TempDir
    Path directory;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void twoEpochsReachEightyPercentAndNetwork2AgreesOnTheSavedModel() throws Exception {
        if (!Files.exists(DATA.resolve("t10k-images-idx3-ubyte.gz"))) {
            fail(DATA + " is missing: run submit/get-fashion-mnist.sh first");
        }
        Path model = directory.resolve("model.json");
        Path metrics = directory.resolve("metrics.jsonl");
        Cli.Result result = Cli.run("train", "--config", "conf/fashion-mnist.properties",
                "--epochs", "2", "--partitions", "2", "--model-out", model.toString(),
                "--metrics-out", metrics.toString());
        assertEquals(0, result.exitCode(), result.err());
        List<String> lines = Files.readAllLines(metrics);
        assertEquals(2, lines.size());
        JsonNode last = new ObjectMapper().readTree(lines.get(1));
        double accuracy = last.get("test_accuracy").asDouble();
        assertTrue(accuracy >= 0.80, "test accuracy " + accuracy);

        int[] counts = Network2.accuracy(model, DATA.resolve("t10k-images-idx3-ubyte.gz"));
        assertEquals(10000, counts[1]);
        double network2 = counts[0] / 10000.0;
        assertEquals(accuracy, network2, 0.0, "network2's accuracy on the saved model");
    }
}
