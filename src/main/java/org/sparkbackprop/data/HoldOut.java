package org.sparkbackprop.data;

import java.io.Serializable;

/**
 * {@code --validation-fraction f}: which examples are held out of training to validate on,
 * decided by the global index alone. With g(i) = ⌊i·f⌋, the number of held-out examples
 * among the indices [0, i), example i is held out when g(i + 1) > g(i): the held-out
 * examples are spread evenly through the input, ⌊N·f⌋ of N. Both parts are renumbered from 0
 * in input order (a kept example i becomes i − g(i), a held-out one g(i)), so each is a data
 * set of its own whose batches, like any, depend on the seed alone. No step needs more than
 * the example's own index: no count, no shuffle, no array of N.
 */
public record HoldOut(double fraction) implements Serializable {

    public HoldOut {
        if (!(fraction > 0.0 && fraction < 1.0)) {
            throw new IllegalArgumentException("validation-fraction must be in (0, 1), got " + fraction);
        }
    }

    /** g(i): how many examples with indices below {@code index} are held out. */
    long heldOutBefore(long index) {
        return (long) Math.floor(index * fraction);
    }

    public boolean isHeldOut(long index) {
        return heldOutBefore(index + 1) > heldOutBefore(index);
    }

    /** The index of a held-out example among the held-out ones, or of a kept one among the kept. */
    public long renumbered(long index) {
        return isHeldOut(index) ? heldOutBefore(index) : index - heldOutBefore(index);
    }

    public long heldOutCount(long exampleCount) {
        return heldOutBefore(exampleCount);
    }

    public long keptCount(long exampleCount) {
        return exampleCount - heldOutBefore(exampleCount);
    }
}
