/**
 * The command line: picocli commands that read settings, start Spark, wire the data, the
 * trainer and the model file together, and turn bad input into one line and exit code 2.
 * Imports picocli, progressbar, Spark, Hadoop, Jackson, SLF4J, Scala and every package above.
 */
package org.sparkbackprop.cli;
