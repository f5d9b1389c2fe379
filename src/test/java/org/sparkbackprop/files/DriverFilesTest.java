package org.sparkbackprop.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.common.BadInputException;

/**
 * Where a driver-side path points and how it is written: a path without a scheme is the local
 * disk, a URI its file system (never a folder named "file:" under the working directory), and a
 * write replaces the file whole or leaves it as it was.
 */
class DriverFilesTest {
    @TempDir
    Path directory;

    @Test
    void aPathWithoutASchemeIsLocalAndAUriIsItsFileSystem() {
        assertEquals("file:" + Path.of("out/m.json").toAbsolutePath(), DriverFiles.resolve("out/m.json").toString());
        assertEquals("file:/tmp/a b/m.json", DriverFiles.resolve("/tmp/a b/m.json").toString());
        assertEquals("file:/tmp/m.json", DriverFiles.resolve("file:///tmp/m.json").toString());
        assertEquals("hdfs://namenode:8020/models/m.json", DriverFiles.resolve("hdfs://namenode:8020/models/m.json").toString());
        assertEquals("s3a://bucket/m.json", DriverFiles.resolve("s3a://bucket/m.json").toString());
        assertTrue(DriverFiles.hasScheme("file:/tmp/m.json"));
        assertFalse(DriverFiles.hasScheme("out/m.json"));
        assertFalse(DriverFiles.hasScheme("/tmp/m.json"));
    }

    @Test
    void aFileUriIsWrittenWhereItPointsAndReplacedWhole() throws IOException {
        Path target = directory.resolve("models/m.json");
        String uri = "file://" + target;
        AtomicFiles.write(uri, out -> out.write("first\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("first\n", Files.readString(target));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw----"));

        AtomicFiles.write(uri, out -> out.write("second\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("second\n", Files.readString(target));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)),
                "the replaced file's permissions are kept");

        IOException failure = assertThrows(IOException.class, () -> AtomicFiles.write(uri, out -> {
            out.write("half of a thi".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", failure.getMessage());
        assertEquals("second\n", Files.readString(target), "a failed write leaves the old file as it was");
        assertEquals(List.of("m.json"), names(target.getParent()), "no temporary or .crc file is left");
        assertFalse(Files.exists(Path.of("file:")), "nothing under the working directory");
    }

    @Test
    void openNamesAMissingFileAndFindsAFileShippedWithSparkFiles() throws IOException {
        BadInputException missing = assertThrows(BadInputException.class,
                () -> DriverFiles.open(directory.resolve("none.json").toString(), "model file"));
        assertEquals(directory.resolve("none.json") + ": model file not found", missing.getMessage());
        BadInputException folder = assertThrows(BadInputException.class,
                () -> DriverFiles.open("file://" + directory, "config file"));
        assertTrue(folder.getMessage().endsWith(": is a directory, expected a config file"), folder.getMessage());

        // spark-submit --files in standalone cluster mode: the driver gets spark.files, not a copy
        Path shipped = directory.resolve("shipped/run-settings.properties");
        Files.createDirectories(shipped.getParent());
        Files.writeString(shipped, "epochs = 3\n");
        String before = System.getProperty("spark.files");
        System.setProperty("spark.files", "file:/elsewhere/other.txt,file:" + shipped);
        try (InputStream in = DriverFiles.open("run-settings.properties", "config file")) {
            assertArrayEquals("epochs = 3\n".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
        } finally {
            if (before == null) {
                System.clearProperty("spark.files");
            } else {
                System.setProperty("spark.files", before);
            }
        }
        assertThrows(BadInputException.class, () -> DriverFiles.open("run-settings.properties", "config file"),
                "without spark.files the name is only looked for in the working directory");
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
