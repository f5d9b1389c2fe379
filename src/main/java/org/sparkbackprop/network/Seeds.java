package org.sparkbackprop.network;

/**
 * Derives independent seeds from the configured seed and a position (layer, epoch, ...), so
 * that every random choice is a function of the seed and where it is made, never of time,
 * thread or partition layout.
 */
public final class Seeds {
    private Seeds() {
    }

    /** A seed for the stream at {@code position} under {@code seed}; distinct inputs, unrelated outputs. */
    public static long derive(long seed, long... position) {
        long state = mix(seed ^ 0x5DEECE66DL);
        for (long coordinate : position) {
            state = mix(state + 0x9E3779B97F4A7C15L * (coordinate + 1));
        }
        return state;
    }

    /** SplitMix64's finaliser (Steele, Lea and Flood 2014): a bijection on 64-bit values. */
    public static long mix(long value) {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
