package org.sparkbackprop.network;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The products on EJML's two fastest row-major kernels, {@code mult} and {@code multAddTransA};
 * A Bᵀ transposes B first, because EJML's {@code multTransB} is about half as fast.
 */
public enum EjmlProducts implements MatrixProducts {
    INSTANCE;

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        CommonOps_DDRM.mult(a, b, c);
    }

    @Override
    public void multAddTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        CommonOps_DDRM.multAddTransA(a, b, c);
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, DMatrixRMaj transposed) {
        CommonOps_DDRM.transpose(b, transposed);
        CommonOps_DDRM.mult(a, transposed, c);
    }

    @Override
    public Kernel kernel() {
        return Kernel.EJML;
    }
}
