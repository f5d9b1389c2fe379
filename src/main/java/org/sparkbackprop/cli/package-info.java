/**
 * The command line: picocli commands that read settings, start Spark, wire the data, the
 * trainer and the model file together, and turn bad input into one line and exit code 2.
 */
package org.sparkbackprop.cli;
