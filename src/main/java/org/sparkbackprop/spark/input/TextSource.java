package org.sparkbackprop.spark.input;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.CsvLayout;
import org.sparkbackprop.data.LibSvmParser;
import org.sparkbackprop.data.ParsedExample;

/**
 * CSV and LIBSVM text read through Spark's text source and parsed on the executors. Each line
 * knows its file and, counting within its file split, its line number, so a bad line is named
 * exactly: "{@code data.csv line 18}" when the split starts the file, otherwise the line's
 * number within the split that starts at a byte offset.
 */
public final class TextSource {
    private TextSource() {
    }

    /** Parses one non-blank line of text; {@code where} names it in errors. */
    @FunctionalInterface
    interface LineParser extends Serializable {
        /** Null for a line that holds no example (a repeated header). */
        ParsedExample parse(String line, String where);
    }

    /** CSV through {@code layout}; labels checked against {@code classes} (0: unchecked). */
    public static JavaRDD<ParsedExample> csv(SparkSession spark, String path, CsvLayout layout, int classes) {
        return parse(spark, path, (line, where) -> layout.isHeader(line) ? null : layout.parse(line, where, classes));
    }

    public static JavaRDD<ParsedExample> libsvm(SparkSession spark, String path, LibSvmParser parser, int classes) {
        return parse(spark, path, (line, where) -> parser.parse(line, where, classes));
    }

    /** The widest feature index in LIBSVM data: its feature count when none is given. */
    public static int libsvmWidth(SparkSession spark, String path) {
        return lines(spark, path).map(row -> LibSvmParser.maxIndex(row.getString(0))).fold(0, Math::max);
    }

    /** The first line of the first file of {@code path} (a file or a directory of part files), or fails naming it. */
    public static String firstLine(String path, Configuration configuration) {
        try {
            Path file = firstFile(path, configuration);
            FileSystem fileSystem = file.getFileSystem(configuration);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    open(fileSystem, file), StandardCharsets.UTF_8))) {
                String line = reader.readLine();
                if (line == null) {
                    throw new BadInputException(file + ": empty file, expected a header or a first row");
                }
                return line;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    private static java.io.InputStream open(FileSystem fileSystem, Path file) throws IOException {
        java.io.InputStream in = fileSystem.open(file);
        return file.getName().endsWith(".gz") ? new GZIPInputStream(in) : in;
    }

    /** The file itself, or the first data file (by name) of a directory. */
    static Path firstFile(String path, Configuration configuration) throws IOException {
        Path given = new Path(path);
        FileSystem fileSystem = given.getFileSystem(configuration);
        if (!fileSystem.exists(given)) {
            throw new BadInputException(path + ": no such file or directory");
        }
        if (!fileSystem.getFileStatus(given).isDirectory()) {
            return given;
        }
        FileStatus[] files = fileSystem.listStatus(given, candidate -> !candidate.getName().startsWith("_")
                && !candidate.getName().startsWith("."));
        Arrays.sort(files);
        for (FileStatus file : files) {
            if (file.isFile()) {
                return file.getPath();
            }
        }
        throw new BadInputException(path + ": directory holds no data files");
    }

    private static JavaRDD<Row> lines(SparkSession spark, String path) {
        return spark.read().text(path)
                .selectExpr("value", "_metadata.file_name", "_metadata.file_block_start")
                .javaRDD();
    }

    private static JavaRDD<ParsedExample> parse(SparkSession spark, String path, LineParser parser) {
        return lines(spark, path).mapPartitions(BadInputInTasks.of(spark.sparkContext()).guard(new ParseLines(parser)));
    }

    /** Parses a partition's lines in order, counting lines within each file split. */
    private record ParseLines(LineParser parser) implements FlatMapFunction<Iterator<Row>, ParsedExample> {
        @Override
        public Iterator<ParsedExample> call(Iterator<Row> rows) {
            List<ParsedExample> examples = new ArrayList<>();
            String file = null;
            long blockStart = -1;
            long line = 0;
            while (rows.hasNext()) {
                Row row = rows.next();
                String text = row.getString(0);
                String rowFile = row.getString(1);
                long rowBlockStart = row.getLong(2);
                if (!rowFile.equals(file) || rowBlockStart != blockStart) {
                    file = rowFile;
                    blockStart = rowBlockStart;
                    line = 0;
                }
                line++;
                if (text.isBlank()) {
                    continue;
                }
                String where = blockStart == 0 ? file + " line " + line
                        : file + " line " + line + " of the split at byte " + blockStart;
                ParsedExample example = parser.parse(text, where);
                if (example != null) {
                    examples.add(example);
                }
            }
            return examples.iterator();
        }
    }
}
