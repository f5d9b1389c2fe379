/**
 * Models as data: the JSON file that Nielsen's network2 {@code load()} reads, and atomic
 * writes so that a failed run never leaves a half-written file.
 */
package org.sparkbackprop.model;
