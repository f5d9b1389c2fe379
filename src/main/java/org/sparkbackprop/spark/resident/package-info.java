/**
 * The distributed step carried by resident tasks ({@link
 * org.sparkbackprop.spark.resident.ResidentSource}): one long-lived task per partition next to
 * its cached blocks, exchanging weights and sums with the driver each step over a channel whose
 * every message is written and read in {@link org.sparkbackprop.spark.resident.ResidentProtocol},
 * the same bits as a job step. Imports Spark, Scala, SLF4J, the JDK, and the common, data,
 * network, training, spark.input and spark.step packages.
 */
package org.sparkbackprop.spark.resident;
