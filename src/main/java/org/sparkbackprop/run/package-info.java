/**
 * A training run on Spark as every front end runs it ({@link org.sparkbackprop.run.TrainingRun}):
 * the mini-batch trainer over the distributed step sources, with its log, progress, metrics and
 * checkpoints. The command line's {@code train} and the Spark ML estimator both call it, so
 * neither wires a run of its own. Imports Spark, Scala, SLF4J, progressbar, Jackson, the JDK, and the
 * blas, checkpoint, data, files, network, spark and training packages.
 */
package org.sparkbackprop.run;
