package org.sparkbackprop.cli;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.CsvLayout;
import org.sparkbackprop.data.LibSvmParser;
import org.sparkbackprop.data.ParsedExample;
import org.sparkbackprop.spark.CachedExamples;
import org.sparkbackprop.spark.Examples;
import org.sparkbackprop.spark.IdxSource;
import org.sparkbackprop.spark.ParquetSource;
import org.sparkbackprop.spark.TextSource;

/** Reads a data set named on the command line, in the format given or inferred, on the executors. */
final class DataOptions {
    private DataOptions() {
    }

    /** The examples at {@code path} as cached blocks, their width checked against {@code inputSize}. */
    static CachedExamples load(JavaSparkContext context, String path, DataSetOptions options, IdxSource.Role role,
                               int inputSize, int classes, int partitions) {
        InputFormat format = formatOf(context, path, options);
        if (format == InputFormat.IDX) {
            return IdxSource.load(context, IdxSource.resolveImages(path, role, context.hadoopConfiguration()),
                    inputSize, classes, partitions, options.cache);
        }
        Parsed parsed = parse(context, path, options, classes, true, null);
        if (parsed.featureCount() != inputSize) {
            throw new BadInputException("layers: the input size is " + inputSize + " but " + path + " has "
                    + parsed.featureCount() + " features per example");
        }
        return Examples.cache(path, parsed.examples(), parsed.featureCount(), classes, partitions, options.cache);
    }

    /** Rows parsed on the executors, with their feature count. */
    record Parsed(JavaRDD<ParsedExample> examples, int featureCount) {
    }

    static InputFormat formatOf(JavaSparkContext context, String path, DataSetOptions options) {
        return options.format != null ? options.format : InputFormat.inferFrom(path, context.hadoopConfiguration());
    }

    /**
     * Text and Parquet input parsed into examples, labels checked against {@code classes} (0
     * for unchecked). {@code labelsRequired} false accepts data without labels (to predict);
     * {@code idCol} names a column carried through (may be null).
     */
    static Parsed parse(JavaSparkContext context, String path, DataSetOptions options, int classes,
                        boolean labelsRequired, String idCol) {
        SparkSession spark = SparkSession.active();
        return switch (formatOf(context, path, options)) {
            case CSV -> {
                CsvLayout layout = CsvLayout.resolve(path, TextSource.firstLine(path, context.hadoopConfiguration()),
                        options.header, options.labelCol, options.labelCols, options.featureCols, options.featureScale,
                        labelsRequired, idCol);
                yield new Parsed(TextSource.csv(spark, path, layout, classes), layout.featureCount());
            }
            case LIBSVM -> {
                if (idCol != null) {
                    throw new BadInputException("id-col: LIBSVM rows have no columns; predictions carry their row index");
                }
                TextSource.firstLine(path, context.hadoopConfiguration());
                int width = options.numFeatures != null ? options.numFeatures : TextSource.libsvmWidth(spark, path);
                LibSvmParser parser = new LibSvmParser(width, options.featureScale);
                yield new Parsed(TextSource.libsvm(spark, path, parser, classes), width);
            }
            case PARQUET -> {
                ParquetSource.Layout layout = ParquetSource.layout(spark, path, options.featureCols, options.featureScale,
                        labelsRequired, idCol);
                int width = layout.featureCount(spark, path);
                yield new Parsed(ParquetSource.parse(spark, path, layout, width, classes), width);
            }
            case IDX -> throw new IllegalStateException("IDX is read by IdxSource");
        };
    }
}
