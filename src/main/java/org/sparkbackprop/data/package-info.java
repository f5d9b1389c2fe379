/**
 * Examples as the trainer holds them: dense blocks of rows sorted by global index, and the
 * parsers of the input formats. Imports the JDK and the common and network packages only; the Spark
 * code that reads files on the executors lives in {@code org.sparkbackprop.spark}.
 */
package org.sparkbackprop.data;
