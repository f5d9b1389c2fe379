/**
 * Spark, set up for training: the settings a step needs to be fast ({@link
 * org.sparkbackprop.spark.SparkDefaults}), the classes Kryo ships ({@link
 * org.sparkbackprop.spark.KryoRegistration}) and the log line of a lost executor. The work itself
 * is split by job, each in its own package, the arrows one way:
 * {@code input} (reading data on the executors into cached blocks) ← {@code step} (the distributed
 * step carried by a Spark job per step) ← {@code resident} (the same step carried by resident tasks);
 * {@code output} (predictions and Parquet) reads through {@code input} and {@code step}. Imports Spark,
 * Kryo, SLF4J, EJML, the JDK, the data and network packages and its own subpackages.
 */
package org.sparkbackprop.spark;
