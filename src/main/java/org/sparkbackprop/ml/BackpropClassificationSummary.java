package org.sparkbackprop.ml;

import java.io.Serializable;
import java.util.List;
import java.util.stream.IntStream;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.run.ScoresJson;

/**
 * A model's scores on a DataFrame ({@link BackpropClassificationModel#evaluate}): the numbers
 * the {@code evaluate} command prints for the same rows, computed the same way on the executors
 * ({@link #toJson} is {@code evaluate --json}'s object). Per-label arrays are indexed by class.
 */
public final class BackpropClassificationSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Scores scores;
    private final List<String> classNames;

    BackpropClassificationSummary(Scores scores, List<String> classNames) {
        this.scores = scores;
        this.classNames = classNames;
    }

    /** Rows scored. */
    public long examples() {
        return scores.examples();
    }

    /** Mean cross-entropy loss over the rows. */
    public double loss() {
        return scores.loss();
    }

    public double accuracy() {
        return scores.accuracy();
    }

    /** The unweighted mean of the classes' F1. */
    public double macroF1() {
        return scores.macroF1();
    }

    /** Class k's name where the model was fitted on names, else k. */
    public List<String> labels() {
        return classNames != null ? classNames
                : IntStream.range(0, scores.classes()).mapToObj(Integer::toString).toList();
    }

    public double[] precisionByLabel() {
        return IntStream.range(0, scores.classes()).mapToDouble(k -> scores.classScores(k).precision()).toArray();
    }

    public double[] recallByLabel() {
        return IntStream.range(0, scores.classes()).mapToDouble(k -> scores.classScores(k).recall()).toArray();
    }

    public double[] fMeasureByLabel() {
        return IntStream.range(0, scores.classes()).mapToDouble(k -> scores.classScores(k).f1()).toArray();
    }

    /** Rows of each class. */
    public long[] supportByLabel() {
        return IntStream.range(0, scores.classes()).mapToLong(k -> scores.classScores(k).support()).toArray();
    }

    /** Counts of rows by actual class (row) and predicted class (column). */
    public long[][] confusionMatrix() {
        int classes = scores.classes();
        long[][] matrix = new long[classes][classes];
        for (int actual = 0; actual < classes; actual++) {
            for (int predicted = 0; predicted < classes; predicted++) {
                matrix[actual][predicted] = scores.confusion(actual, predicted);
            }
        }
        return matrix;
    }

    /** The scores as {@code evaluate --json} prints them. */
    public String toJson() {
        return ScoresJson.of(scores, false, classNames).toString();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
