package org.sparkbackprop.common;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Looks up the constant of an option enum by the lower-case name users type. */
public final class Ids {
    private Ids() {
    }

    /**
     * The constant of {@code values} whose {@code id} is {@code value}; otherwise an
     * IllegalArgumentException "unknown KIND 'value', expected one of: a, b".
     */
    public static <E> E find(E[] values, Function<E, String> id, String kind, String value) {
        for (E candidate : values) {
            if (id.apply(candidate).equals(value)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("unknown " + kind + " '" + value + "', expected one of: "
                + Arrays.stream(values).map(id).collect(Collectors.joining(", ")));
    }
}
