/**
 * The network and its mathematics: architecture, parameters, batched forward and backward
 * passes, losses and the gradient-descent update. Imports EJML, the JDK and
 * {@code common} only.
 *
 * <p>Batches are matrices whose rows are examples. A layer's weights are therefore held
 * transposed, {@code in × out}, so that the forward pass is one row-major GEMM,
 * {@code Z = A Wᵀ}; the model file keeps network2's {@code out × in} layout.
 */
package org.sparkbackprop.network;
