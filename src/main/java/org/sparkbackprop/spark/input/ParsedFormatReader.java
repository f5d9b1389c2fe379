package org.sparkbackprop.spark.input;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.ParsedExample;

/**
 * A format whose rows are parsed on the executors into {@link ParsedExample}s (CSV, LIBSVM,
 * Parquet): caching and numbering them is the same for each; only the parsing differs.
 */
abstract class ParsedFormatReader implements ExampleReader {
    /** Rows parsed on the executors, with their feature count. */
    record Parsed(JavaRDD<ParsedExample> examples, int featureCount) {
    }

    /** The rows at {@code path}, labels checked against {@code request.classes()} (0: unchecked). */
    abstract Parsed parse(JavaSparkContext context, String path, ReadOptions options, Request request);

    @Override
    public CachedExamples cache(JavaSparkContext context, String path, ReadOptions options, Request request) {
        Parsed parsed = parse(context, path, options, request);
        if (request.inputSize() > 0 && parsed.featureCount() != request.inputSize()) {
            throw new BadInputException("layers: the input size is " + request.inputSize() + " but " + path + " has "
                    + parsed.featureCount() + " features per example");
        }
        return Examples.cache(path, parsed.examples(), parsed.featureCount(), request.classes(), request.partitions(),
                options.cache());
    }

    @Override
    public JavaPairRDD<Long, ParsedExample> rows(JavaSparkContext context, String path, ReadOptions options,
                                                 Request request) {
        // rows that need no labels (to predict) have theirs, when present, unchecked
        Parsed parsed = parse(context, path, options, request.labelsRequired() ? request
                : new Request(request.role(), request.inputSize(), 0, false, request.idCol(), request.partitions()));
        if (request.inputSize() > 0 && parsed.featureCount() != request.inputSize()) {
            throw new BadInputException(path + ": " + parsed.featureCount()
                    + " features per row but the model's input size is " + request.inputSize());
        }
        return Examples.numbered(parsed.examples());
    }
}
