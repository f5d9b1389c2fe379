package org.sparkbackprop.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InitializationTest {
    private final Architecture architecture = new Architecture(new int[] {400, 300, 10}, Activation.SIGMOID, Output.SOFTMAX);

    @Test
    void sameSeedSameBitsOtherSeedOtherBits() {
        assertTrue(Initialization.SCALED.initialize(architecture, 7)
                .bitwiseEquals(Initialization.SCALED.initialize(architecture, 7)));
        assertFalse(Initialization.SCALED.initialize(architecture, 7)
                .bitwiseEquals(Initialization.SCALED.initialize(architecture, 8)));
    }

    @Test
    void normalIsStandardAndScaledDividesWeightsByRootFanIn() {
        Parameters normal = Initialization.NORMAL.initialize(architecture, 1);
        Parameters scaled = Initialization.SCALED.initialize(architecture, 1);
        double[] moments = moments(normal, 1);
        assertEquals(0.0, moments[0], 0.01);
        assertEquals(1.0, moments[1], 0.01);
        double[] scaledMoments = moments(scaled, 1);
        assertEquals(1.0 / 400, scaledMoments[1], 0.01 / 400);
        // the same draws, scaled: weight for weight, and biases untouched
        assertEquals(normal.weight(1, 3, 5) / Math.sqrt(400), scaled.weight(1, 3, 5), 1e-15);
        assertEquals(normal.bias(2, 4), scaled.bias(2, 4), 0.0);
    }

    private static double[] moments(Parameters parameters, int layer) {
        double[] values = parameters.weights(layer).data;
        double mean = 0;
        for (double value : values) {
            mean += value;
        }
        mean /= values.length;
        double variance = 0;
        for (double value : values) {
            variance += (value - mean) * (value - mean);
        }
        return new double[] {mean, variance / values.length};
    }
}
