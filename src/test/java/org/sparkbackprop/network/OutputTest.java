package org.sparkbackprop.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OutputTest {

    @ParameterizedTest
    @EnumSource(Output.class)
    void deltaIsActivationMinusTarget(Output output) {
        DMatrixRMaj z = new DMatrixRMaj(new double[][] {{0.3, -1.2, 2.0}, {5.0, 0.0, -3.0}});
        DMatrixRMaj y = new DMatrixRMaj(new double[][] {{0, 1, 0}, {1, 0, 0}});
        if (output == Output.SIGMOID) {
            y.set(0, 2, 1.0);
        }
        DMatrixRMaj a = new DMatrixRMaj(2, 3);
        DMatrixRMaj delta = new DMatrixRMaj(2, 3);
        output.activate(z, a);
        output.delta(a, y, delta);
        for (int i = 0; i < 6; i++) {
            assertEquals(a.data[i] - y.data[i], delta.data[i], 0.0);
        }
    }

    @ParameterizedTest
    @EnumSource(Output.class)
    void staysFiniteForHugeLogits(Output output) {
        DMatrixRMaj z = new DMatrixRMaj(new double[][] {{1000, -1000, 0}, {-1000, 1000, -1000}});
        DMatrixRMaj y = new DMatrixRMaj(new double[][] {{0, 1, 0}, {1, 0, 0}});
        DMatrixRMaj a = new DMatrixRMaj(2, 3);
        DMatrixRMaj delta = new DMatrixRMaj(2, 3);
        output.activate(z, a);
        output.delta(a, y, delta);
        double loss = output.loss(z, y);
        for (int i = 0; i < 6; i++) {
            assertTrue(Double.isFinite(a.data[i]) && Double.isFinite(delta.data[i]), "element " + i);
        }
        assertTrue(Double.isFinite(loss), "loss " + loss);
        // softmax: each row's target has z = −1000 against a max of +1000, so −log a = 2000.
        // sigmoid: every confident wrong slot costs 1000, the z = 0 slot log 2, the right ones 0.
        double expected = output == Output.SOFTMAX ? 2000 + 2000 : (1000 + 1000 + Math.log(2)) + (1000 + 1000);
        assertEquals(expected, loss, 1e-9);
    }

    @Test
    void softmaxByHand() {
        DMatrixRMaj z = new DMatrixRMaj(new double[][] {{1, 2, 3}});
        DMatrixRMaj a = new DMatrixRMaj(1, 3);
        Output.SOFTMAX.activate(z, a);
        double sum = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertArrayEquals(new double[] {Math.exp(1) / sum, Math.exp(2) / sum, Math.exp(3) / sum}, a.data, 1e-15);
        DMatrixRMaj y = new DMatrixRMaj(new double[][] {{0, 1, 0}});
        assertEquals(-Math.log(Math.exp(2) / sum), Output.SOFTMAX.loss(z, y), 1e-14);
    }

    @Test
    void binaryCrossEntropyByHand() {
        DMatrixRMaj z = new DMatrixRMaj(new double[][] {{0, 2}});
        DMatrixRMaj y = new DMatrixRMaj(new double[][] {{1, 0}});
        double a1 = 1 / (1 + Math.exp(-2));
        assertEquals(Math.log(2) - Math.log(1 - a1), Output.SIGMOID.loss(z, y), 1e-14);
    }
}
