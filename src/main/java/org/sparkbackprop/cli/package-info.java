/**
 * The command line: picocli commands that read settings, start Spark, read the data, hand it to
 * the training run ({@code run}) and write the model file and report, and turn bad input into one
 * line and exit code 2.
 * Imports picocli, Spark, Hadoop, Jackson, SLF4J, Scala and every package above.
 */
package org.sparkbackprop.cli;
