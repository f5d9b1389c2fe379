package org.sparkbackprop.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Backpropagation's gradients against central finite differences of the loss, weight by weight. */
class GradientCheckTest {
    private static final int BATCH = 7;

    /** Every output with every loss it goes with, on several shapes. */
    static Stream<Arguments> networks() {
        int[][] topologies = {{4, 3}, {5, 4, 3}, {6, 5, 4, 3}, {3, 8, 2, 4, 2}};
        Object[][] outputsAndLosses = {{Output.SOFTMAX, Loss.CROSS_ENTROPY}, {Output.SIGMOID, Loss.CROSS_ENTROPY},
                {Output.SIGMOID, Loss.QUADRATIC}};
        return Stream.of(outputsAndLosses).flatMap(pair -> Stream.of(topologies)
                .map(sizes -> Arguments.of(pair[0], pair[1], sizes)));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("networks")
    void analyticGradientsMatchFiniteDifferences(Output output, Loss loss, int[] sizes) {
        Architecture architecture = new Architecture(sizes, Activation.SIGMOID, output, loss);
        Parameters parameters = Initialization.NORMAL.initialize(architecture, 11);
        Workspace workspace = new Workspace(architecture, BATCH);
        GradientCheck.randomBatch(workspace, 5);

        Gradients analytic = GradientCheck.backpropagation(parameters, workspace);
        assertEquals(BATCH, analytic.exampleCount());
        assertEquals(GradientCheck.loss(parameters, workspace), analytic.lossSum(), 1e-12);
        List<GradientCheck.LayerError> errors = GradientCheck.check(parameters, workspace, GradientCheck::backpropagation);
        assertEquals(sizes.length - 1, errors.size());
        for (GradientCheck.LayerError error : errors) {
            assertTrue(error.weights() < 1e-6 && error.biases() < 1e-6 && error.holds(), error.toString());
        }
    }

    /** The check can fail: δ^H = 2(a − y), a factor a derivation might drop, doubles every gradient. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("networks")
    void aWrongOutputDeltaFailsTheCheck(Output output, Loss loss, int[] sizes) {
        Architecture architecture = new Architecture(sizes, Activation.SIGMOID, output, loss);
        Parameters parameters = Initialization.NORMAL.initialize(architecture, 11);
        Workspace workspace = new Workspace(architecture, BATCH);
        GradientCheck.randomBatch(workspace, 5);
        // every δ^l and every gradient is linear in δ^H, so doubling the gradients is δ^H = 2(a − y)
        List<GradientCheck.LayerError> errors = GradientCheck.check(parameters, workspace, (p, w) -> {
            Gradients sums = GradientCheck.backpropagation(p, w);
            Gradients doubled = GradientCheck.backpropagation(p, w);
            doubled.add(sums);
            return doubled;
        });
        for (GradientCheck.LayerError error : errors) {
            assertFalse(error.holds(), error.toString());
            assertEquals(0.5, error.weights(), 0.01, "|2g − g| / |2g|");
        }
    }

    /**
     * The quadratic loss with cross-entropy's δ^H = a − y, i.e. without its factor σ'(z^H): the
     * check fails in every layer.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("topologies")
    void theQuadraticLossWithoutSigmoidPrimeFailsTheCheck(int[] sizes) {
        Architecture quadratic = new Architecture(sizes, Activation.SIGMOID, Output.SIGMOID, Loss.QUADRATIC);
        Architecture crossEntropy = new Architecture(sizes, Activation.SIGMOID, Output.SIGMOID, Loss.CROSS_ENTROPY);
        Parameters parameters = Initialization.NORMAL.initialize(quadratic, 11);
        Workspace workspace = new Workspace(quadratic, BATCH);
        GradientCheck.randomBatch(workspace, 5);
        List<GradientCheck.LayerError> errors = GradientCheck.check(parameters, workspace, (p, w) -> {
            Parameters sameNumbers = new Parameters(crossEntropy);
            sameNumbers.add(p);
            return GradientCheck.backpropagation(sameNumbers, w);
        });
        for (GradientCheck.LayerError error : errors) {
            assertFalse(error.holds(), error.toString());
        }
    }

    static Stream<int[]> topologies() {
        return Stream.of(new int[] {4, 3}, new int[] {5, 4, 3}, new int[] {3, 8, 2, 4, 2});
    }

    @Test
    void theQuadraticLossIsHalfTheSquaredErrorAndGoesWithSigmoidOutputsOnly() {
        Architecture quadratic = new Architecture(new int[] {2, 2}, Activation.SIGMOID, Output.SIGMOID, Loss.QUADRATIC);
        Parameters parameters = new Parameters(quadratic);
        Workspace workspace = new Workspace(quadratic, 1);
        workspace.resize(1);
        workspace.targets().set(0, 0, 1.0);
        // zero weights: a = σ(0) = ½ for both outputs, J = ½[(½ − 1)² + (½ − 0)²] = ¼
        assertEquals(0.25, GradientCheck.loss(parameters, workspace), 0.0);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new Architecture(new int[] {2, 2}, Activation.SIGMOID, Output.SOFTMAX, Loss.QUADRATIC));
        assertTrue(refused.getMessage().contains("loss quadratic needs output sigmoid"), refused.getMessage());
    }
}
