package org.sparkbackprop.spark.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.ParsedExample;
import org.sparkbackprop.network.Backpropagation;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.spark.input.BadInputInTasks;
import org.sparkbackprop.spark.step.WorkspacePool;
import scala.Tuple2;

/**
 * Predictions computed on the executors and written by Spark: for each input row, in input
 * order, its {@code index}, the {@code id} column when one is carried, the {@code prediction}
 * (softmax: the argmax class; sigmoid: the classes with probability ≥ the threshold; by name
 * where the model's labels were names) and the {@code probability} of every class. Written whole
 * or not at all ({@link ParquetOutput}).
 */
public final class Predictions {
    /** Rows forwarded through the network at a time. */
    private static final int SLICE_ROWS = 1024;

    private Predictions() {
    }

    /**
     * Writes the predictions for {@code examples} to {@code out} as {@code format} (parquet or
     * csv; CSV holds the probabilities, and a multi-label prediction, as ';'-separated lists).
     * Fails, writing nothing, when {@code out} exists. {@code classNames}: class k's name, written
     * as the prediction (null: the index is).
     */
    public static long write(SparkSession spark, JavaPairRDD<Long, ParsedExample> examples, Parameters parameters,
                             List<String> classNames, Kernel kernel, double threshold, boolean withIds, String out,
                             String format) {
        boolean csv = format.equals("csv");
        Broadcast<Parameters> broadcast = new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext())
                .broadcast(parameters);
        try {
            JavaRDD<Row> rows = examples.mapPartitions(
                    BadInputInTasks.of(spark.sparkContext()).guard(new Predict(broadcast, classNames, kernel, threshold, withIds,
                            csv)));
            return ParquetOutput.write(spark, spark.createDataFrame(rows,
                    schema(parameters.architecture().output(), classNames != null, withIds, csv)), out, format);
        } finally {
            broadcast.destroy();
        }
    }

    private static StructType schema(Output output, boolean named, boolean withIds, boolean csv) {
        StructType schema = new StructType().add("index", DataTypes.LongType, false);
        if (withIds) {
            schema = schema.add("id", DataTypes.StringType);
        }
        DataType label = named ? DataTypes.StringType : DataTypes.IntegerType;
        if (csv) {
            return schema.add("prediction", !output.multiLabel() ? label : DataTypes.StringType)
                    .add("probability", DataTypes.StringType);
        }
        return schema.add("prediction", !output.multiLabel() ? label : DataTypes.createArrayType(label))
                .add("probability", DataTypes.createArrayType(DataTypes.DoubleType));
    }

    /** Forwards a partition's rows a slice at a time and turns the outputs into rows. */
    private record Predict(Broadcast<Parameters> parameters, List<String> classNames, Kernel kernel, double threshold,
                           boolean withIds,
                           boolean csv)
            implements FlatMapFunction<Iterator<Tuple2<Long, ParsedExample>>, Row> {

        @Override
        public Iterator<Row> call(Iterator<Tuple2<Long, ParsedExample>> examples) {
            Parameters current = parameters.value();
            int inputs = current.architecture().inputSize();
            int classes = current.architecture().outputSize();
            List<Row> rows = new ArrayList<>();
            return WorkspacePool.withWorkspace(current.architecture(), SLICE_ROWS, kernel, workspace -> {
                List<Tuple2<Long, ParsedExample>> slice = new ArrayList<>(SLICE_ROWS);
                while (examples.hasNext()) {
                    slice.add(examples.next());
                    if (slice.size() == SLICE_ROWS || !examples.hasNext()) {
                        workspace.resize(slice.size());
                        for (int r = 0; r < slice.size(); r++) {
                            float[] features = slice.get(r)._2().features();
                            if (features.length != inputs) {
                                throw new BadInputException("row " + slice.get(r)._1() + " has " + features.length
                                        + " features but the model's input size is " + inputs);
                            }
                            for (int i = 0; i < inputs; i++) {
                                workspace.inputs().data[r * inputs + i] = features[i];
                            }
                        }
                        Backpropagation.forward(current, workspace);
                        double[] a = workspace.activations(current.architecture().weightLayers()).data;
                        for (int r = 0; r < slice.size(); r++) {
                            rows.add(row(slice.get(r), Arrays.copyOfRange(a, r * classes, (r + 1) * classes),
                                    current.architecture().output()));
                        }
                        slice.clear();
                    }
                }
                return rows.iterator();
            });
        }

        /** Class k as written: its name, or k. */
        private Object label(int k) {
            return classNames != null ? classNames.get(k) : (Object) k;
        }

        private Row row(Tuple2<Long, ParsedExample> example, double[] probability, Output output) {
            List<Object> values = new ArrayList<>();
            values.add(example._1());
            if (withIds) {
                values.add(example._2().id());
            }
            Object prediction;
            if (!output.multiLabel()) {
                prediction = label(Scores.argmax(probability, 0, probability.length));
            } else {
                List<Object> labels = new ArrayList<>();
                for (int k = 0; k < probability.length; k++) {
                    if (probability[k] >= threshold) {
                        labels.add(label(k));
                    }
                }
                prediction = csv ? String.join(";", labels.stream().map(String::valueOf).toList())
                        : labels.toArray(classNames != null ? String[]::new : Integer[]::new);
            }
            values.add(prediction);
            if (csv) {
                values.add(String.join(";", Arrays.stream(probability).mapToObj(Double::toString).toList()));
            } else {
                values.add(Arrays.stream(probability).boxed().toArray(Double[]::new));
            }
            return RowFactory.create(values.toArray());
        }
    }
}
