package org.sparkbackprop.spark.input;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.ParsedExample;

/**
 * MNIST's IDX: an images file, or a directory in the standard layout, and its labels file, read
 * by byte ranges on the executors ({@link IdxSource}). Labels are always there; without a class
 * count they are taken to be MNIST's ten.
 */
final class IdxReader implements ExampleReader {
    private static final int MNIST_CLASSES = 10;

    @Override
    public CachedExamples cache(JavaSparkContext context, String path, ReadOptions options, Request request) {
        if (request.idCol() != null) {
            throw new BadInputException("id-col: IDX rows have no columns; predictions carry their row index");
        }
        return IdxSource.load(context, IdxSource.resolveImages(path, request.role(), context.hadoopConfiguration()),
                request.inputSize(), request.classes() > 0 ? request.classes() : MNIST_CLASSES, request.partitions(),
                options.cache());
    }

    @Override
    public JavaPairRDD<Long, ParsedExample> rows(JavaSparkContext context, String path, ReadOptions options,
                                                 Request request) {
        return Examples.unpack(cache(context, path, options, request));
    }
}
