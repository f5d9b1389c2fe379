package org.sparkbackprop.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import org.sparkbackprop.data.BadInputException;

/** The options every command that reads a data set on Spark shares (a picocli mixin). */
final class DataSetOptions {
    @Option(names = ConfigFile.OPTION, paramLabel = "FILE",
            description = "Properties file of defaults, keys being option names without the dashes; the command line wins.")
    Path config;

    @Option(names = "--format", paramLabel = "FORMAT", description = "idx (inferred from the path when omitted).")
    InputFormat format;

    @Option(names = "--partitions", description = "Partitions of the cached data (default: Spark's default parallelism).")
    Integer partitions;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    /** Checks what can be checked before Spark starts. */
    void validate() {
        if (partitions != null && partitions <= 0) {
            throw new BadInputException("partitions must be a positive integer, got " + partitions);
        }
    }

    /** --partitions, or the parallelism Spark chose for the cluster. */
    int partitionsOr(int defaultParallelism) {
        return partitions != null ? partitions : defaultParallelism;
    }
}
