/**
 * Writing outputs on the executors: predictions as Parquet or CSV ({@link
 * org.sparkbackprop.spark.output.Predictions}) and data sets as Parquet ({@link
 * org.sparkbackprop.spark.output.ParquetOutput}), each file written whole or not at all.
 * Imports Spark, Hadoop, Scala, the JDK, and the common, data, network, spark.input and
 * spark.step packages.
 */
package org.sparkbackprop.spark.output;
