package org.sparkbackprop.spark.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.ParsedExample;
import org.sparkbackprop.spark.input.BadInputInTasks;

/**
 * Writes data sets as Spark writes them, but whole or not at all: into a temporary directory
 * beside the target, renamed into place when complete. An existing target is refused.
 */
public final class ParquetOutput {
    private ParquetOutput() {
    }

    /** Writes {@code rows} to {@code out} in {@code format} (with a header for CSV); returns the rows written. */
    public static long write(SparkSession spark, Dataset<Row> rows, String out, String format) {
        Path target = new Path(out);
        try {
            FileSystem fileSystem = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fileSystem.exists(target)) {
                throw new BadInputException("out: " + out + " exists; write to a new directory");
            }
            Path temporary = new Path(target.getParent(), "." + target.getName() + "-" + UUID.randomUUID() + ".tmp");
            try {
                rows.write().format(format).option("header", "true").save(temporary.toString());
                BadInputInTasks.of(spark.sparkContext()).throwIfFound();
                if (!fileSystem.rename(temporary, target)) {
                    throw new IOException("cannot rename " + temporary + " to " + target);
                }
            } finally {
                fileSystem.delete(temporary, true);
            }
            return spark.read().format(format).option("header", "true").load(out).count();
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": " + e.getMessage(), e);
        }
    }

    /**
     * Examples as the Parquet layout the loaders read fastest: {@code features} array<float>, and
     * {@code label} int for single-label data or {@code labels} array<int> for multi-label data.
     */
    public static Dataset<Row> examples(SparkSession spark, JavaRDD<ParsedExample> examples, boolean multiLabel) {
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(multiLabel ? "labels" : "label",
                        multiLabel ? DataTypes.createArrayType(DataTypes.IntegerType, false) : DataTypes.IntegerType, false);
        return spark.createDataFrame(examples.mapPartitions(new ToRows(multiLabel)), schema);
    }

    private record ToRows(boolean multiLabel) implements FlatMapFunction<Iterator<ParsedExample>, Row> {
        @Override
        public Iterator<Row> call(Iterator<ParsedExample> examples) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return examples.hasNext();
                }

                @Override
                public Row next() {
                    ParsedExample example = examples.next();
                    float[] features = example.features();
                    // Java arrays for array columns: Spark's row encoder takes them on every Scala version
                    Float[] boxed = new Float[features.length];
                    for (int i = 0; i < features.length; i++) {
                        boxed[i] = features[i];
                    }
                    Object labels = multiLabel ? Arrays.stream(example.labels()).boxed().toArray(Integer[]::new)
                            : (Object) example.labels()[0];
                    return RowFactory.create(boxed, labels);
                }
            };
        }
    }
}
