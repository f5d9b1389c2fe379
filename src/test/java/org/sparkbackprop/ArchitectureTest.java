package org.sparkbackprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering that each package-info.java and the README's "Code" table state, enforced: every
 * import, and every fully qualified name in code, of a package under src/main is the JDK, the
 * package itself, or one of what the package is allowed. The math stays free of Spark; Spark
 * stays in data loading, the distributed step and the command line.
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java/org/sparkbackprop");
    private static final String OURS = "org.sparkbackprop.";
    private static final int MAX_LINES = 2000;
    /**
     * Packages allowed more for now: spark.resident holds the driver's and the tasks' sides, the
     * channel, the sliced exchange and the restarts after a loss; it is to be split into its
     * channel and its stages, once the task's end of the channel no longer drives the sliced
     * exchange's PeerMesh, which ties the two together.
     */
    private static final Map<String, Integer> LARGER_FOR_NOW = Map.of("spark.resident", 3300);

    /** Package → what it may use besides the JDK and itself: library prefixes and our packages. */
    static final Map<String, List<String>> ALLOWED = Map.ofEntries(
            Map.entry("common", List.of()),
            Map.entry("network", List.of("org.ejml.", OURS + "common.")),
            Map.entry("blas", List.of("dev.ludovic.netlib.", "org.ejml.", "org.slf4j.", OURS + "common.", OURS + "network.")),
            Map.entry("data", List.of(OURS + "common.", OURS + "network.")),
            Map.entry("training", List.of(OURS + "common.", OURS + "network.", OURS + "data.")),
            Map.entry("files", List.of("org.apache.hadoop.", OURS + "common.")),
            Map.entry("model", List.of("com.fasterxml.jackson.", OURS + "common.", OURS + "files.", OURS + "network.")),
            Map.entry("onnx", List.of("ai.onnx.proto.", "com.google.protobuf.", "com.fasterxml.jackson.", "org.ejml.",
                    OURS + "common.",
                    OURS + "files.", OURS + "network.")),
            Map.entry("report", List.of("org.knowm.xchart.", "org.apache.hadoop.", OURS + "common.", OURS + "files.",
                    OURS + "network.")),
            Map.entry("checkpoint", List.of("com.fasterxml.jackson.", "org.apache.hadoop.", "org.slf4j.", OURS + "common.",
                    OURS + "files.", OURS + "model.", OURS + "network.", OURS + "training.")),
            Map.entry("spark.input", List.of("org.apache.spark.", "org.apache.hadoop.", "scala.", "org.slf4j.",
                    OURS + "common.", OURS + "data.", OURS + "network.")),
            Map.entry("spark.step", List.of("org.apache.spark.", "scala.", "org.slf4j.", OURS + "common.", OURS + "blas.",
                    OURS + "data.", OURS + "network.", OURS + "training.", OURS + "spark.input.")),
            Map.entry("spark.resident", List.of("org.apache.spark.", "scala.", "org.slf4j.", "com.google.crypto.tink.",
                    OURS + "common.",
                    OURS + "data.", OURS + "network.", OURS + "training.", OURS + "spark.input.", OURS + "spark.step.")),
            Map.entry("spark.output", List.of("org.apache.spark.", "org.apache.hadoop.", "scala.", OURS + "common.",
                    OURS + "data.", OURS + "network.", OURS + "spark.input.", OURS + "spark.step.")),
            Map.entry("spark", List.of("org.apache.spark.", "org.apache.hadoop.", "org.slf4j.", "scala.",
                    "com.esotericsoftware.kryo.", "org.ejml.", OURS + "common.", OURS + "data.", OURS + "files.",
                    OURS + "network.",
                    OURS + "spark.input.", OURS + "spark.step.")),
            Map.entry("run", List.of("org.apache.spark.", "scala.", "org.slf4j.", "me.tongfei.progressbar.",
                    "com.fasterxml.jackson.", OURS + "common.", OURS + "blas.", OURS + "checkpoint.", OURS + "data.", OURS + "files.",
                    OURS + "network.", OURS + "report.", OURS + "spark.", OURS + "training.")),
            Map.entry("ml", List.of("org.apache.spark.", "org.apache.hadoop.", "scala.", "com.fasterxml.jackson.",
                    OURS + "common.", OURS + "blas.",
                    OURS + "checkpoint.", OURS + "data.", OURS + "files.", OURS + "model.", OURS + "network.", OURS + "onnx.",
                    OURS + "run.",
                    OURS + "spark.", OURS + "training.")),
            Map.entry("cli", List.of("picocli.", "org.apache.spark.", "org.apache.hadoop.",
                    "com.fasterxml.jackson.", "org.slf4j.", "scala.", OURS)));

    /** A qualified name: an import, or a dotted lower-case prefix followed by a class name in code. */
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)");
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])((?:[a-z][a-z0-9_]*\\.){2,}[A-Z]\\w*)");

    @Test
    void everyPackageUsesOnlyWhatItIsAllowed() throws IOException {
        List<String> violations = new ArrayList<>();
        TreeSet<String> packages = new TreeSet<>();
        try (Stream<Path> directories = Files.walk(SOURCES)) {
            directories.filter(Files::isDirectory).filter(directory -> !directory.equals(SOURCES))
                    .forEach(directory -> packages.add(packageOf(directory)));
        }
        assertEquals(new TreeSet<>(ALLOWED.keySet()), packages, "every package has its rule, and every rule a package");
        for (String name : packages) {
            try (Stream<Path> files = Files.list(SOURCES.resolve(name.replace('.', '/')))) {
                for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                    for (String used : used(file)) {
                        if (!allowed(name, used)) {
                            violations.add(name + ": " + file.getFileName() + " uses " + used);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    /**
     * A package stays small enough to read: at most {@value #MAX_LINES} lines of its own files (the
     * files of its subpackages are theirs), and {@code spark}, split by job, at most a dozen files
     * of its own.
     */
    @Test
    void everyPackageStaysSmallEnoughToRead() throws IOException {
        List<String> tooLarge = new ArrayList<>();
        try (Stream<Path> directories = Files.walk(SOURCES)) {
            for (Path directory : directories.filter(Files::isDirectory).filter(path -> !path.equals(SOURCES)).toList()) {
                long lines = 0;
                try (Stream<Path> files = Files.list(directory)) {
                    for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                        lines += Files.readAllLines(file).size();
                    }
                }
                if (lines > LARGER_FOR_NOW.getOrDefault(packageOf(directory), MAX_LINES)) {
                    tooLarge.add(packageOf(directory) + ": " + lines + " lines");
                }
            }
        }
        assertEquals(List.of(), tooLarge);
        try (Stream<Path> files = Files.list(SOURCES.resolve("spark"))) {
            long sparkFiles = files.filter(path -> path.toString().endsWith(".java")).count();
            assertTrue(sparkFiles <= 12, "the spark package has " + sparkFiles + " files of its own");
        }
    }

    private static String packageOf(Path directory) {
        return SOURCES.relativize(directory).toString().replace('/', '.');
    }

    private static boolean allowed(String name, String used) {
        if (used.startsWith("java.") || used.startsWith("javax.") || used.startsWith(OURS + name + ".")) {
            return true;
        }
        return ALLOWED.get(name).stream().anyMatch(used::startsWith);
    }

    /** The imports of {@code file} and the qualified names in its code (comments left out). */
    private static List<String> used(Path file) throws IOException {
        List<String> used = new ArrayList<>();
        boolean inComment = false;
        for (String line : Files.readAllLines(file)) {
            String code = line.strip();
            if (inComment) {
                inComment = !code.contains("*/");
                continue;
            }
            if (code.startsWith("/*")) {
                inComment = !code.contains("*/");
                continue;
            }
            if (code.startsWith("//") || code.startsWith("package ")) {
                continue;
            }
            Matcher imported = IMPORT.matcher(code);
            if (imported.find()) {
                used.add(imported.group(1));
                continue;
            }
            int comment = code.indexOf("//");
            Matcher qualified = QUALIFIED.matcher(comment >= 0 ? code.substring(0, comment) : code);
            while (qualified.find()) {
                used.add(qualified.group(1));
            }
        }
        return used;
    }
}
