package org.sparkbackprop.spark.input;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.Cells;
import org.sparkbackprop.data.ParsedExample;

/**
 * Parquet: features in a {@code features} column (array of double or float) or in numeric
 * columns, and labels in {@code label} (integer) or {@code labels} (array of integer). Read by
 * Spark's Parquet source on the executors; a bad row is named by file and row index.
 */
public final class ParquetSource {
    private ParquetSource() {
    }

    /** Which columns are what, checked against the schema on the driver. */
    public record Layout(String labelColumn, boolean multiLabel, String featuresArray, List<String> featureColumns,
                         double featureScale, String idColumn) implements java.io.Serializable {
        public int featureCount(SparkSession spark, String path) {
            if (featuresArray == null) {
                return featureColumns.size();
            }
            Row first = spark.read().parquet(path).select(featuresArray).first();
            return first.getList(0).size();
        }
    }

    /** The layout of the Parquet data at {@code path}, from its schema and the chosen feature columns (may be null). */
    public static Layout layout(SparkSession spark, String path, List<String> featureCols, double featureScale) {
        return layout(spark, path, featureCols, featureScale, true, null);
    }

    /**
     * As above; with {@code labelsRequired} false (data to predict), data without a label
     * column is accepted. {@code idCol}, when given, is carried through and is not a feature.
     */
    public static Layout layout(SparkSession spark, String path, List<String> featureCols, double featureScale,
                                boolean labelsRequired, String idCol) {
        Dataset<Row> data = spark.read().parquet(path);
        List<String> names = Arrays.asList(data.columns());
        String labelColumn;
        boolean multiLabel;
        if (names.contains("labels")) {
            requireType(path, data, "labels", "array<int>");
            labelColumn = "labels";
            multiLabel = true;
        } else if (names.contains("label")) {
            DataType type = data.schema().apply("label").dataType();
            if (!(type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType) || type.equals(DataTypes.ShortType))) {
                throw new BadInputException(path + ": column label is " + type.simpleString() + ", expected an integer");
            }
            labelColumn = "label";
            multiLabel = false;
        } else if (labelsRequired) {
            throw new BadInputException(path + ": no label column: expected 'label' (integer) or 'labels' (array<int>)");
        } else {
            labelColumn = null;
            multiLabel = false;
        }
        if (idCol != null && !names.contains(idCol)) {
            throw new BadInputException("id-col: " + path + " has no column '" + idCol + "'");
        }
        if ((featureCols == null || featureCols.isEmpty()) && names.contains("features")) {
            DataType type = data.schema().apply("features").dataType();
            if (!(type instanceof ArrayType array && array.elementType() instanceof NumericType)) {
                throw new BadInputException(path + ": column features is " + type.simpleString()
                        + ", expected array<double> or array<float>");
            }
            return new Layout(labelColumn, multiLabel, "features", null, featureScale, idCol);
        }
        List<String> features = new ArrayList<>();
        if (featureCols != null && !featureCols.isEmpty()) {
            for (String name : featureCols) {
                if (!names.contains(name)) {
                    throw new BadInputException("feature-cols: " + path + " has no column '" + name + "'");
                }
                features.add(name);
            }
        } else {
            for (StructField field : data.schema().fields()) {
                if (!field.name().equals(labelColumn) && !field.name().equals(idCol)
                        && field.dataType() instanceof NumericType) {
                    features.add(field.name());
                }
            }
        }
        for (String name : features) {
            if (!(data.schema().apply(name).dataType() instanceof NumericType)) {
                throw new BadInputException(path + ": column " + name + " is "
                        + data.schema().apply(name).dataType().simpleString() + ", expected a number");
            }
        }
        if (features.isEmpty()) {
            throw new BadInputException(path + ": no numeric feature columns and no 'features' array");
        }
        return new Layout(labelColumn, multiLabel, null, features, featureScale, idCol);
    }

    private static void requireType(String path, Dataset<Row> data, String column, String name) {
        DataType actual = data.schema().apply(column).dataType();
        if (!(actual instanceof ArrayType array && array.elementType() instanceof org.apache.spark.sql.types.IntegralType)) {
            throw new BadInputException(path + ": column " + column + " is " + actual.simpleString() + ", expected " + name);
        }
    }

    public static JavaRDD<ParsedExample> parse(SparkSession spark, String path, Layout layout, int featureCount,
                                               int classes) {
        List<String> columns = new ArrayList<>();
        columns.add(layout.labelColumn() != null ? layout.labelColumn() : "null");
        columns.add(layout.idColumn() != null ? "cast(`" + layout.idColumn() + "` as string)" : "cast(null as string)");
        if (layout.featuresArray() != null) {
            columns.add(layout.featuresArray());
        } else {
            columns.addAll(layout.featureColumns());
        }
        columns.add("_metadata.file_name");
        columns.add("_metadata.row_index");
        JavaRDD<Row> rows = spark.read().parquet(path)
                .selectExpr(columns.stream().map(c -> c.startsWith("_metadata") || c.contains("(") || c.equals("null") ? c
                        : "`" + c + "`").toArray(String[]::new))
                .javaRDD();
        return rows.mapPartitions(BadInputInTasks.of(spark.sparkContext()).guard(new ParseRows(layout, featureCount, classes)));
    }

    /** Selected columns: label (or null), id (or null), then the features, then file name and row index. */
    private record ParseRows(Layout layout, int featureCount, int classes)
            implements FlatMapFunction<Iterator<Row>, ParsedExample> {
        private static final int FEATURES = 2;

        @Override
        public Iterator<ParsedExample> call(Iterator<Row> rows) {
            List<ParsedExample> examples = new ArrayList<>();
            while (rows.hasNext()) {
                Row row = rows.next();
                int width = row.length();
                String where = row.getString(width - 2) + " row " + row.getLong(width - 1);
                examples.add(parse(row, where));
            }
            return examples.iterator();
        }

        private ParsedExample parse(Row row, String where) {
            if (layout.labelColumn() != null && row.isNullAt(0)) {
                throw new BadInputException(where + ": " + layout.labelColumn() + " is null");
            }
            int[] labels;
            if (layout.labelColumn() == null) {
                labels = new int[0];
            } else if (layout.multiLabel()) {
                List<Object> values = row.getList(0);
                labels = new int[values.size()];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = Cells.checkLabel(((Number) values.get(i)).longValue(), classes, where);
                }
            } else {
                labels = new int[] {Cells.checkLabel(((Number) row.get(0)).longValue(), classes, where)};
            }
            float[] features = new float[featureCount];
            int first = FEATURES;
            if (layout.featuresArray() != null) {
                List<Object> values = row.isNullAt(first) ? null : row.getList(first);
                if (values == null || values.size() != featureCount) {
                    throw new BadInputException(where + ": features has " + (values == null ? "no" : values.size())
                            + " values, expected " + featureCount);
                }
                for (int i = 0; i < featureCount; i++) {
                    features[i] = feature(values.get(i), where, "features[" + i + "]");
                }
            } else {
                for (int i = 0; i < featureCount; i++) {
                    features[i] = feature(row.isNullAt(first + i) ? null : row.get(first + i), where,
                            "column " + layout.featureColumns().get(i));
                }
            }
            return new ParsedExample(features, labels, row.getString(1));
        }

        private float feature(Object value, String where, String column) {
            if (value == null) {
                throw new BadInputException(where + ": " + column + " is null, expected a finite number");
            }
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                throw new BadInputException(where + ": " + column + " is " + number + ", expected a finite number");
            }
            return (float) (number * layout.featureScale());
        }

    }
}
