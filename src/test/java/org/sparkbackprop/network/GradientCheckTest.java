package org.sparkbackprop.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Backpropagation's gradients against central finite differences of the loss, weight by weight. */
class GradientCheckTest {
    private static final int BATCH = 7;

    static Stream<Arguments> networks() {
        int[][] topologies = {{4, 3}, {5, 4, 3}, {6, 5, 4, 3}, {3, 8, 2, 4, 2}};
        return Stream.of(Output.values()).flatMap(output -> Stream.of(topologies)
                .map(sizes -> Arguments.of(output, sizes)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("networks")
    void analyticGradientsMatchFiniteDifferences(Output output, int[] sizes) {
        Architecture architecture = new Architecture(sizes, Activation.SIGMOID, output);
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
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("networks")
    void aWrongOutputDeltaFailsTheCheck(Output output, int[] sizes) {
        Architecture architecture = new Architecture(sizes, Activation.SIGMOID, output);
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
}
