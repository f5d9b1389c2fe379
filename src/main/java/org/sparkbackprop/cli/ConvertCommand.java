package org.sparkbackprop.cli;

import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.ParsedExample;
import org.sparkbackprop.spark.input.IdxSource;
import org.sparkbackprop.spark.output.ParquetOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code convert}: any supported input to Parquet, so that big text data is parsed once. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Converts a data set to Parquet: features array<float>, and label int or labels array<int>.")
final class ConvertCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ConvertCommand.class);

    @Mixin
    DataSetOptions dataSet;

    @Option(names = "--in", paramLabel = "PATH", description = "The data to convert.")
    String in;

    @Option(names = "--out", paramLabel = "DIR", description = "A new directory for the Parquet files.")
    String out;

    @Option(names = "--classes", paramLabel = "C",
            description = "IDX: the number of classes (default: 10); others: labels are checked against it when given.")
    Integer classes;

    @Override
    public Integer call() {
        if (in == null || out == null) {
            throw new BadInputException("convert: --in and --out are required");
        }
        if (classes != null && classes <= 0) {
            throw new BadInputException("classes must be a positive integer, got " + classes);
        }
        dataSet.validate();
        dataSet.requireExists("--in", in);
        long rows = SparkRun.with("spark-backprop convert", context -> {
            SparkSession spark = SparkSession.active();
            // any width; labels checked against --classes when given (IDX's one-hot needs a count: MNIST's ten)
            JavaRDD<ParsedExample> examples = DataSetReader.rows(context, in, dataSet, IdxSource.Role.TRAIN, 0,
                    classes != null ? classes : 0, true, null, dataSet.partitions(context)).values();
            examples.persist(StorageLevel.MEMORY_AND_DISK());
            boolean multiLabel = !examples.filter(example -> example.labels().length != 1).isEmpty();
            return ParquetOutput.write(spark, ParquetOutput.examples(spark, examples, multiLabel), out, "parquet");
        });
        LOG.info("{} examples written to {}", rows, out);
        return ExitCodes.OK;
    }
}
