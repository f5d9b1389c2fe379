package org.sparkbackprop.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.InputFormat;
import org.sparkbackprop.spark.input.PartitionCount;
import org.sparkbackprop.spark.input.ReadOptions;
import org.sparkbackprop.spark.input.SqlSource;
import picocli.CommandLine.Option;

/** The options every command that reads a data set on Spark shares (a picocli mixin). */
final class DataSetOptions {
    @Option(names = ConfigFile.OPTION, paramLabel = "FILE",
            description = "Properties file of defaults, keys being option names without the dashes; the command line wins."
                    + " A local path, a file shipped with spark-submit --files, or any Hadoop file system's URI.")
    String config;

    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = InputFormat.Names.class,
            description = "${COMPLETION-CANDIDATES} (inferred from the path when omitted); any other data source Spark"
                    + " loads (orc, json, xml, avro, ...); or table: the path is a table of Spark's catalog (db.images).")
    String format;

    @Option(names = "--source-option", paramLabel = "KEY=VALUE",
            description = "An option of the Spark data source of --format (repeatable), e.g. multiLine=true for json.")
    Map<String, String> sourceOptions;

    @Option(names = "--header", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "CSV: the first line of each file names the columns (default: true; --no-header when not).")
    boolean header;

    @Option(names = "--label-col", paramLabel = "NAME",
            description = "CSV: the label column (default: 'label', or the first column). A cell may hold several classes separated by ';'.")
    String labelCol;

    @Option(names = "--label-cols", paramLabel = "NAMES", split = ",",
            description = "CSV: one 0/1 column per class, for multi-label data.")
    List<String> labelCols;

    @Option(names = "--feature-cols", paramLabel = "NAMES", split = ",",
            description = "CSV, Parquet, Spark sources: the feature columns (default: all numeric columns but the label"
                    + " columns).")
    List<String> featureCols;

    @Option(names = "--features-col", paramLabel = "NAME",
            description = "Spark sources: a column holding each row's features, an array of numbers or an ML Vector"
                    + " (default: 'features' where there is one).")
    String featuresCol;

    @Option(names = "--feature-scale", paramLabel = "X", defaultValue = "1",
            description = "Multiply every feature by X, e.g. 0.00392156862745098 (1/255) for raw pixels (default: 1). IDX is always scaled to [0, 1].")
    double featureScale;

    @Option(names = "--num-features", paramLabel = "N",
            description = "LIBSVM: the number of features (default: the largest index in the data).")
    Integer numFeatures;

    @Option(names = "--cache", paramLabel = "WHERE", defaultValue = "memory",
            description = "memory: cached blocks in Spark's cache; disk: features in executor-local memory-mapped files, "
                    + "for data larger than the executors' memory (default: ${DEFAULT-VALUE}).")
    BlockCache cache;

    @Option(names = "--partitions", description = "Partitions of the cached data (default: Spark's default parallelism).")
    Integer partitions;

    /** How the readers read, as these options say. */
    ReadOptions readOptions() {
        return new ReadOptions(header, labelCol, labelCols, featureCols, featuresCol, featureScale, numFeatures,
                sourceOptions == null ? Map.of() : sourceOptions, cache);
    }

    /** Whether the data is a table of Spark's catalog, named where a path would be. */
    boolean readsTable() {
        return SqlSource.TABLE.equalsIgnoreCase(format);
    }

    /** Fails naming {@code option} when its data does not exist (a table is looked up when read). */
    void requireExists(String option, String path) {
        if (!readsTable()) {
            DataPaths.requireExists(option, path);
        }
    }

    /** Checks what can be checked before Spark starts. */
    void validate() {
        if (partitions != null && partitions <= 0) {
            throw new BadInputException("partitions must be a positive integer, got " + partitions);
        }
        if (!(featureScale > 0) || !Double.isFinite(featureScale)) {
            throw new BadInputException("feature-scale must be a positive number, got " + featureScale);
        }
        if (numFeatures != null && numFeatures <= 0) {
            throw new BadInputException("num-features must be a positive integer, got " + numFeatures);
        }
    }

    /** The options that decide what the examples are, as a checkpoint's fingerprint records them. */
    Map<String, String> fingerprint() {
        Map<String, String> fingerprint = new TreeMap<>();
        fingerprint.put("format", format == null ? "inferred" : format);
        fingerprint.put("source-options", String.valueOf(sourceOptions == null ? Map.of() : new TreeMap<>(sourceOptions)));
        fingerprint.put("features-col", String.valueOf(featuresCol));
        fingerprint.put("header", Boolean.toString(header));
        fingerprint.put("label-col", String.valueOf(labelCol));
        fingerprint.put("label-cols", String.valueOf(labelCols));
        fingerprint.put("feature-cols", String.valueOf(featureCols));
        fingerprint.put("feature-scale", Double.toString(featureScale));
        fingerprint.put("num-features", String.valueOf(numFeatures));
        return fingerprint;
    }

    /** --partitions, or one per task slot the application can have ({@link PartitionCount}). */
    int partitions(JavaSparkContext context) {
        return partitionChoice(context).count();
    }

    /** --partitions, or one per task slot the application can have, and why. */
    PartitionCount.Choice partitionChoice(JavaSparkContext context) {
        return partitions != null ? new PartitionCount.Choice(partitions, "--partitions") : PartitionCount.chosen(context);
    }
}
