package org.sparkbackprop.ml;

import java.io.Serializable;
import org.sparkbackprop.network.Architecture;
import scala.Function1;

/**
 * The check of the {@code layers} param: at least an input and an output size, each at least 1.
 * Fails in Spark's words for an invalid param value, with the sizes written out (Spark would
 * print the array's identity) and what was expected.
 */
record LayerSizes(String owner) implements Function1<int[], Object>, Serializable {
    @Override
    public Object apply(int[] sizes) {
        boolean valid = sizes != null && sizes.length >= 2;
        for (int i = 0; valid && i < sizes.length; i++) {
            valid = sizes[i] >= 1;
        }
        if (!valid) {
            throw new IllegalArgumentException(owner + " parameter layers given invalid value ["
                    + (sizes == null ? "" : Architecture.describe(sizes)) + "]: expected at least two sizes, the input"
                    + " size first and the number of classes last, each at least 1.");
        }
        return Boolean.TRUE;
    }
}
