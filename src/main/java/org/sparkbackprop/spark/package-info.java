/**
 * Spark: reading input on the executors into cached blocks, and the distributed step —
 * broadcast the parameters, sum each partition's gradients of the batch, combine the partial
 * sums in partition order (on the driver, or through a shuffle with {@link
 * org.sparkbackprop.spark.Combine#TREE}), destroy the broadcast.
 */
package org.sparkbackprop.spark;
