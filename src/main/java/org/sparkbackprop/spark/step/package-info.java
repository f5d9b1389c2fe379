/**
 * The distributed step carried by a Spark job per step ({@link
 * org.sparkbackprop.spark.step.DistributedSource}): broadcast the parameters, sum each
 * partition's gradients of the batch on a reused workspace ({@link
 * org.sparkbackprop.spark.step.WorkspacePool}), combine the partial sums in partition order (on
 * the driver, or through a shuffle with {@link org.sparkbackprop.spark.step.Combine#TREE}),
 * destroy the broadcast; and the check that every executor runs the driver's matrix kernel.
 * Imports Spark, Scala, SLF4J, the JDK, and the common, blas, data, network, training and
 * spark.input packages.
 */
package org.sparkbackprop.spark.step;
