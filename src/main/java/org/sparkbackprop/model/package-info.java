/**
 * Models as data: the JSON file that Nielsen's network2 {@code load()} reads, on any Hadoop
 * file system, written whole or not at all (through {@code files.AtomicFiles}) so that a failed
 * run never leaves a half-written file. Imports Jackson, the JDK, and the common, files and
 * network packages.
 */
package org.sparkbackprop.model;
