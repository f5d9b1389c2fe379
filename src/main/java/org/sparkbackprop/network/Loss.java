package org.sparkbackprop.network;

import org.ejml.data.DMatrixRMaj;
import org.sparkbackprop.common.Ids;

/**
 * The loss J the network is trained on, as network2's costs: each computes J from the output
 * layer and owns the output error δ^H = ∂J/∂z^H.
 *
 * <ul>
 *   <li>{@link #CROSS_ENTROPY}: the cross-entropy that matches the {@link Output} (categorical
 *       for softmax, binary for sigmoid), whose δ^H = a − y.</li>
 *   <li>{@link #QUADRATIC}: J = ½ Σ_m (a_m − y_m)², for sigmoid outputs only, whose
 *       δ^H = (a − y) ∘ σ'(z): the tutorial's first code path, with its learning slowdown when
 *       σ'(z) is small.</li>
 * </ul>
 */
public enum Loss {
    CROSS_ENTROPY("cross-entropy", "CrossEntropyCost") {
        @Override
        public double value(Output output, DMatrixRMaj z, DMatrixRMaj activations, DMatrixRMaj targets) {
            return output.loss(z, targets);
        }

        @Override
        public void delta(Output output, DMatrixRMaj activations, DMatrixRMaj targets, DMatrixRMaj deltas) {
            output.delta(activations, targets, deltas);
        }
    },

    QUADRATIC("quadratic", "QuadraticCost") {
        @Override
        public double value(Output output, DMatrixRMaj z, DMatrixRMaj activations, DMatrixRMaj targets) {
            double[] a = activations.data;
            double[] y = targets.data;
            int length = activations.getNumElements();
            double total = 0.0;
            for (int i = 0; i < length; i++) {
                double difference = a[i] - y[i];
                total += difference * difference;
            }
            return 0.5 * total;
        }

        @Override
        public void delta(Output output, DMatrixRMaj activations, DMatrixRMaj targets, DMatrixRMaj deltas) {
            double[] a = activations.data;
            double[] y = targets.data;
            double[] d = deltas.data;
            int length = activations.getNumElements();
            for (int i = 0; i < length; i++) {
                // δ^H = (a − y) ∘ σ'(z), with σ'(z) = σ(z)(1 − σ(z)) = a(1 − a)
                d[i] = (a[i] - y[i]) * (a[i] * (1.0 - a[i]));
            }
        }
    };

    private final String id;
    private final String network2Cost;

    Loss(String id, String network2Cost) {
        this.id = id;
        this.network2Cost = network2Cost;
    }

    /** The name used on the command line. */
    public String id() {
        return id;
    }

    /** The name of network2's cost class, as the model file's {@code "cost"} key holds it. */
    public String network2Cost() {
        return network2Cost;
    }

    public static Loss fromId(String id) {
        return Ids.find(values(), Loss::id, "loss", id);
    }

    /** The loss whose network2 cost class is {@code cost}, or null when there is none. */
    public static Loss fromNetwork2Cost(String cost) {
        for (Loss loss : values()) {
            if (loss.network2Cost.equals(cost)) {
                return loss;
            }
        }
        return null;
    }

    /** Σ over rows of J for the output layer's {@code z} and {@code activations} = f(z). */
    public abstract double value(Output output, DMatrixRMaj z, DMatrixRMaj activations, DMatrixRMaj targets);

    /** δ^H = ∂J/∂z^H, row by row. Modifies {@code deltas}. */
    public abstract void delta(Output output, DMatrixRMaj activations, DMatrixRMaj targets, DMatrixRMaj deltas);
}
