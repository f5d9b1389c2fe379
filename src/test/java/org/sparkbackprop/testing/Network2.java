package org.sparkbackprop.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Nielsen's network2 {@code load()} reading a model file, run by Python (src/test/python/network2_accuracy.py). */
public final class Network2 {
    private Network2() {
    }

    /** The images network2 classifies right with {@code model}, and how many there were: {right, total}. */
    public static int[] accuracy(Path model, Path images) throws IOException {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process process = new ProcessBuilder(python, "src/test/python/network2_accuracy.py", model.toString(),
                images.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertTrue(process.waitFor(5, TimeUnit.MINUTES), "network2 check timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        assertEquals(0, process.exitValue(), "network2 check failed: " + output);
        String[] counts = output.trim().split("\\s+");
        return new int[] {Integer.parseInt(counts[0]), Integer.parseInt(counts[1])};
    }
}
