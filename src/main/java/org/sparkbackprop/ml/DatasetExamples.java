package org.sparkbackprop.ml;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.Cells;
import org.sparkbackprop.data.ParsedExample;
import org.sparkbackprop.spark.input.BadInputInTasks;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.input.Examples;
import scala.Tuple2;

/**
 * A DataFrame's features and labels as cached examples, read on the executors: row i of the
 * DataFrame (in its order, as {@code zipWithIndex} numbers it) is the example with global index
 * i, so the same rows in the same order are the same examples as the command line reads from a
 * file. Features become float32, as every input format's do; a label must be a class index in
 * [0, k). A bad row is named by its index.
 */
final class DatasetExamples {
    private DatasetExamples() {
    }

    /** The examples to train on, and those to validate on (null without a validation column). */
    record Loaded(CachedExamples train, CachedExamples validation) {
    }

    static Loaded cache(Dataset<?> dataset, String featuresCol, String labelCol, String validationCol, int inputSize,
                        int classes, int partitions, BlockCache cache) {
        return cache(dataset, featuresCol, labelCol, validationCol, inputSize, classes, partitions, cache, null);
    }

    /**
     * As above; where {@code classNames} is given the label column holds class names, class k
     * being {@code classNames[k]}, else class indices as doubles.
     */
    static Loaded cache(Dataset<?> dataset, String featuresCol, String labelCol, String validationCol, int inputSize,
                        int classes, int partitions, BlockCache cache, List<String> classNames) {
        Column[] columns = {functions.col(featuresCol), functions.col(labelCol)};
        if (validationCol == null) {
            return new Loaded(cache("the DataFrame", dataset.select(columns), inputSize, classes, partitions, cache, classNames),
                    null);
        }
        Column indicator = functions.col(validationCol);
        long unknown = dataset.filter(indicator.isNull()).count();
        if (unknown > 0) {
            throw new BadInputException("validationIndicatorCol: column '" + validationCol + "' is null in " + unknown
                    + " rows, expected true (validate on the row) or false (train on it)");
        }
        CachedExamples train = cache("the DataFrame's training rows",
                dataset.filter(functions.not(indicator)).select(columns), inputSize, classes, partitions, cache,
                classNames);
        try {
            CachedExamples validation = cache("the DataFrame's validation rows",
                    dataset.filter(indicator).select(columns), inputSize, classes, partitions, cache, classNames);
            return new Loaded(train, validation);
        } catch (RuntimeException e) {
            train.release();
            throw e;
        }
    }

    /**
     * The rows of {@code selected} (features, label), numbered in order and cached. The rows are
     * kept while they are numbered and cached, so the DataFrame's plan runs once.
     */
    private static CachedExamples cache(String source, Dataset<Row> selected, int inputSize, int classes,
                                        int partitions, BlockCache cache, List<String> classNames) {
        JavaRDD<Row> rows = selected.javaRDD().persist(StorageLevel.MEMORY_AND_DISK());
        try {
            // a bad row ends its partition's reading; cacheNumbered reports the lowest partition's
            JavaPairRDD<Long, ParsedExample> numbered = JavaPairRDD.fromJavaRDD(rows.zipWithIndex().mapPartitions(
                    BadInputInTasks.of(selected.sparkSession().sparkContext()).guard(
                            new ParseRows(source, inputSize, classes, classNames == null ? null : indexOf(classNames)))));
            return Examples.cacheNumbered(source, numbered, inputSize, classes, partitions, cache);
        } finally {
            rows.unpersist(false);
        }
    }

    /** Name → class index. */
    private static HashMap<String, Integer> indexOf(List<String> classNames) {
        HashMap<String, Integer> index = new HashMap<>();
        for (int k = 0; k < classNames.size(); k++) {
            index.put(classNames.get(k), k);
        }
        return index;
    }

    /** Row (features, label) with its index → (index, example); fails naming the row. */
    private record ParseRows(String source, int inputSize, int classes, HashMap<String, Integer> classIndex)
            implements FlatMapFunction<Iterator<Tuple2<Row, Long>>, Tuple2<Long, ParsedExample>> {

        @Override
        public Iterator<Tuple2<Long, ParsedExample>> call(Iterator<Tuple2<Row, Long>> rows) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Tuple2<Long, ParsedExample> next() {
                    Tuple2<Row, Long> row = rows.next();
                    String where = source + " row " + row._2();
                    return new Tuple2<>(row._2(), new ParsedExample(features(row._1(), where),
                            new int[] {label(row._1(), where)}));
                }
            };
        }

        private float[] features(Row row, String where) {
            if (row.isNullAt(0)) {
                throw new BadInputException(where + ": features is null, expected a vector of " + inputSize + " values");
            }
            Vector vector = (Vector) row.get(0);
            if (vector.size() != inputSize) {
                throw new BadInputException(where + ": features has " + vector.size() + " values, but the input size,"
                        + " layers(0), is " + inputSize);
            }
            float[] features = new float[inputSize];
            if (vector instanceof SparseVector sparse) {
                int[] indices = sparse.indices();
                double[] values = sparse.values();
                for (int k = 0; k < indices.length; k++) {
                    features[indices[k]] = feature(values[k], where, indices[k]);
                }
            } else {
                double[] values = ((DenseVector) vector).values();
                for (int i = 0; i < inputSize; i++) {
                    features[i] = feature(values[i], where, i);
                }
            }
            return features;
        }

        private static float feature(double value, String where, int i) {
            return Cells.feature(value, 1.0, Cells.shown(value), where, "features[" + i + "]");
        }

        private int label(Row row, String where) {
            if (row.isNullAt(1)) {
                throw new BadInputException(where + ": label is null, expected " + (classIndex != null
                        ? "one of the model's " + classes + " class names" : "a class index in [0, " + classes + ")"));
            }
            if (classIndex != null) {
                String name = row.getString(1);
                Integer index = classIndex.get(name);
                if (index == null) {
                    throw new BadInputException(where + ": label '" + name + "' is not one of the model's " + classes
                            + " classes");
                }
                return index;
            }
            // Spark has cast the column to double: named as that double, never as a long made of it
            double label = row.getDouble(1);
            return Cells.label(label, Cells.shown(label), classes, where);
        }
    }
}
