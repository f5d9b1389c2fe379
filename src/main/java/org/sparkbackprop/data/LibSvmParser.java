package org.sparkbackprop.data;

import java.io.Serializable;
import org.sparkbackprop.common.BadInputException;

/**
 * LIBSVM lines: {@code label index:value index:value ...} with 1-based, ascending indices;
 * multi-label rows carry several labels separated by commas ({@code 2,7 3:0.5 ...}), the
 * convention of the LIBSVM multi-label data sets. Absent indices are 0.
 */
public final class LibSvmParser implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int featureCount;
    private final double featureScale;

    public LibSvmParser(int featureCount, double featureScale) {
        if (featureCount <= 0) {
            throw new BadInputException("num-features must be a positive integer, got " + featureCount);
        }
        this.featureCount = featureCount;
        this.featureScale = featureScale;
    }

    public ParsedExample parse(String line, String where, int classes) {
        String[] tokens = line.trim().split("\\s+");
        String labelToken = tokens[0];
        int first = 1;
        if (labelToken.contains(":")) {
            labelToken = "";
            first = 0;
        }
        String[] labelParts = labelToken.isEmpty() ? new String[0] : labelToken.split(",", -1);
        int[] labels = new int[labelParts.length];
        for (int i = 0; i < labelParts.length; i++) {
            labels[i] = Cells.label(labelParts[i], classes, where);
        }
        float[] features = new float[featureCount];
        int previous = 0;
        for (int t = first; t < tokens.length; t++) {
            int colon = tokens[t].indexOf(':');
            if (colon <= 0) {
                throw new BadInputException(where + ": '" + tokens[t] + "' is not index:value");
            }
            int index;
            try {
                index = Integer.parseInt(tokens[t].substring(0, colon));
            } catch (NumberFormatException e) {
                throw new BadInputException(where + ": feature index '" + tokens[t].substring(0, colon)
                        + "' is not an integer");
            }
            if (index < 1 || index > featureCount) {
                throw new BadInputException(where + ": feature index " + index + " is outside [1, " + featureCount
                        + "] (indices are 1-based; num-features is " + featureCount + ")");
            }
            if (index <= previous) {
                throw new BadInputException(where + ": feature index " + index + " follows " + previous
                        + ", expected ascending indices");
            }
            previous = index;
            features[index - 1] = Cells.feature(tokens[t].substring(colon + 1), featureScale, where,
                    "feature " + index);
        }
        return new ParsedExample(features, labels);
    }

    /** The largest feature index on a line, for inferring num-features; 0 when it has none. */
    public static int maxIndex(String line) {
        String[] tokens = line.trim().split("\\s+");
        int max = 0;
        for (String token : tokens) {
            int colon = token.indexOf(':');
            if (colon > 0) {
                try {
                    max = Math.max(max, Integer.parseInt(token.substring(0, colon)));
                } catch (NumberFormatException e) {
                    return max;
                }
            }
        }
        return max;
    }
}
