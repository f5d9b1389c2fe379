package org.sparkbackprop.spark.input;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkbackprop.common.Ids;

/**
 * The formats {@code --format} accepts, each with its reader: the one list of them. Inferred from
 * the path when not given.
 */
public enum InputFormat {
    /** MNIST's IDX: an images file (or a directory in the standard layout) and its labels file. */
    IDX("idx", new IdxReader()),
    /** Comma-separated values, through Spark's text source. */
    CSV("csv", new CsvReader()),
    /** LIBSVM's {@code label index:value ...}, through Spark's text source. */
    LIBSVM("libsvm", new LibSvmReader()),
    /** Parquet, through Spark's Parquet source, read as any Spark SQL source is. */
    PARQUET("parquet", new SqlSource("parquet"));

    private final String id;
    private final ExampleReader reader;

    InputFormat(String id, ExampleReader reader) {
        this.id = id;
        this.reader = reader;
    }

    public String id() {
        return id;
    }

    public ExampleReader reader() {
        return reader;
    }

    public static InputFormat fromId(String id) {
        return Ids.find(values(), InputFormat::id, "format", id);
    }

    /**
     * The reader of {@code format}: this list's, or, for any other name, Spark SQL's source of that
     * name ({@code orc}, {@code json}, ...) or, for {@value SqlSource#TABLE}, the catalog's table.
     */
    public static ExampleReader readerOf(String format) {
        for (InputFormat known : values()) {
            if (known.id().equalsIgnoreCase(format)) {
                return known.reader();
            }
        }
        return new SqlSource(format);
    }

    /** The formats' ids, for picocli's {@code ${COMPLETION-CANDIDATES}} in the help. */
    public static final class Names extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        public Names() {
            for (InputFormat format : values()) {
                add(format.id());
            }
        }
    }

    /**
     * The format a path's name implies: {@code .csv}, {@code .libsvm}/{@code .svm},
     * {@code .parquet}, or MNIST's {@code -ubyte} names (compressed or not); for a directory, the
     * names of the files in it. IDX when nothing else fits, whose reader then names the file
     * it cannot read.
     */
    public static InputFormat inferFrom(String path, Configuration configuration) {
        InputFormat byName = byName(path);
        if (byName != null) {
            return byName;
        }
        try {
            Path given = new Path(path);
            FileSystem fileSystem = given.getFileSystem(configuration);
            if (fileSystem.exists(given) && fileSystem.getFileStatus(given).isDirectory()) {
                for (FileStatus file : fileSystem.listStatus(given)) {
                    InputFormat inside = byName(file.getPath().getName());
                    if (inside != null) {
                        return inside;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
        return IDX;
    }

    private static InputFormat byName(String path) {
        String name = path.toLowerCase(Locale.ROOT).replaceAll("\\.(gz|bz2|snappy|zst)$", "");
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".libsvm") || name.endsWith(".svm")) {
            return LIBSVM;
        }
        if (name.endsWith(".parquet")) {
            return PARQUET;
        }
        if (name.endsWith("-ubyte")) {
            return IDX;
        }
        return null;
    }
}
