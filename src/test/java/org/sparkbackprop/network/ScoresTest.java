package org.sparkbackprop.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** Metrics from counts small enough to check by hand. */
class ScoresTest {

    @Test
    void singleLabelConfusionAndPerClassScores() {
        // predictions (argmax of a): 0, 1, 1, 2; labels: 0, 1, 2, 2
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{.8, .1, .1}, {.1, .8, .1}, {.2, .5, .3}, {.1, .2, .7}});
        DMatrixRMaj y = new DMatrixRMaj(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 1}});
        Scores first = new Scores();
        first.add(Output.SOFTMAX, a, y, 2.0);
        Scores total = new Scores();
        total.add(first);
        assertEquals(0.75, total.accuracy());
        assertEquals(0.5, total.loss());
        assertEquals(1, total.confusion(2, 1));
        assertEquals(1, total.confusion(2, 2));
        Scores.ClassScores class1 = total.classScores(1);
        assertEquals(0.5, class1.precision());
        assertEquals(1.0, class1.recall());
        assertEquals(2.0 / 3, class1.f1(), 1e-15);
        assertEquals(1, class1.support());
        assertEquals(new Scores.ClassScores(1.0, 0.5, 2.0 / 3, 2).recall(), total.classScores(2).recall());
    }

    @Test
    void multiLabelCounts() {
        // threshold 0.5: predicted {0, 1}, {2}; actual {0}, {1, 2}
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{.9, .6, .1}, {.2, .4, .7}});
        DMatrixRMaj y = new DMatrixRMaj(new double[][] {{1, 0, 0}, {0, 1, 1}});
        Scores scores = new Scores();
        scores.add(Output.SIGMOID, a, y, 1.0);
        assertEquals(0.0, scores.accuracy(), "no row has every label right");
        assertEquals(2.0 / 6, scores.hammingLoss(), 1e-15);
        // TP 2, FP 1, FN 1: micro-F1 = 4 / 6
        assertEquals(4.0 / 6, scores.microF1(), 1e-15);
        // per label F1: 1, 0, 1
        assertEquals(2.0 / 3, scores.macroF1(), 1e-15);
    }
}
