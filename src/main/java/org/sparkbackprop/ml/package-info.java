/**
 * Spark ML: {@link org.sparkbackprop.ml.BackpropClassifier}, an Estimator for Pipelines,
 * CrossValidator and saved models, whose {@code fit} runs the command line's training run on
 * a DataFrame's rows, and its {@link org.sparkbackprop.ml.BackpropClassificationModel}. Imports
 * Spark (SQL and ML), Hadoop, Scala, the JDK, and the packages below the command line.
 */
package org.sparkbackprop.ml;
