package org.sparkbackprop.network;

import java.io.Serializable;
import org.ejml.data.DMatrixRMaj;

/**
 * Sums from which evaluation metrics follow, over any set of examples: the loss, and the
 * counts behind accuracy (softmax: argmax of a against argmax of y) and the multi-label
 * measures (sigmoid: a label is predicted when a ≥ 0.5). Additive, so partitions combine.
 */
public final class Scores implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Sigmoid outputs at or above this probability count as predicted labels. */
    public static final double THRESHOLD = 0.5;

    private double lossSum;
    private long examples;
    private long correct;
    private long labelSlots;
    private long labelErrors;
    private long truePositives;
    private long falsePositives;
    private long falseNegatives;

    /** Adds a slice's outputs a and targets y (one row per example) with their summed loss. Modifies this. */
    void add(Output output, DMatrixRMaj activations, DMatrixRMaj targets, double loss) {
        lossSum += loss;
        int rows = activations.numRows;
        int classes = activations.numCols;
        examples += rows;
        labelSlots += (long) rows * classes;
        double[] a = activations.data;
        double[] y = targets.data;
        for (int r = 0; r < rows; r++) {
            int offset = r * classes;
            if (output == Output.SOFTMAX) {
                if (argmax(a, offset, classes) == argmax(y, offset, classes)) {
                    correct++;
                }
                continue;
            }
            boolean allRight = true;
            for (int k = 0; k < classes; k++) {
                boolean predicted = a[offset + k] >= THRESHOLD;
                boolean actual = y[offset + k] >= THRESHOLD;
                if (predicted && actual) {
                    truePositives++;
                } else if (predicted) {
                    falsePositives++;
                } else if (actual) {
                    falseNegatives++;
                }
                if (predicted != actual) {
                    labelErrors++;
                    allRight = false;
                }
            }
            if (allRight) {
                correct++;
            }
        }
    }

    /** this ← this + other. Modifies this. */
    public void add(Scores other) {
        lossSum += other.lossSum;
        examples += other.examples;
        correct += other.correct;
        labelSlots += other.labelSlots;
        labelErrors += other.labelErrors;
        truePositives += other.truePositives;
        falsePositives += other.falsePositives;
        falseNegatives += other.falseNegatives;
    }

    public long examples() {
        return examples;
    }

    /** The mean loss per example. */
    public double loss() {
        return lossSum / examples;
    }

    /** Softmax: the fraction whose argmax is the label. Sigmoid: subset accuracy, all labels right. */
    public double accuracy() {
        return (double) correct / examples;
    }

    /** The fraction of (example, label) slots predicted wrongly. Multi-label only. */
    public double hammingLoss() {
        return (double) labelErrors / labelSlots;
    }

    /** 2TP / (2TP + FP + FN) over all labels. Multi-label only. */
    public double microF1() {
        long denominator = 2 * truePositives + falsePositives + falseNegatives;
        return denominator == 0 ? 1.0 : (2.0 * truePositives) / denominator;
    }

    private static int argmax(double[] values, int offset, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) {
            if (values[offset + k] > values[offset + best]) {
                best = k;
            }
        }
        return best;
    }
}
