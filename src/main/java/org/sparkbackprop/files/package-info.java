/**
 * The files the driver reads and writes (models, metrics, reports, config files, checkpoints),
 * on any Hadoop file system: where a path points, reading it with a clear error, and writing it
 * whole or not at all. A path without a scheme is the driver's local disk. Imports Hadoop's file
 * system API, the JDK, and {@code common.BadInputException}.
 */
package org.sparkbackprop.files;

