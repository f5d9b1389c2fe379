package org.sparkbackprop.cli;

import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.common.BadInputException;
import picocli.CommandLine.Option;

/** {@code --blas}: what runs the matrix products, for every command that computes. */
final class BlasOption {
    @Option(names = "--blas", defaultValue = "auto", paramLabel = "KERNEL",
            description = "What runs the matrix products: native (BLAS dgemm through dev.ludovic.netlib, over the system's"
                    + " libblas.so.3, e.g. OpenBLAS), ejml (Java), or auto: native where a fast one loads. The bits of a"
                    + " model depend on it (default: ${DEFAULT-VALUE}).")
    Blas.Choice choice;

    /**
     * The kernel for this run; exit code 2 when --blas native cannot run here. Chosen before Spark
     * starts, and said in the log ({@link Blas#log}) once the input has been read, so that bad input
     * is still the only line of a run it ends.
     */
    Blas.Selection select() {
        try {
            return Blas.select(choice);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }
}
