package org.sparkbackprop.network;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;

/**
 * Backpropagation checked against the definition of the derivative: every ∂J/∂W^l_{jk} and
 * ∂J/∂b^l_j of a batch, computed by five-point central differences of the loss, against the
 * analytic gradient. Per layer, the largest relative error |a − n| / max(|a|, |n|, r), where r
 * keeps the rounding of the differences out of it: they cannot resolve a derivative much below
 * 1.5 ε |J| / h (ε the machine epsilon, J the batch loss), so r is 10⁷ times that, and a noise
 * of that size reads as an error of 10⁻⁷, ten times under {@link #THRESHOLD}. Gradients smaller
 * than r (saturated sigmoids) are thus compared to r·10⁻⁶ absolutely.
 */
public final class GradientCheck {
    /** h of the central differences: their error is O(h⁴), so rounding, not truncation, bounds it. */
    public static final double STEP = 1e-4;
    /** The largest relative error that still means the derivation holds. */
    public static final double THRESHOLD = 1e-6;

    /** How the analytic gradient is computed: {@link Backpropagation} in main, anything in a test. */
    @FunctionalInterface
    public interface AnalyticGradient {
        Gradients sums(Parameters parameters, Workspace workspace);
    }

    /** The largest relative errors of layer l's weights and biases. */
    public record LayerError(int layer, double weights, double biases) {
        public boolean holds() {
            return weights < THRESHOLD && biases < THRESHOLD;
        }
    }

    private GradientCheck() {
    }

    /** Backpropagation's own gradient, ready for {@link #check}. */
    public static Gradients backpropagation(Parameters parameters, Workspace workspace) {
        Gradients sums = new Gradients(parameters.architecture());
        Backpropagation.accumulateGradients(parameters, workspace, sums);
        return sums;
    }

    /**
     * Fills {@code workspace} with a batch of its capacity: inputs uniform in [0, 1), one-hot
     * (softmax) or multi-hot (sigmoid) targets, all from {@code seed}. Modifies {@code workspace}.
     */
    public static void randomBatch(Workspace workspace, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        workspace.resize(workspace.capacity());
        java.util.Arrays.fill(workspace.targets().data, 0.0);
        for (int i = 0; i < workspace.inputs().getNumElements(); i++) {
            workspace.inputs().data[i] = random.nextDouble();
        }
        int classes = workspace.targets().numCols;
        for (int r = 0; r < workspace.rows(); r++) {
            if (!workspace.architecture().output().multiLabel()) {
                workspace.targets().set(r, random.nextInt(classes), 1.0);
            } else {
                for (int k = 0; k < classes; k++) {
                    workspace.targets().set(r, k, random.nextBoolean() ? 1.0 : 0.0);
                }
            }
        }
    }

    /**
     * The errors of {@code analytic} against finite differences, layer by layer, on the batch in
     * {@code workspace}. {@code parameters} are perturbed one at a time and restored.
     */
    public static List<LayerError> check(Parameters parameters, Workspace workspace, AnalyticGradient analytic) {
        Architecture architecture = parameters.architecture();
        Gradients sums = analytic.sums(parameters, workspace);
        double resolution = Math.max(1e-8, 1e7 * 1.5 * Math.ulp(1.0) * Math.abs(loss(parameters, workspace)) / STEP);
        List<LayerError> errors = new ArrayList<>();
        for (int l = 1; l <= architecture.weightLayers(); l++) {
            int layer = l;
            double weights = 0.0;
            double biases = 0.0;
            for (int neuron = 0; neuron < architecture.size(l); neuron++) {
                int j = neuron;
                for (int input = 0; input < architecture.size(l - 1); input++) {
                    int k = input;
                    double numeric = centralDifference(parameters, workspace,
                            value -> parameters.setWeight(layer, j, k, value), parameters.weight(l, j, k));
                    // sums hold Σ ∂J/∂(W^l)ᵀ: the derivative for W^l_{jk} is at (k, j)
                    weights = Math.max(weights, relativeError(sums.weights(l).get(k, j), numeric, resolution));
                }
                double numeric = centralDifference(parameters, workspace,
                        value -> parameters.setBias(layer, j, value), parameters.bias(l, j));
                biases = Math.max(biases, relativeError(sums.biases(l).get(0, j), numeric, resolution));
            }
            errors.add(new LayerError(l, weights, biases));
        }
        return errors;
    }

    /** [−J(θ+2h) + 8J(θ+h) − 8J(θ−h) + J(θ−2h)] / 12h, θ restored afterwards. */
    private static double centralDifference(Parameters parameters, Workspace workspace, DoubleConsumer set,
                                            double value) {
        double[] offsets = {2 * STEP, STEP, -STEP, -2 * STEP};
        double[] losses = new double[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            set.accept(value + offsets[i]);
            losses[i] = loss(parameters, workspace);
        }
        set.accept(value);
        return (-losses[0] + 8 * losses[1] - 8 * losses[2] + losses[3]) / (12 * STEP);
    }

    /** J summed over the batch in {@code workspace}. Modifies {@code workspace}. */
    public static double loss(Parameters parameters, Workspace workspace) {
        Backpropagation.forward(parameters, workspace);
        return Backpropagation.loss(parameters.architecture(), workspace);
    }

    private static double relativeError(double analytic, double numeric, double resolution) {
        return Math.abs(analytic - numeric) / Math.max(resolution, Math.max(Math.abs(analytic), Math.abs(numeric)));
    }
}
