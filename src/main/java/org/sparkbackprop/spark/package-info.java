/**
 * Spark: reading input on the executors into cached blocks, and the distributed step, carried
 * by a Spark job per step ({@link org.sparkbackprop.spark.DistributedSource}) or by resident
 * tasks ({@link org.sparkbackprop.spark.ResidentSource}) —
 * broadcast the parameters, sum each partition's gradients of the batch, combine the partial
 * sums in partition order (on the driver, or through a shuffle with {@link
 * org.sparkbackprop.spark.Combine#TREE}), destroy the broadcast. Imports Spark, Hadoop, Scala,
 * Kryo, SLF4J, EJML, the JDK, and the blas, data, network and training packages.
 */
package org.sparkbackprop.spark;
