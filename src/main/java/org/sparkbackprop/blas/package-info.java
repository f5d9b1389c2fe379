/**
 * Native BLAS for the matrix products ({@code --blas}): which kernel a run uses and why, and
 * {@code dgemm} through dev.ludovic.netlib on the row-major arrays the network package holds.
 * Imports dev.ludovic.netlib's BLAS, the {@code network} package's {@code MatrixProducts}, EJML,
 * SLF4J and the JDK; no Spark.
 */
package org.sparkbackprop.blas;
