/**
 * Reading input on the executors: each format's reader ({@link
 * org.sparkbackprop.spark.input.InputFormat}) numbers the rows in input order, fixing every
 * example's global index, and caches them as blocks of matrices ({@link
 * org.sparkbackprop.spark.input.CachedExamples}), in memory or on disk ({@link
 * org.sparkbackprop.spark.input.BlockCache}); bad input found inside a task comes back as one
 * line ({@link org.sparkbackprop.spark.input.BadInputInTasks}). The driver never holds the data.
 * Imports Spark, Hadoop, Scala, SLF4J, the JDK, and the common, data and network packages.
 */
package org.sparkbackprop.spark.input;
