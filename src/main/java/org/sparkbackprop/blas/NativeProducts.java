package org.sparkbackprop.blas;

import dev.ludovic.netlib.blas.NativeBLAS;
import org.ejml.data.DMatrixRMaj;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.MatrixProducts;

/**
 * The products as BLAS {@code dgemm} calls on the row-major arrays EJML holds, no copy. BLAS is
 * column-major, and a row-major {@code r × c} array is the column-major array of its
 * {@code c × r} transpose, so each product is computed transposed:
 * <pre>
 * C = A B      ⇔  Cᵀ = Bᵀ Aᵀ      dgemm(N, N, n, m, k, 1, B, n, A, k, 0, C, n)
 * C += Aᵀ B    ⇔  Cᵀ += Bᵀ A      dgemm(N, T, q, p, r, 1, B, q, A, p, 1, C, q)
 * C = A Bᵀ     ⇔  Cᵀ = B Aᵀ       dgemm(T, N, n, m, k, 1, B, k, A, k, 0, C, n)
 * </pre>
 * (A is m × k or r × p, B k × n, r × q or n × k, in row-major terms.)
 */
final class NativeProducts implements MatrixProducts {
    private final NativeBLAS blas;

    NativeProducts(NativeBLAS blas) {
        this.blas = blas;
    }

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        int m = a.numRows;
        int k = a.numCols;
        int n = b.numCols;
        if (m == 0 || n == 0) {
            return;
        }
        blas.dgemm("N", "N", n, m, k, 1.0, b.data, 0, Math.max(1, n), a.data, 0, Math.max(1, k), 0.0, c.data, 0, n);
    }

    @Override
    public void multAddTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        int r = a.numRows;
        int p = a.numCols;
        int q = b.numCols;
        if (r == 0 || p == 0 || q == 0) {
            return;
        }
        blas.dgemm("N", "T", q, p, r, 1.0, b.data, 0, q, a.data, 0, p, 1.0, c.data, 0, q);
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, DMatrixRMaj transposed) {
        int m = a.numRows;
        int k = a.numCols;
        int n = b.numRows;
        if (m == 0 || n == 0) {
            return;
        }
        blas.dgemm("T", "N", n, m, k, 1.0, b.data, 0, Math.max(1, k), a.data, 0, Math.max(1, k), 0.0, c.data, 0, n);
    }

    @Override
    public Kernel kernel() {
        return Kernel.NATIVE;
    }
}
