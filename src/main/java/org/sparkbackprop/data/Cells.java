package org.sparkbackprop.data;

import org.sparkbackprop.common.BadInputException;

/** Parsing of single cells, with errors that say where and what was expected. */
public final class Cells {
    private Cells() {
    }

    /** A finite number times {@code scale}, as a float. */
    static float feature(String cell, double scale, String where, String column) {
        double value;
        try {
            value = Double.parseDouble(cell.trim());
        } catch (NumberFormatException e) {
            throw new BadInputException(where + ": " + column + " holds '" + cell + "', expected a number");
        }
        if (!Double.isFinite(value)) {
            throw new BadInputException(where + ": " + column + " holds " + cell + ", expected a finite number");
        }
        return (float) (value * scale);
    }

    /** A class index in [0, classes), or in [0, ∞) when {@code classes} is 0 (not known yet). */
    static int label(String cell, int classes, String where) {
        String text = cell.trim();
        int label;
        try {
            double value = Double.parseDouble(text);
            label = (int) value;
            if (label != value) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new BadInputException(where + ": label '" + cell + "' is not a class index (an integer ≥ 0)");
        }
        return checkLabel(label, classes, where);
    }

    /** {@code label} as a class index, or fails naming {@code where} when it is outside [0, classes) (classes 0: unbounded). */
    public static int checkLabel(long label, int classes, String where) {
        if (label < 0 || (classes > 0 && label >= classes)) {
            throw new BadInputException(where + ": label " + label + " is outside [0, "
                    + (classes > 0 ? classes + "), the last layer size" : "∞)"));
        }
        return (int) label;
    }
}
