package org.sparkbackprop.files;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkbackprop.common.BadInputException;

/**
 * Where the driver's files are: a path with a scheme ({@code hdfs://nn/models/m.json},
 * {@code s3a://bucket/m.json}, {@code file:///shared/m.json}) is that file on that Hadoop file
 * system; a path without one ({@code out/m.json}) is on the driver's local disk, relative to its
 * working directory, whatever the cluster's default file system is.
 */
public final class DriverFiles {
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
    private static volatile Configuration fromSystemProperties;
    /** The running Spark application's configuration, or null when none runs; see {@link #follow}. */
    private static volatile Supplier<Configuration> running = () -> null;

    private DriverFiles() {
    }

    /**
     * Makes the driver's files use the configuration {@code running} gives: the running Spark
     * application's ({@code sparkContext.hadoopConfiguration}), with what the application set on it
     * after it started (credentials of an {@code s3a://} bucket, say), or null when none runs.
     */
    public static void follow(Supplier<Configuration> running) {
        DriverFiles.running = running;
    }

    /**
     * The Hadoop configuration of the driver's files: the running Spark application's (see
     * {@link #follow}), or, before Spark starts (so that options are checked before any data is
     * read), one built as Spark builds its own: the {@code *-site.xml} files on the classpath, then
     * every {@code spark.hadoop.X} property (spark-submit's {@code --conf}, set as system
     * properties) as {@code X}.
     */
    public static Configuration configuration() {
        Configuration ofSpark = running.get();
        if (ofSpark != null) {
            return ofSpark;
        }
        Configuration built = fromSystemProperties;
        if (built == null) {
            built = new Configuration();
            for (Map.Entry<Object, Object> property : System.getProperties().entrySet()) {
                String key = property.getKey().toString();
                if (key.startsWith("spark.hadoop.")) {
                    built.set(key.substring("spark.hadoop.".length()), property.getValue().toString());
                }
            }
            fromSystemProperties = built;
        }
        return built;
    }

    /** Whether {@code given} names its file system ({@code hdfs://...}, {@code file:/...}); if not, it is local. */
    public static boolean hasScheme(String given) {
        return SCHEME.matcher(given).matches();
    }

    /** The fully qualified location of {@code given}: as it is when it has a scheme, else the local absolute path. */
    public static Path resolve(String given) {
        if (given.isEmpty()) {
            throw new BadInputException("an empty path was given where a file was expected");
        }
        if (hasScheme(given)) {
            return new Path(given);
        }
        return new Path("file", null, java.nio.file.Path.of(given).toAbsolutePath().normalize().toString());
    }

    /**
     * The file system of {@code location}; for local files the raw one, which writes no
     * {@code .crc} file beside each file.
     */
    public static FileSystem fileSystem(Path location) throws IOException {
        FileSystem system = location.getFileSystem(configuration());
        return system instanceof LocalFileSystem local ? local.getRaw() : system;
    }

    /**
     * Opens {@code given} for reading. A missing file fails as bad input naming it as
     * {@code what} ("model file", "config file"), as does one that cannot be read. A local path
     * that is not on this disk may name a file shipped with spark-submit's {@code --files}: in
     * YARN and Kubernetes cluster mode those are in the driver's working directory, in standalone
     * cluster mode they are listed in {@code spark.files}, which is where it is then read from.
     */
    public static InputStream open(String given, String what) {
        Path location = resolve(given);
        if (!hasScheme(given) && !Files.exists(java.nio.file.Path.of(given))) {
            location = shipped(given, location);
        }
        try {
            FileSystem system = fileSystem(location);
            if (system.getFileStatus(location).isDirectory()) {
                throw new BadInputException(given + ": is a directory, expected a " + what);
            }
            return system.open(location);
        } catch (FileNotFoundException e) {
            throw new BadInputException(given + ": " + what + " not found");
        } catch (IOException e) {
            throw new BadInputException(given + ": cannot read the " + what + " (" + e.getMessage() + ")", e);
        }
    }

    /** The entry of {@code spark.files} with the file name of {@code given}, else {@code location}. */
    private static Path shipped(String given, Path location) {
        String name = java.nio.file.Path.of(given).getFileName().toString();
        for (String file : System.getProperty("spark.files", "").split(",")) {
            if (!file.isBlank() && new Path(file.trim()).getName().equals(name)) {
                return resolve(file.trim());
            }
        }
        return location;
    }

    /** Whether {@code given} is a directory; false as well where it does not exist or cannot be reached. */
    public static boolean isDirectory(String given) {
        Path location = resolve(given);
        try {
            return fileSystem(location).getFileStatus(location).isDirectory();
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code given} exists; false as well where its file system cannot be reached. */
    public static boolean exists(String given) {
        Path location = resolve(given);
        try {
            return fileSystem(location).exists(location);
        } catch (IOException e) {
            return false;
        }
    }
}
