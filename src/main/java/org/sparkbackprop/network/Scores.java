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
    /** Softmax: confusion[actual · C + predicted]. Sigmoid: per label, [TP, FP, FN] at 3k. Sized on first use. */
    private long[] perClass;
    private int classes;
    private boolean singleLabel;

    /** Adds a slice's outputs a and targets y (one row per example) with their summed loss. Modifies this. */
    void add(Output output, DMatrixRMaj activations, DMatrixRMaj targets, double loss) {
        lossSum += loss;
        int rows = activations.numRows;
        int classes = activations.numCols;
        examples += rows;
        labelSlots += (long) rows * classes;
        if (perClass == null) {
            this.classes = classes;
            this.singleLabel = !output.multiLabel();
            perClass = new long[output.multiLabel() ? 3 * classes : classes * classes];
        }
        double[] a = activations.data;
        double[] y = targets.data;
        for (int r = 0; r < rows; r++) {
            int offset = r * classes;
            if (!output.multiLabel()) {
                int predicted = argmax(a, offset, classes);
                int actual = argmax(y, offset, classes);
                perClass[actual * classes + predicted]++;
                if (predicted == actual) {
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
                    perClass[3 * k]++;
                } else if (predicted) {
                    falsePositives++;
                    perClass[3 * k + 1]++;
                } else if (actual) {
                    falseNegatives++;
                    perClass[3 * k + 2]++;
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
        if (other.perClass != null) {
            if (perClass == null) {
                perClass = new long[other.perClass.length];
                classes = other.classes;
                singleLabel = other.singleLabel;
            }
            for (int i = 0; i < perClass.length; i++) {
                perClass[i] += other.perClass[i];
            }
        }
    }

    /** The number of classes (labels) seen; 0 before any example. */
    public int classes() {
        return classes;
    }

    /** Softmax: how many examples of class {@code actual} were predicted as {@code predicted}. */
    public long confusion(int actual, int predicted) {
        return perClass[actual * classes + predicted];
    }

    /** Precision, recall and F1 of class (or label) k, and its support: the examples that have it. */
    public record ClassScores(double precision, double recall, double f1, long support) {
    }

    /**
     * Per-class scores. Softmax: from the confusion matrix, class k against the rest. Sigmoid:
     * label k's TP, FP, FN. A ratio with nothing to count is 0.
     */
    public ClassScores classScores(int k) {
        long truePositive;
        long falsePositive;
        long falseNegative;
        if (singleLabel) {
            truePositive = confusion(k, k);
            long predictedK = 0;
            long actualK = 0;
            for (int other = 0; other < classes; other++) {
                predictedK += confusion(other, k);
                actualK += confusion(k, other);
            }
            falsePositive = predictedK - truePositive;
            falseNegative = actualK - truePositive;
        } else {
            truePositive = perClass[3 * k];
            falsePositive = perClass[3 * k + 1];
            falseNegative = perClass[3 * k + 2];
        }
        double precision = ratio(truePositive, truePositive + falsePositive);
        double recall = ratio(truePositive, truePositive + falseNegative);
        double f1 = ratio(2 * truePositive, 2 * truePositive + falsePositive + falseNegative);
        return new ClassScores(precision, recall, f1, truePositive + falseNegative);
    }

    /** The mean of the per-label F1 scores. */
    public double macroF1() {
        double sum = 0.0;
        for (int k = 0; k < classes; k++) {
            sum += classScores(k).f1();
        }
        return sum / classes;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
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

    /** The index (from {@code offset}) of the largest of {@code length} values, the first of equals. */
    public static int argmax(double[] values, int offset, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) {
            if (values[offset + k] > values[offset + best]) {
                best = k;
            }
        }
        return best;
    }
}
