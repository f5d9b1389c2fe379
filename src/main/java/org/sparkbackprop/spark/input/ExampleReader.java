package org.sparkbackprop.spark.input;

import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.data.ParsedExample;

/**
 * Reads one input format on the executors ({@link InputFormat} lists them, one reader each). A
 * new format is a new reader and a line in that list.
 */
public interface ExampleReader {
    /**
     * What one read asks for. {@code role}: which file of a directory in MNIST's layout;
     * {@code inputSize}: the features a row must have (0: any); {@code classes}: the labels' range
     * (0: unchecked, where the format allows); {@code labelsRequired}: false reads rows without
     * labels (to predict); {@code idCol}: a column carried through (null for none);
     * {@code classNames}: for labels given as names, class k's name (a training set's, applied to
     * its test data), or null: the names found in this data, sorted.
     */
    record Request(IdxSource.Role role, int inputSize, int classes, boolean labelsRequired, String idCol,
                   int partitions, List<String> classNames) {
        public Request(IdxSource.Role role, int inputSize, int classes, boolean labelsRequired, String idCol,
                       int partitions) {
            this(role, inputSize, classes, labelsRequired, idCol, partitions, null);
        }
    }

    /** The examples at {@code path}, cached on the executors in {@code request.partitions()} partitions, for training or scoring. */
    CachedExamples cache(JavaSparkContext context, String path, ReadOptions options, Request request);

    /** The rows at {@code path} numbered in input order, for predictions and conversion; not cached. */
    JavaPairRDD<Long, ParsedExample> rows(JavaSparkContext context, String path, ReadOptions options, Request request);
}
