/**
 * Checkpoints: where training stood, its parameters, a fingerprint of its settings and data,
 * and its metrics so far, written atomically as JSON to a directory on any Hadoop file system,
 * so that {@code train --resume} goes on to the model an uninterrupted run would have made.
 * Imports Hadoop's file system API, Jackson, SLF4J, the JDK, and the common, files, model,
 * network and training packages. Also the policy: when to write one, and whether to resume.
 */
package org.sparkbackprop.checkpoint;
