package org.sparkbackprop.bench;

import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.MatrixProducts;

/** The kernel the step rows run on, Spark's side and the in-process side alike: what {@code --blas auto} chooses here. */
final class AutoKernel {
    static final Blas.Selection SELECTION = Blas.select(Blas.Choice.AUTO);
    static final Kernel KERNEL = SELECTION.kernel();

    private AutoKernel() {
    }

    static MatrixProducts products() {
        return Blas.products(KERNEL);
    }
}
