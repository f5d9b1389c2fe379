/**
 * Reports a person opens: PNG charts drawn with XChart (loss and accuracy per epoch, the
 * confusion matrix or per-label F1) and an {@code index.html} with the settings, timings and
 * results, every file written atomically. No Spark and no training here: the command line
 * gathers what a report shows. Imports XChart, Hadoop's file system API, the JDK, and the files
 * and network packages.
 */
package org.sparkbackprop.report;
