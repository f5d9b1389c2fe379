package org.sparkbackprop.cli;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.data.ParsedExample;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.input.ExampleReader;
import org.sparkbackprop.spark.input.IdxSource;
import org.sparkbackprop.spark.input.InputFormat;

/** Reads a data set named on the command line with the reader of its format, given or inferred, on the executors. */
final class DataSetReader {
    private DataSetReader() {
    }

    /** The examples at {@code path} as cached blocks, their width checked against {@code inputSize}. */
    static CachedExamples load(JavaSparkContext context, String path, DataSetOptions options, IdxSource.Role role,
                               int inputSize, int classes, int partitions) {
        return formatOf(context, path, options).reader().cache(context, path, options.readOptions(),
                new ExampleReader.Request(role, inputSize, classes, true, null, partitions));
    }

    /**
     * The rows at {@code path} numbered in input order, not cached: labels checked against
     * {@code classes} (0: unchecked where the format allows), optional unless {@code labelsRequired};
     * {@code idCol} a column carried through (null for none); {@code inputSize} 0 for any width.
     */
    static JavaPairRDD<Long, ParsedExample> rows(JavaSparkContext context, String path, DataSetOptions options,
                                                 IdxSource.Role role, int inputSize, int classes, boolean labelsRequired,
                                                 String idCol, int partitions) {
        return formatOf(context, path, options).reader().rows(context, path, options.readOptions(),
                new ExampleReader.Request(role, inputSize, classes, labelsRequired, idCol, partitions));
    }

    static InputFormat formatOf(JavaSparkContext context, String path, DataSetOptions options) {
        return options.format != null ? options.format : InputFormat.inferFrom(path, context.hadoopConfiguration());
    }
}
