package org.sparkbackprop.network;

/** Which code runs the {@link MatrixProducts}: part of what a model's bits depend on. */
public enum Kernel {
    /** EJML's row-major kernels, in Java: everywhere, and the reference. */
    EJML,
    /** BLAS dgemm from a native library (OpenBLAS, say) through dev.ludovic.netlib. */
    NATIVE;

    /** The name {@code --blas} takes and the metrics carry. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
