package org.sparkbackprop.network;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The update rules against references written straight from the formulas, weight by weight in
 * network2's indexing, over several steps whose gradients come from the moving weights.
 */
class GradientDescentTest {
    private static final double LEARNING_RATE = 0.7;
    private static final long TRAINING_EXAMPLES = 60;
    private static final int BATCH = 9;

    @ParameterizedTest
    @EnumSource(Output.class)
    void momentumAndL2FollowTheirFormulas(Output output) {
        for (double[] setting : new double[][] {{0.9, 5.0}, {0.5, 0.0}, {0.0, 5.0}}) {
            double momentum = setting[0];
            double l2 = setting[1];
            Architecture architecture = new Architecture(new int[] {3, 4, 2}, Activation.SIGMOID, output);
            Parameters actual = Initialization.NORMAL.initialize(architecture, 2);
            Parameters expected = actual.copy();
            Parameters velocity = new Parameters(architecture);
            GradientDescent descent = new GradientDescent(LEARNING_RATE, momentum, l2, TRAINING_EXAMPLES);
            for (int step = 0; step < 5; step++) {
                Gradients sums = gradients(actual, step);
                Gradients referenceSums = gradients(expected, step);
                descent.apply(sums, actual);
                reference(expected, velocity, referenceSums, momentum, l2);
                assertTrue(actual.bitwiseEquals(expected), "μ " + momentum + ", λ " + l2 + ", step " + step);
            }
            if (momentum == 0.0) {
                assertNull(descent.velocity(), "no velocity without momentum");
            } else {
                assertTrue(descent.velocity().bitwiseEquals(velocity), "the velocity is the reference's");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Output.class)
    void zeroMomentumAndZeroL2IsThePlainStep(Output output) {
        Architecture architecture = new Architecture(new int[] {3, 4, 2}, Activation.SIGMOID, output);
        Parameters actual = Initialization.NORMAL.initialize(architecture, 3);
        Parameters plain = actual.copy();
        GradientDescent descent = new GradientDescent(LEARNING_RATE, 0.0, 0.0, TRAINING_EXAMPLES);
        for (int step = 0; step < 5; step++) {
            Gradients sums = gradients(actual, step);
            descent.apply(sums, actual);
            double stepSize = -LEARNING_RATE / sums.exampleCount();
            for (int l = 1; l <= architecture.weightLayers(); l++) {
                // W ← W − (η/m) Σ ∂J/∂W, as EJML adds it
                CommonOps_DDRM.addEquals(plain.weights(l), stepSize, sums.weights(l));
                CommonOps_DDRM.addEquals(plain.biases(l), stepSize, sums.biases(l));
            }
            assertTrue(actual.bitwiseEquals(plain), "step " + step);
        }
    }

    /** The gradient sums at {@code parameters} of a batch drawn from {@code step}. */
    private static Gradients gradients(Parameters parameters, int step) {
        Workspace workspace = new Workspace(parameters.architecture(), BATCH);
        GradientCheck.randomBatch(workspace, 100 + step);
        return GradientCheck.backpropagation(parameters, workspace);
    }

    /** Issue 7's formulas, weight by weight. Modifies {@code parameters} and {@code velocity}. */
    private static void reference(Parameters parameters, Parameters velocity, Gradients sums, double momentum,
                                  double l2) {
        Architecture architecture = parameters.architecture();
        long m = sums.exampleCount();
        for (int l = 1; l <= architecture.weightLayers(); l++) {
            for (int j = 0; j < architecture.size(l); j++) {
                for (int k = 0; k < architecture.size(l - 1); k++) {
                    double w = parameters.weight(l, j, k);
                    double nablaW = sums.weights(l).get(k, j);
                    if (momentum == 0.0) {
                        // network2: w = (1 - eta*(lmbda/n))*w - (eta/len(mini_batch))*nw
                        parameters.setWeight(l, j, k, (1 - LEARNING_RATE * (l2 / TRAINING_EXAMPLES)) * w
                                - (LEARNING_RATE / m) * nablaW);
                    } else {
                        double g = nablaW / m + (l2 / TRAINING_EXAMPLES) * w;
                        double v = momentum * velocity.weight(l, j, k) + g;
                        velocity.setWeight(l, j, k, v);
                        parameters.setWeight(l, j, k, w - LEARNING_RATE * v);
                    }
                }
                double b = parameters.bias(l, j);
                double nablaB = sums.biases(l).get(0, j);
                if (momentum == 0.0) {
                    parameters.setBias(l, j, b - (LEARNING_RATE / m) * nablaB);
                } else {
                    double v = momentum * velocity.bias(l, j) + nablaB / m;
                    velocity.setBias(l, j, v);
                    parameters.setBias(l, j, b - LEARNING_RATE * v);
                }
            }
        }
    }
}
