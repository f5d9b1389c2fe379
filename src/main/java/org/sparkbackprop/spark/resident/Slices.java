package org.sparkbackprop.spark.resident;

/**
 * The parameter vector of {@code count} numbers cut into {@code parts} consecutive slices, as
 * even as integers allow: slice s holds numbers [⌊count·s/parts⌋, ⌊count·(s+1)/parts⌋).
 */
record Slices(long count, int parts) {
    Slices {
        if (parts < 1 || count < 0) {
            throw new IllegalArgumentException(count + " numbers in " + parts + " slices");
        }
    }

    /** The first number of slice {@code slice}. */
    long from(int slice) {
        return Math.multiplyExact(count, slice) / parts;
    }

    /** One past the last number of slice {@code slice}. */
    long to(int slice) {
        return from(slice + 1);
    }

    /** How many numbers slice {@code slice} holds. */
    int length(int slice) {
        return Math.toIntExact(to(slice) - from(slice));
    }
}
