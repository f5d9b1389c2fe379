package org.sparkbackprop.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A network small enough to differentiate on paper: [1, 1, 1], sigmoid hidden, sigmoid output. */
class BackpropagationByHandTest {

    @Test
    void oneExampleThroughTwoLayers() {
        Architecture architecture = new Architecture(new int[] {1, 1, 1}, Activation.SIGMOID, Output.SIGMOID);
        Parameters parameters = new Parameters(architecture);
        double w1 = 0.5, b1 = -0.25, w2 = -1.5, b2 = 0.75, x = 2.0, y = 1.0;
        parameters.setWeight(1, 0, 0, w1);
        parameters.setBias(1, 0, b1);
        parameters.setWeight(2, 0, 0, w2);
        parameters.setBias(2, 0, b2);
        Workspace workspace = new Workspace(architecture, 4);
        workspace.resize(1);
        workspace.inputs().set(0, 0, x);
        workspace.targets().set(0, 0, y);

        Gradients sums = new Gradients(architecture);
        Backpropagation.accumulateGradients(parameters, workspace, sums);

        double a1 = sigmoid(w1 * x + b1);
        double a2 = sigmoid(w2 * a1 + b2);
        double delta2 = a2 - y;
        double delta1 = w2 * delta2 * a1 * (1 - a1);
        assertEquals(delta2 * a1, sums.weights(2).get(0, 0), 1e-15);
        assertEquals(delta2, sums.biases(2).get(0, 0), 1e-15);
        assertEquals(delta1 * x, sums.weights(1).get(0, 0), 1e-15);
        assertEquals(delta1, sums.biases(1).get(0, 0), 1e-15);
        assertEquals(-Math.log(a2), sums.lossSum(), 1e-14);

        // W ← W − (η/m) Σ ∂J/∂W with η = 0.5 and m = 1
        new GradientDescent(0.5).apply(sums, parameters);
        assertEquals(w2 - 0.5 * delta2 * a1, parameters.weight(2, 0, 0), 1e-15);
        assertEquals(b1 - 0.5 * delta1, parameters.bias(1, 0), 1e-15);
    }

    @Test
    void shortBatchInAReusedWorkspaceGivesTheSameSumsAsAFreshOne() {
        Architecture architecture = new Architecture(new int[] {5, 4, 3}, Activation.SIGMOID, Output.SOFTMAX);
        Parameters parameters = Initialization.SCALED.initialize(architecture, 3);
        Workspace reused = new Workspace(architecture, 9);
        GradientCheck.randomBatch(reused, 1);
        Backpropagation.accumulateGradients(parameters, reused, new Gradients(architecture));

        Workspace fresh = new Workspace(architecture, 3);
        GradientCheck.randomBatch(fresh, 2);
        reused.resize(3);
        System.arraycopy(fresh.inputs().data, 0, reused.inputs().data, 0, 15);
        System.arraycopy(fresh.targets().data, 0, reused.targets().data, 0, 9);

        Gradients fromReused = new Gradients(architecture);
        Gradients fromFresh = new Gradients(architecture);
        Backpropagation.accumulateGradients(parameters, reused, fromReused);
        Backpropagation.accumulateGradients(parameters, fresh, fromFresh);
        assertEquals(3, fromReused.exampleCount());
        for (int l = 1; l <= 2; l++) {
            assertEquals(0.0, Parameters.maxAbsDifference(fromReused.weights(l), fromFresh.weights(l)));
            assertEquals(0.0, Parameters.maxAbsDifference(fromReused.biases(l), fromFresh.biases(l)));
        }
        assertEquals(fromFresh.lossSum(), fromReused.lossSum(), 0.0);
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
