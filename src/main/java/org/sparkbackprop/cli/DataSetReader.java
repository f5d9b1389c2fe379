package org.sparkbackprop.cli;

import java.util.List;
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
        return load(context, path, options, role, inputSize, classes, partitions, null);
    }

    /**
     * As above, for labels given as names: {@code classNames} are class k's names (a training
     * set's, for its test data), or null to take the sorted names found in this data.
     */
    static CachedExamples load(JavaSparkContext context, String path, DataSetOptions options, IdxSource.Role role,
                               int inputSize, int classes, int partitions, List<String> classNames) {
        return readerOf(context, path, options).cache(context, path, options.readOptions(),
                new ExampleReader.Request(role, inputSize, classes, true, null, partitions, classNames));
    }

    /**
     * The rows at {@code path} numbered in input order, not cached: labels checked against
     * {@code classes} (0: unchecked where the format allows), optional unless {@code labelsRequired};
     * {@code idCol} a column carried through (null for none); {@code inputSize} 0 for any width.
     */
    static JavaPairRDD<Long, ParsedExample> rows(JavaSparkContext context, String path, DataSetOptions options,
                                                 IdxSource.Role role, int inputSize, int classes, boolean labelsRequired,
                                                 String idCol, int partitions) {
        return readerOf(context, path, options).rows(context, path, options.readOptions(),
                new ExampleReader.Request(role, inputSize, classes, labelsRequired, idCol, partitions));
    }

    static ExampleReader readerOf(JavaSparkContext context, String path, DataSetOptions options) {
        return options.format != null ? InputFormat.readerOf(options.format)
                : InputFormat.inferFrom(path, context.hadoopConfiguration()).reader();
    }
}
