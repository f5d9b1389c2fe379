package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --blas} where the native kernel cannot run, in a JVM of its own (a JVM loads BLAS once):
 * the classpath without the jar whose classes dev.ludovic.netlib's JNI BLAS needs (the trap
 * that otherwise falls back to Java in silence), and without the blas jar itself. native is
 * refused with exit code 2 and one line that says what to put where; auto runs on EJML and
 * says why.
 */
class BlasOptionTest {
    @TempDir
    Path directory;

    @Test
    void withoutArpackCombinedAllNativeIsRefusedInOneLineAndAutoSaysWhyItRunsOnEjml() throws Exception {
        Predicate<String> withoutArpack = entry -> !entry.contains("arpack_combined_all");
        Run refused = gradcheck(withoutArpack, "native");
        assertEquals(2, refused.exitCode(), refused.output());
        assertEquals("error: --blas native: dev.ludovic.netlib's native BLAS needs org.netlib.util"
                + " (org.netlib.util.booleanW is missing): put net.sourceforge.f2j:arpack_combined_all on the classpath, as"
                + " Spark's jars/ has it; or give --blas auto", refused.output().strip());

        Run auto = gradcheck(withoutArpack, "auto");
        assertEquals(0, auto.exitCode(), auto.output());
        assertTrue(auto.output().contains("INFO  Blas: matrix products: EJML: dev.ludovic.netlib's native BLAS needs"
                + " org.netlib.util"), auto.output());
        assertTrue(auto.output().contains("products on ejml"), auto.output());
    }

    @Test
    void withoutTheBlasJarNativeIsRefusedInOneLine() throws Exception {
        Run refused = gradcheck(entry -> !entry.contains("dev/ludovic/netlib"), "native");
        assertEquals(2, refused.exitCode(), refused.output());
        assertTrue(refused.output().strip().lines().count() == 1
                && refused.output().startsWith("error: --blas native: dev.ludovic.netlib's blas jar is not on the classpath ("),
                refused.output());
    }

    private record Run(int exitCode, String output) {
    }

    /** {@code gradcheck --blas BLAS} in a new JVM whose classpath is this one's entries that {@code keep} keeps. */
    private Run gradcheck(Predicate<String> keep, String blas) throws Exception {
        String classpath = String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path")
                .split(File.pathSeparator)).filter(keep).toList());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile"), "-cp", classpath,
                "org.sparkbackprop.cli.Main", "gradcheck", "--layers", "4,3,2", "--blas", blas));
        Path output = directory.resolve("output-" + blas + ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("gradcheck did not end in 2 minutes");
        }
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
