package org.sparkbackprop.spark.input;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkThrowable;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.FractionalType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.Cells;
import org.sparkbackprop.data.ParsedExample;
import scala.Tuple2;

/**
 * Any data source Spark SQL loads ({@code orc}, {@code json}, {@code xml}, {@code avro} where
 * its package is on the classpath, ...) with {@code --source-option}s, or a table of the
 * session's catalog ({@code --format table}, as {@code spark.table} reads it). Read by Spark on
 * the executors; a row's global index is its position in the source as Spark reads it, and a bad
 * row is named by that index.
 * <p>
 * Features: an array of numbers or an ML Vector column ({@code --features-col}, default
 * {@code features}), or numeric columns ({@code --feature-cols}, default all but the label and
 * id). Labels ({@code --label-col}, default {@code label}, else {@code labels}): class indices
 * (integers, or whole numbers as doubles), or class names (strings), or an array of either for
 * multi-label data. Names become indices in sorted order of the training data's distinct names.
 */
public final class SqlSource implements ExampleReader {
    /** The format name of a catalog table. */
    public static final String TABLE = "table";

    private final String format;

    public SqlSource(String format) {
        this.format = format;
    }

    /** How the labels are given. */
    enum Labels {
        NONE, INDEX, NAME, INDICES, NAMES;

        boolean named() {
            return this == NAME || this == NAMES;
        }
    }

    /** Which columns are what, checked against the schema on the driver. */
    record Layout(String labelColumn, Labels labels, String featuresColumn, List<String> featureColumns,
                  double featureScale, String idColumn) implements Serializable {
    }

    @Override
    public CachedExamples cache(JavaSparkContext context, String path, ReadOptions options, Request request) {
        Read read = read(path, options, request);
        if (request.inputSize() > 0 && read.featureCount() != request.inputSize()) {
            throw new BadInputException("layers: the input size is " + request.inputSize() + " but " + describe(path)
                    + " has " + read.featureCount() + " features per example");
        }
        return Examples.cacheNumbered(describe(path), read.rows(), read.featureCount(), request.classes(),
                request.partitions(), options.cache()).withClassNames(read.classNames());
    }

    @Override
    public JavaPairRDD<Long, ParsedExample> rows(JavaSparkContext context, String path, ReadOptions options,
                                                 Request request) {
        Read read = read(path, options, request);
        if (request.inputSize() > 0 && read.featureCount() != request.inputSize()) {
            throw new BadInputException(describe(path) + ": " + read.featureCount()
                    + " features per row but the model's input size is " + request.inputSize());
        }
        return read.rows();
    }

    /** The rows numbered in source order, their width, and the class names their labels use (null: indices). */
    private record Read(JavaPairRDD<Long, ParsedExample> rows, int featureCount, List<String> classNames) {
    }

    private Read read(String path, ReadOptions options, Request request) {
        SparkSession spark = SparkSession.active();
        Dataset<Row> data = load(spark, path, options);
        String source = describe(path);
        Layout layout = layout(source, data.schema().fields(), options, request.labelsRequired(), request.idCol());
        int featureCount = featureCount(source, data, layout);
        List<String> classNames = null;
        if (layout.labels().named()) {
            classNames = request.classNames() != null ? request.classNames() : namesIn(source, data, layout);
            if (request.classes() > 0 && classNames.size() != request.classes()) {
                throw new BadInputException("layers: the last layer has " + request.classes() + " outputs but "
                        + source + " names " + classNames.size() + " classes " + shown(classNames));
            }
        } else if (request.classNames() != null && layout.labels() != Labels.NONE) {
            throw new BadInputException(source + ": column " + layout.labelColumn() + " holds class indices, but the"
                    + " model's classes are names " + shown(request.classNames()));
        }
        List<Column> columns = new ArrayList<>();
        columns.add(layout.labelColumn() != null ? functions.col(quoted(layout.labelColumn()))
                : functions.lit(null).as("label"));
        columns.add(layout.idColumn() != null ? functions.col(quoted(layout.idColumn())).cast(DataTypes.StringType)
                : functions.lit(null).cast(DataTypes.StringType).as("id"));
        if (layout.featuresColumn() != null) {
            columns.add(functions.col(quoted(layout.featuresColumn())));
        } else {
            layout.featureColumns().forEach(name -> columns.add(functions.col(quoted(name))));
        }
        JavaPairRDD<Row, Long> indexed = data.select(columns.toArray(Column[]::new)).javaRDD().zipWithIndex();
        ParseRows parse = new ParseRows(source, layout, featureCount, request.classes(),
                classNames == null ? null : indexOf(classNames));
        JavaPairRDD<Long, ParsedExample> rows = indexed
                .mapPartitions(BadInputInTasks.of(spark.sparkContext()).guard(parse))
                .mapToPair(pair -> pair);
        return new Read(rows, featureCount, classNames);
    }

