/**
 * The training loop, apart from where gradients are computed: settings, the seeded order of
 * each epoch and its mini-batches, and the loop that applies gradient descent batch by batch.
 * The in-process gradient source here is the reference the distributed one must equal, and,
 * on the same partitions and as many threads, equals bit for bit.
 * Imports the JDK and the common, network and data packages only.
 */
package org.sparkbackprop.training;
