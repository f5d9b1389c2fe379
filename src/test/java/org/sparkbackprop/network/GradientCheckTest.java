package org.sparkbackprop.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
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
        return Stream.of(Activation.values()).flatMap(activation -> Stream.of(outputsAndLosses)
                .flatMap(pair -> Stream.of(topologies).map(sizes -> Arguments.of(activation, pair[0], pair[1], sizes))));
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("networks")
    void analyticGradientsMatchFiniteDifferences(Activation activation, Output output, Loss loss, int[] sizes) {
        Architecture architecture = new Architecture(sizes, activation, output, loss);
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
    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("networks")
    void aWrongOutputDeltaFailsTheCheck(Activation activation, Output output, Loss loss, int[] sizes) {
        Architecture architecture = new Architecture(sizes, activation, output, loss);
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

    /**
     * tanh's hidden layer with sigmoid's derivative, a(1 − a) where 1 − a² belongs: the check
     * fails in the hidden layer and holds in the output layer, whose gradient does not use it.
     * The same gradients written by hand with the right derivative pass in both.
     */
    @Test
    void aWrongActivationDerivativeFailsTheCheckInTheLayerBelowIt() {
        Architecture architecture = new Architecture(new int[] {5, 4, 3}, Activation.TANH, Output.SOFTMAX);
        Parameters parameters = Initialization.NORMAL.initialize(architecture, 11);
        Workspace workspace = new Workspace(architecture, BATCH);
        GradientCheck.randomBatch(workspace, 5);
        List<GradientCheck.LayerError> wrong = GradientCheck.check(parameters, workspace,
                (p, w) -> byHand(p, w, a -> a * (1.0 - a)));
        assertFalse(wrong.get(0).holds(), wrong.get(0).toString());
        assertTrue(wrong.get(1).holds(), wrong.get(1).toString());
        List<GradientCheck.LayerError> right = GradientCheck.check(parameters, workspace,
                (p, w) -> byHand(p, w, a -> 1.0 - a * a));
        assertTrue(right.get(0).holds() && right.get(1).holds(), right.toString());
    }

    /** One hidden layer's softmax network's gradients, written out, with f'(z¹) = {@code derivative}(a¹). */
    private static Gradients byHand(Parameters p, Workspace w, java.util.function.DoubleUnaryOperator derivative) {
        Backpropagation.forward(p, w);
        Gradients sums = new Gradients(p.architecture());
        DMatrixRMaj hidden = w.activations(1);
        // δ² = a² − y; ∂J/∂(W²)ᵀ = (A¹)ᵀ Δ², ∂J/∂b² = Σ δ²
        DMatrixRMaj outputDelta = new DMatrixRMaj(w.rows(), p.architecture().size(2));
        CommonOps_DDRM.subtract(w.activations(2), w.targets(), outputDelta);
        CommonOps_DDRM.multTransA(hidden, outputDelta, sums.weights(2));
        CommonOps_DDRM.sumCols(outputDelta, sums.biases(2));
        // Δ¹ = Δ² W² ∘ f'(z¹), W² being ((W²)ᵀ)ᵀ
        DMatrixRMaj hiddenDelta = new DMatrixRMaj(w.rows(), p.architecture().size(1));
        CommonOps_DDRM.multTransB(outputDelta, p.weights(2), hiddenDelta);
        for (int i = 0; i < hiddenDelta.getNumElements(); i++) {
            hiddenDelta.data[i] *= derivative.applyAsDouble(hidden.data[i]);
        }
        CommonOps_DDRM.multTransA(w.inputs(), hiddenDelta, sums.weights(1));
        CommonOps_DDRM.sumCols(hiddenDelta, sums.biases(1));
        return sums;
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
