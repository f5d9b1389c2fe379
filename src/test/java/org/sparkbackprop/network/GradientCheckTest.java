package org.sparkbackprop.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Backpropagation's gradients against central finite differences of the loss, weight by weight. */
class GradientCheckTest {
    private static final int BATCH = 7;
    private static final double STEP = 1e-4;

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
        fillBatch(workspace, output, 5);

        Gradients analytic = new Gradients(architecture);
        Backpropagation.accumulateGradients(parameters, workspace, analytic);
        assertEquals(BATCH, analytic.exampleCount());
        assertEquals(loss(parameters, workspace), analytic.lossSum(), 1e-12);

        double worst = 0.0;
        for (int l = 1; l <= architecture.weightLayers(); l++) {
            for (int neuron = 0; neuron < architecture.size(l); neuron++) {
                for (int input = 0; input < architecture.size(l - 1); input++) {
                    int layer = l;
                    int j = neuron;
                    int k = input;
                    double numeric = centralDifference(parameters, workspace,
                            value -> parameters.setWeight(layer, j, k, value), parameters.weight(l, j, k));
                    worst = Math.max(worst, relativeError(analytic.weights(l).get(k, j), numeric));
                }
                int layer = l;
                int j = neuron;
                double numeric = centralDifference(parameters, workspace,
                        value -> parameters.setBias(layer, j, value), parameters.bias(l, j));
                worst = Math.max(worst, relativeError(analytic.biases(l).get(0, j), numeric));
            }
        }
        assertTrue(worst < 1e-6, "max relative error " + worst);
    }

    /**
     * The five-point central difference, [−J(θ+2h) + 8J(θ+h) − 8J(θ−h) + J(θ−2h)] / 12h, whose
     * error is O(h⁴): small enough at h = 1e-4 that rounding, not truncation, bounds it.
     * θ is restored afterwards.
     */
    private static double centralDifference(Parameters parameters, Workspace workspace,
                                            java.util.function.DoubleConsumer set, double value) {
        double[] losses = new double[4];
        double[] offsets = {2 * STEP, STEP, -STEP, -2 * STEP};
        for (int i = 0; i < 4; i++) {
            set.accept(value + offsets[i]);
            losses[i] = loss(parameters, workspace);
        }
        set.accept(value);
        return (-losses[0] + 8 * losses[1] - 8 * losses[2] + losses[3]) / (12 * STEP);
    }

    private static double loss(Parameters parameters, Workspace workspace) {
        Backpropagation.forward(parameters, workspace);
        return parameters.architecture().output().loss(workspace.outputZ(), workspace.targets());
    }

    /** |a − n| / max(|a|, |n|), taken as absolute below 1e-8 where a relative error means nothing. */
    private static double relativeError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(1e-8, Math.max(Math.abs(analytic), Math.abs(numeric)));
    }

    static void fillBatch(Workspace workspace, Output output, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        workspace.resize(workspace.capacity());
        int classes = workspace.targets().numCols;
        for (int i = 0; i < workspace.inputs().getNumElements(); i++) {
            workspace.inputs().data[i] = random.nextDouble(-1, 1);
        }
        for (int r = 0; r < workspace.rows(); r++) {
            if (output == Output.SOFTMAX) {
                workspace.targets().set(r, random.nextInt(classes), 1.0);
            } else {
                for (int k = 0; k < classes; k++) {
                    workspace.targets().set(r, k, random.nextBoolean() ? 1.0 : 0.0);
                }
            }
        }
    }
}
