package org.sparkbackprop.spark.resident;

/**
 * The parameter vector of {@code count} numbers cut into {@code parts} consecutive slices, as
 * even as integers allow: slice s holds numbers [⌊count·s/parts⌋, ⌊count·(s+1)/parts⌋); and each
 * slice into chunks of {@link #CHUNK_NUMBERS} numbers (the last one shorter), at least one,
 * which an empty slice's is.
 */
record Slices(long count, int parts) {
    /** Numbers in a chunk: 64 KB, small enough to pipeline a slice of a few hundred KB. */
    static final int CHUNK_NUMBERS = 8192;

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

    /** How many chunks slice {@code slice} has. */
    int chunks(int slice) {
        return Math.max(1, (length(slice) + CHUNK_NUMBERS - 1) / CHUNK_NUMBERS);
    }

    /** The most chunks of any slice. */
    int maxChunks() {
        int most = 0;
        for (int slice = 0; slice < parts; slice++) {
            most = Math.max(most, chunks(slice));
        }
        return most;
    }

    /** The first number of chunk {@code chunk} of slice {@code slice}. */
    long chunkFrom(int slice, int chunk) {
        return Math.min(to(slice), from(slice) + (long) chunk * CHUNK_NUMBERS);
    }

    /** One past the last number of chunk {@code chunk} of slice {@code slice}. */
    long chunkTo(int slice, int chunk) {
        return Math.min(to(slice), from(slice) + (long) (chunk + 1) * CHUNK_NUMBERS);
    }
}
