package org.sparkbackprop.network;

import org.ejml.data.DMatrixRMaj;
import org.sparkbackprop.common.Ids;

/**
 * The output layer and its loss, as a pair: each activation is matched with the
 * cross-entropy that makes the output error δ^H = ∂J/∂z^H equal to a − y.
 *
 * <ul>
 *   <li>{@link #SOFTMAX}: a = softmax(z), J = −Σ_m y_m log a_m (one-hot y).
 *       ∂J/∂z_k = Σ_m −y_m (δ_mk − a_k) = a_k Σ_m y_m − y_k = a_k − y_k.</li>
 *   <li>{@link #SIGMOID}: a = σ(z), J = −Σ_m [y_m log a_m + (1 − y_m) log(1 − a_m)]
 *       (multi-hot y). ∂J/∂z_k = (a_k − y_k)/(a_k(1 − a_k)) · σ'(z_k) = a_k − y_k.</li>
 * </ul>
 *
 * Matrices hold one example per row. Losses are sums over the rows; dividing by the
 * example count happens once, at the update.
 */
public enum Output {
    SOFTMAX("softmax") {
        @Override
        public void activate(DMatrixRMaj z, DMatrixRMaj activations) {
            int rows = z.numRows;
            int classes = z.numCols;
            double[] in = z.data;
            double[] out = activations.data;
            for (int row = 0; row < rows; row++) {
                int offset = row * classes;
                double max = rowMax(in, offset, classes);
                double sum = 0.0;
                // a_k = e^{z_k − max} / Σ_m e^{z_m − max}: the same softmax, never overflowing
                for (int k = 0; k < classes; k++) {
                    double e = Math.exp(in[offset + k] - max);
                    out[offset + k] = e;
                    sum += e;
                }
                double inverse = 1.0 / sum;
                for (int k = 0; k < classes; k++) {
                    out[offset + k] *= inverse;
                }
            }
        }

        @Override
        public double loss(DMatrixRMaj z, DMatrixRMaj targets) {
            int rows = z.numRows;
            int classes = z.numCols;
            double[] in = z.data;
            double[] y = targets.data;
            double total = 0.0;
            for (int row = 0; row < rows; row++) {
                int offset = row * classes;
                double max = rowMax(in, offset, classes);
                double sum = 0.0;
                for (int k = 0; k < classes; k++) {
                    sum += Math.exp(in[offset + k] - max);
                }
                // −log a_k = log Σ_m e^{z_m} − z_k = (max + log Σ_m e^{z_m − max}) − z_k ≥ 0; the sum is ≥ 1
                double logPartition = max + Math.log(sum);
                for (int k = 0; k < classes; k++) {
                    double target = y[offset + k];
                    if (target != 0.0) {
                        total += target * (logPartition - in[offset + k]);
                    }
                }
            }
            return total;
        }
    },

    SIGMOID("sigmoid") {
        @Override
        public void activate(DMatrixRMaj z, DMatrixRMaj activations) {
            Activation.SIGMOID.apply(z, activations);
        }

        @Override
        public double loss(DMatrixRMaj z, DMatrixRMaj targets) {
            double[] in = z.data;
            double[] y = targets.data;
            int length = z.getNumElements();
            double total = 0.0;
            for (int i = 0; i < length; i++) {
                double zi = in[i];
                // −[y log σ(z) + (1 − y) log(1 − σ(z))] = max(z, 0) − z y + log(1 + e^{−|z|})
                total += Math.max(zi, 0.0) - zi * y[i] + Math.log1p(Math.exp(-Math.abs(zi)));
            }
            return total;
        }
    };

    private final String id;

    Output(String id) {
        this.id = id;
    }

    /** The name used on the command line and in model files. */
    /** Whether an example may have several labels at once (sigmoid: one yes/no per class), not exactly one (softmax). */
    public boolean multiLabel() {
        return this == SIGMOID;
    }

    public String id() {
        return id;
    }

    public static Output fromId(String id) {
        return Ids.find(values(), Output::id, "output", id);
    }

    /** a = f(z), row by row. Modifies {@code activations}. */
    public abstract void activate(DMatrixRMaj z, DMatrixRMaj activations);

    /** One example's a = f(z), computed in place in {@code z} (as {@link #activate} computes it for a row). */
    public void activateInPlace(double[] z) {
        DMatrixRMaj row = DMatrixRMaj.wrap(1, z.length, z);
        activate(row, row);
    }

    /** Σ over rows of J(z, y), computed from z in its numerically stable form. */
    public abstract double loss(DMatrixRMaj z, DMatrixRMaj targets);

    /**
     * δ^H = a − y: the gradient of either cross-entropy with respect to z^H.
     * Modifies {@code deltas}.
     */
    public void delta(DMatrixRMaj activations, DMatrixRMaj targets, DMatrixRMaj deltas) {
        double[] a = activations.data;
        double[] y = targets.data;
        double[] d = deltas.data;
        int length = activations.getNumElements();
        for (int i = 0; i < length; i++) {
            d[i] = a[i] - y[i];
        }
    }

    private static double rowMax(double[] values, int offset, int length) {
        double max = values[offset];
        for (int k = 1; k < length; k++) {
            max = Math.max(max, values[offset + k]);
        }
        return max;
    }
}