    /** The data: the catalog's table, or the source at {@code path}; what cannot be loaded is bad input. */
    private Dataset<Row> load(SparkSession spark, String path, ReadOptions options) {
        try {
            if (TABLE.equals(format)) {
                return spark.table(path);
            }
            return spark.read().format(format).options(options.sourceOptions()).load(path);
        } catch (Exception e) {
            // Scala throws AnalysisException and ClassNotFoundException undeclared
            if (hasCondition(e, "DATA_SOURCE_NOT_FOUND") || e instanceof ClassNotFoundException) {
                throw new BadInputException("unknown format '" + format + "': not one of " + String.join(", ",
                        new InputFormat.Names()) + ", " + TABLE + ", nor a data source Spark can load (is its package"
                        + " on the classpath?)");
            }
            if (hasCondition(e, "TABLE_OR_VIEW_NOT_FOUND")) {
                throw new BadInputException("table " + path + ": no such table or view in the catalog");
            }
            throw new BadInputException(describe(path) + ": cannot be read as " + format + " ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")", e);
        }
    }

    /** Whether {@code e} or a cause of it is Spark's error of {@code condition}. */
    private static boolean hasCondition(Throwable e, String condition) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SparkThrowable thrown && condition.equals(thrown.getErrorClass())) {
                return true;
            }
        }
        return false;
    }

    private String describe(String path) {
        return TABLE.equals(format) ? "table " + path : path;
    }

    /** The layout of data whose columns are {@code fields}, as the options choose; checked on the driver. */
    static Layout layout(String source, StructField[] fields, ReadOptions options, boolean labelsRequired,
                         String idCol) {
        Map<String, DataType> types = new HashMap<>();
        for (StructField field : fields) {
            types.put(field.name(), field.dataType());
        }
        String labelColumn = options.labelCol();
        if (labelColumn != null && !types.containsKey(labelColumn)) {
            if (labelsRequired) {
                throw new BadInputException("label-col: " + source + " has no column '" + labelColumn + "'");
            }
            labelColumn = null;
        } else if (labelColumn == null) {
            labelColumn = types.containsKey("label") ? "label" : types.containsKey("labels") ? "labels" : null;
        }
        if (labelColumn == null && labelsRequired) {
            throw new BadInputException(source + ": no label column: expected 'label' or 'labels', or one named by"
                    + " --label-col");
        }
        Labels labels = labelColumn == null ? Labels.NONE : labelsOf(source, labelColumn, types.get(labelColumn));
        if (idCol != null && !types.containsKey(idCol)) {
            throw new BadInputException("id-col: " + source + " has no column '" + idCol + "'");
        }
        String featuresColumn = options.featuresCol();
        List<String> featureCols = options.featureCols();
        if (featuresColumn == null && (featureCols == null || featureCols.isEmpty()) && types.containsKey("features")) {
            featuresColumn = "features";
        }
        if (featuresColumn != null) {
            DataType type = types.get(featuresColumn);
            if (type == null) {
                throw new BadInputException("features-col: " + source + " has no column '" + featuresColumn + "'");
            }
            if (!(type instanceof ArrayType array && array.elementType() instanceof NumericType)
                    && !type.equals(SQLDataTypes.VectorType())) {
                throw new BadInputException(source + ": column " + featuresColumn + " is " + type.simpleString()
                        + ", expected an array of numbers or an ML Vector");
            }
            return new Layout(labelColumn, labels, featuresColumn, null, options.featureScale(), idCol);
        }
        List<String> features = new ArrayList<>();
        if (featureCols != null && !featureCols.isEmpty()) {
            for (String name : featureCols) {
                if (!types.containsKey(name)) {
                    throw new BadInputException("feature-cols: " + source + " has no column '" + name + "'");
                }
                if (!(types.get(name) instanceof NumericType)) {
                    throw new BadInputException(source + ": column " + name + " is " + types.get(name).simpleString()
                            + ", expected a number");
                }
                features.add(name);
            }
        } else {
            for (StructField field : fields) {
                if (!field.name().equals(labelColumn) && !field.name().equals(idCol)
                        && field.dataType() instanceof NumericType) {
                    features.add(field.name());
                }
            }
        }
        if (features.isEmpty()) {
            throw new BadInputException(source + ": no numeric feature columns, and no 'features' column: name an"
                    + " array or Vector column with --features-col, or numeric columns with --feature-cols");
        }
        return new Layout(labelColumn, labels, null, features, options.featureScale(), idCol);
    }

    private static Labels labelsOf(String source, String column, DataType type) {
        if (type instanceof IntegralType || type instanceof FractionalType) {
            return Labels.INDEX;
        }
        if (type.equals(DataTypes.StringType)) {
            return Labels.NAME;
        }
        if (type instanceof ArrayType array && array.elementType() instanceof IntegralType) {
            return Labels.INDICES;
        }
        if (type instanceof ArrayType array && array.elementType().equals(DataTypes.StringType)) {
            return Labels.NAMES;
        }
        throw new BadInputException(source + ": column " + column + " is " + type.simpleString() + ", expected class"
                + " indices (integers), class names (strings), or an array of either");
    }

    /** The width of a row: the feature columns, or the length of the first row's array or Vector. */
    private static int featureCount(String source, Dataset<Row> data, Layout layout) {
        if (layout.featuresColumn() == null) {
            return layout.featureColumns().size();
        }
        List<Row> first = data.select(functions.col(quoted(layout.featuresColumn())))
                .where(functions.col(quoted(layout.featuresColumn())).isNotNull()).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new BadInputException(source + ": no examples with " + layout.featuresColumn());
        }
        Object value = first.get(0).get(0);
        return value instanceof Vector vector ? vector.size() : first.get(0).getList(0).size();
    }

    /** The distinct class names of the data's label column, sorted: class k is the k-th. */
    private static List<String> namesIn(String source, Dataset<Row> data, Layout layout) {
        List<String> names = classNames(data, layout.labelColumn(), layout.labels() == Labels.NAMES);
        if (names.isEmpty()) {
            throw new BadInputException(source + ": column " + layout.labelColumn() + " holds no class name");
        }
        return names;
    }

    /**
     * The distinct non-null names of {@code data}'s string column {@code column} (of its elements,
     * for an array of strings: {@code arrays}), sorted: the classes that labels given as names
     * stand for, class k the k-th.
     */
    public static List<String> classNames(Dataset<?> data, String column, boolean arrays) {
        Column label = functions.col(quoted(column));
        Column name = arrays ? functions.explode(label) : label;
        List<String> names = new ArrayList<>();
        for (Row row : data.select(name.as("name")).where(functions.col("name").isNotNull()).distinct()
                .collectAsList()) {
            names.add(row.getString(0));
        }
        names.sort(null);
        return names;
    }

    private static Map<String, Integer> indexOf(List<String> classNames) {
        Map<String, Integer> index = new HashMap<>();
        for (int k = 0; k < classNames.size(); k++) {
            index.put(classNames.get(k), k);
        }
        return index;
    }

    /** The first names of {@code names}, for a message. */
    public static String shown(List<String> names) {
        List<String> quoted = names.stream().limit(5).map(name -> "'" + name + "'").toList();
        return "(" + String.join(", ", quoted) + (names.size() > 5 ? ", ..." : "") + ")";
    }

    private static String quoted(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    /** Selected columns: label (or null), id (or null), then the features; with each row's global index. */
    private record ParseRows(String source, Layout layout, int featureCount, int classes,
                             Map<String, Integer> classIndex)
            implements FlatMapFunction<Iterator<Tuple2<Row, Long>>, Tuple2<Long, ParsedExample>> {
        private static final int FEATURES = 2;

        @Override
        public Iterator<Tuple2<Long, ParsedExample>> call(Iterator<Tuple2<Row, Long>> rows) {
            List<Tuple2<Long, ParsedExample>> examples = new ArrayList<>();
            while (rows.hasNext()) {
                Tuple2<Row, Long> indexed = rows.next();
                examples.add(new Tuple2<>(indexed._2(), parse(indexed._1(), source + " row " + indexed._2())));
            }
            return examples.iterator();
        }

        private ParsedExample parse(Row row, String where) {
            int[] labels = labels(row, where);
            float[] features = new float[featureCount];
            if (layout.featuresColumn() != null) {
                Object value = row.get(FEATURES);
                double[] values = value == null ? null : value instanceof Vector vector ? vector.toArray()
                        : row.getList(FEATURES).stream().mapToDouble(element -> number(element, where)).toArray();
                if (values == null || values.length != featureCount) {
                    throw new BadInputException(where + ": " + layout.featuresColumn() + " has "
                            + (values == null ? "no" : values.length) + " values, expected " + featureCount);
                }
                for (int i = 0; i < featureCount; i++) {
                    features[i] = feature(values[i], where, layout.featuresColumn() + "[" + i + "]");
                }
            } else {
                for (int i = 0; i < featureCount; i++) {
                    String column = "column " + layout.featureColumns().get(i);
                    Object value = row.get(FEATURES + i);
                    if (value == null) {
                        throw new BadInputException(where + ": " + column + " is null, expected a finite number");
                    }
                    features[i] = feature(((Number) value).doubleValue(), where, column);
                }
            }
            return new ParsedExample(features, labels, row.getString(1));
        }

        private double number(Object element, String where) {
            if (element == null) {
                throw new BadInputException(where + ": " + layout.featuresColumn() + " holds a null, expected numbers");
            }
            return ((Number) element).doubleValue();
        }

        private float feature(double number, String where, String column) {
            return Cells.feature(number, layout.featureScale(), Cells.shown(number), where, column);
        }

        private int[] labels(Row row, String where) {
            if (layout.labels() == Labels.NONE) {
                return new int[0];
            }
            if (row.isNullAt(0)) {
                throw new BadInputException(where + ": " + layout.labelColumn() + " is null, expected a class");
            }
            return switch (layout.labels()) {
                case INDEX -> new int[] {index(row.get(0), where)};
                case NAME -> new int[] {named(row.getString(0), where)};
                case INDICES -> row.getList(0).stream().mapToInt(value -> index(value, where)).toArray();
                case NAMES -> row.<String>getList(0).stream().mapToInt(name -> named(name, where)).toArray();
                case NONE -> new int[0];
            };
        }

        private int index(Object value, String where) {
            if (value == null) {
                throw new BadInputException(where + ": " + layout.labelColumn() + " holds a null, expected classes");
            }
            if (value instanceof Double || value instanceof Float || value instanceof java.math.BigDecimal) {
                // named as the column holds it: a cast to long would make 1e19 and Infinity Long.MAX_VALUE
                return Cells.label(((Number) value).doubleValue(), value.toString(), classes, where);
            }
            return Cells.checkLabel(((Number) value).longValue(), classes, where);
        }

        private int named(String name, String where) {
            Integer index = name == null ? null : classIndex.get(name);
            if (index == null) {
                throw new BadInputException(where + ": label " + (name == null ? "null" : "'" + name + "'")
                        + " is not one of the " + classIndex.size() + " classes of the training data");
            }
            return index;
        }
    }
}
