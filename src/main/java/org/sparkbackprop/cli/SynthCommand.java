package org.sparkbackprop.cli;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.spark.input.Examples;
import org.sparkbackprop.spark.input.Synthetic;
import org.sparkbackprop.spark.output.ParquetOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code synth}: a seeded, learnable classification data set as Parquet, for scale tests without downloads. */
@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generates a seeded, learnable classification data set as Parquet (features array<float>, label int).")
final class SynthCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SynthCommand.class);

    @Option(names = "--rows", required = true, description = "Examples to generate.")
    long rows;

    @Option(names = "--features", required = true, description = "Features per example.")
    int features;

    @Option(names = "--classes", required = true, description = "Classes.")
    int classes;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--noise", defaultValue = "3.0",
            description = "Standard deviation of the noise around the unit-variance class centres (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--partitions", description = "Partitions, and so output files (default: Spark's default parallelism).")
    Integer partitions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new directory for the Parquet files.")
    String out;

    @Override
    public Integer call() {
        if (rows <= 0 || features <= 0 || classes < 2) {
            throw new BadInputException("synth: rows and features must be positive and classes at least 2");
        }
        if (!(noise >= 0) || !Double.isFinite(noise)) {
            throw new BadInputException("noise must be a number ≥ 0, got " + noise);
        }
        if (partitions != null && partitions <= 0) {
            throw new BadInputException("partitions must be a positive integer, got " + partitions);
        }
        long written = SparkRun.with("spark-backprop synth", context -> {
            SparkSession spark = SparkSession.active();
            int slices = partitions != null ? partitions : context.defaultParallelism();
            return ParquetOutput.write(spark, ParquetOutput.examples(spark,
                    Synthetic.generate(context, rows, features, classes, noise, seed, slices), false), out, "parquet");
        });
        LOG.info("{} examples of {} features in {} classes written to {}", written, features, classes, out);
        return ExitCodes.OK;
    }
}
