package org.sparkbackprop.data;

import org.sparkbackprop.common.BadInputException;

/** Parsing of single cells, with errors that say where and what was expected. */
public final class Cells {
    private Cells() {
    }

    /** A number's text times {@code scale}, as the float32 an example keeps (see {@link #feature(double, double, String, String, String)}). */
    static float feature(String cell, double scale, String where, String column) {
        double value;
        try {
            value = Double.parseDouble(cell.trim());
        } catch (NumberFormatException e) {
            throw new BadInputException(where + ": " + column + " holds '" + cell + "', expected a number");
        }
        return feature(value, scale, cell.trim(), where, column);
    }

    /**
     * {@code value × scale} as the float32 an example keeps, or fails naming {@code where},
     * {@code column} and the value as the data gave it ({@code given}): when it is not finite, or
     * beyond float32's range (±3.4028235E38), where it would become infinite and training
     * would diverge with no bad number in sight.
     */
    public static float feature(double value, double scale, String given, String where, String column) {
        if (!Double.isFinite(value)) {
            throw new BadInputException(where + ": " + column + " is " + given + ", expected a finite number");
        }
        float kept = (float) (value * scale);
        if (Float.isInfinite(kept)) {
            throw new BadInputException(where + ": " + column + " is " + given + (scale == 1.0 ? "" : " (" + value * scale
                    + " after the feature scale " + scale + ")") + ", beyond float32's range (±" + Float.MAX_VALUE
                    + ") in which examples are kept");
        }
        return kept;
    }

    /** A class index in [0, classes), or in [0, ∞) when {@code classes} is 0 (not known yet). */
    static int label(String cell, int classes, String where) {
        String text = cell.trim();
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new BadInputException(where + ": label '" + cell + "' is not a class index (an integer in "
                    + range(classes) + ")");
        }
        return label(value, text, classes, where);
    }

    /**
     * {@code value} as a class index in [0, classes) ([0, ∞) when {@code classes} is 0), or fails
     * naming {@code where} and the value as the data gave it ({@code given}), never as a cast
     * made of it: {@code 1e19} and {@code Infinity} are named so, not as {@code Long.MAX_VALUE}.
     */
    public static int label(double value, String given, int classes, String where) {
        if (value != Math.rint(value) || Double.isInfinite(value)) {
            throw new BadInputException(where + ": label " + given + " is not a class index (an integer in "
                    + range(classes) + ")");
        }
        if (value < 0 || (classes > 0 && value >= classes) || value > Integer.MAX_VALUE) {
            throw outside(given, classes, where);
        }
        return (int) value;
    }

    /** {@code label} as a class index, or fails naming {@code where} when it is outside [0, classes) (classes 0: unbounded). */
    public static int checkLabel(long label, int classes, String where) {
        if (label < 0 || (classes > 0 && label >= classes) || label > Integer.MAX_VALUE) {
            throw outside(Long.toString(label), classes, where);
        }
        return (int) label;
    }

    /** A whole number as an integer ({@code 3}, not {@code 3.0}), any other as Java writes it ({@code 1.0E19}). */
    public static String shown(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    private static BadInputException outside(String given, int classes, String where) {
        return new BadInputException(where + ": label " + given + " is outside " + range(classes)
                + (classes > 0 ? ", the last layer size" : ""));
    }

    private static String range(int classes) {
        return "[0, " + (classes > 0 ? classes + ")" : "∞)");
    }
}
