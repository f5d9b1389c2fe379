package org.sparkbackprop.network;

import org.ejml.data.DMatrixRMaj;

/**
 * The three matrix products of backpropagation, on row-major matrices whose rows are examples.
 * They are nearly all of a pass's arithmetic; everything element-wise stays in
 * {@link Backpropagation}. Implementations agree to rounding, not bit for bit: a model's bits
 * depend on the kernel ({@link Kernel}) as on the seed.
 */
public interface MatrixProducts {
    /** C = A B. Modifies {@code c}, already shaped {@code a.numRows × b.numCols}. */
    void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /** C = C + Aᵀ B. Modifies {@code c}, shaped {@code a.numCols × b.numCols}. */
    void multAddTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /**
     * C = A Bᵀ. Modifies {@code c}, shaped {@code a.numRows × b.numRows}, and may use
     * {@code transposed}, shaped like Bᵀ, as scratch.
     */
    void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, DMatrixRMaj transposed);

    Kernel kernel();
}
