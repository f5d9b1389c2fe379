package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkbackprop.testing.Cli;
import org.sparkbackprop.testing.IdxFiles;

/**
 * The model bytes of short seeded runs, recorded before the cleanup of issue 15: a change that
 * only moves code keeps them, so a digest that changes is a change of behaviour. Fashion-MNIST's
 * first 3,000 training and 500 test images, two epochs on 2 partitions with momentum and L2, for
 * every output and loss, on EJML (the native kernel's bits depend on the machine's BLAS).
 */
class GoldenModelTest {
    private static final Path FASHION = Path.of("data/fashion-mnist");

    @TempDir
    static Path directory;

    @BeforeAll
    static void subset() throws Exception {
        if (!Files.exists(FASHION.resolve("train-images-idx3-ubyte.gz"))) {
            fail(FASHION + " is missing: run submit/get-fashion-mnist.sh first");
        }
        IdxFiles.subset(FASHION.resolve("train-images-idx3-ubyte.gz"), 3000, directory.resolve("data"), "train");
        IdxFiles.subset(FASHION.resolve("t10k-images-idx3-ubyte.gz"), 500, directory.resolve("data"), "t10k");
    }

    @ParameterizedTest(name = "{0} output, {1} loss")
    @CsvSource({
        "softmax, cross-entropy, 460b21d747e76264c17a6ba5b2a7b1c547c965784c3e66ecb4b117e658c20c13",
        "sigmoid, cross-entropy, da2f104fc6a51e6e26933e34dd4faee06fcbb1683412821659b82271191952af",
        "sigmoid, quadratic, c4804a41c670fe28ffb31d103a75374dcbbb491b0aa2ad34bf668bf9b41fb675",
    })
    void aShortSeededRunWritesTheRecordedModelBytes(String output, String loss, String digest) throws Exception {
        Path model = directory.resolve(output + "-" + loss + ".json");
        Path data = directory.resolve("data");
        Cli.Result result = Cli.run("train", "--train", data.toString(), "--test", data.toString(),
                "--layers", "784,20,10", "--output", output, "--loss", loss, "--epochs", "2", "--batch-size", "25",
                "--learning-rate", "0.5", "--momentum", "0.5", "--l2", "1.0", "--seed", "3", "--partitions", "2",
                "--blas", "ejml", "--model-out", model.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(digest, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model))),
                "the model bytes of " + output + " / " + loss);
    }
}
