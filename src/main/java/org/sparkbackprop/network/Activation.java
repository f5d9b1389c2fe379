package org.sparkbackprop.network;

import org.ejml.data.DMatrixRMaj;
import org.sparkbackprop.common.Ids;

/**
 * Hidden-layer activation functions, each with its own function and derivative. The derivative
 * is written in terms of a = f(z), which the forward pass keeps: for these three it needs no z.
 * Each constant has its own loops, so that a run's one activation is a monomorphic call.
 */
public enum Activation {
    /** σ(z) = 1 / (1 + e^{-z}); σ'(z) = σ(z)(1 − σ(z)) = a(1 − a). network2's, the default. */
    SIGMOID("sigmoid") {
        @Override
        public void apply(DMatrixRMaj z, DMatrixRMaj activations) {
            double[] in = z.data;
            double[] out = activations.data;
            int length = z.getNumElements();
            for (int i = 0; i < length; i++) {
                out[i] = sigmoid(in[i]);
            }
        }

        @Override
        public void multiplyByDerivative(DMatrixRMaj activations, DMatrixRMaj deltas) {
            double[] a = activations.data;
            double[] d = deltas.data;
            int length = deltas.getNumElements();
            for (int i = 0; i < length; i++) {
                d[i] *= a[i] * (1.0 - a[i]);
            }
        }
    },
    /** tanh(z); tanh'(z) = 1 − tanh²(z) = 1 − a². */
    TANH("tanh") {
        @Override
        public void apply(DMatrixRMaj z, DMatrixRMaj activations) {
            double[] in = z.data;
            double[] out = activations.data;
            int length = z.getNumElements();
            for (int i = 0; i < length; i++) {
                out[i] = Math.tanh(in[i]);
            }
        }

        @Override
        public void multiplyByDerivative(DMatrixRMaj activations, DMatrixRMaj deltas) {
            double[] a = activations.data;
            double[] d = deltas.data;
            int length = deltas.getNumElements();
            for (int i = 0; i < length; i++) {
                d[i] *= 1.0 - a[i] * a[i];
            }
        }
    },
    /** max(0, z); its derivative 1 where z > 0 (where a > 0), else 0 (0 at z = 0, by convention). */
    RELU("relu") {
        @Override
        public void apply(DMatrixRMaj z, DMatrixRMaj activations) {
            double[] in = z.data;
            double[] out = activations.data;
            int length = z.getNumElements();
            for (int i = 0; i < length; i++) {
                out[i] = in[i] > 0.0 ? in[i] : 0.0;
            }
        }

        @Override
        public void multiplyByDerivative(DMatrixRMaj activations, DMatrixRMaj deltas) {
            double[] a = activations.data;
            double[] d = deltas.data;
            int length = deltas.getNumElements();
            for (int i = 0; i < length; i++) {
                if (!(a[i] > 0.0)) {
                    d[i] = 0.0;
                }
            }
        }
    };

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    /** The name used on the command line and in model files. */
    public String id() {
        return id;
    }

    public static Activation fromId(String id) {
        return Ids.find(values(), Activation::id, "activation", id);
    }

    /** a = f(z), element-wise. Modifies {@code activations}, which may be {@code z} itself. */
    public abstract void apply(DMatrixRMaj z, DMatrixRMaj activations);

    /** δ ← δ ∘ f'(z), with f'(z) computed from a = f(z). Modifies {@code deltas}. */
    public abstract void multiplyByDerivative(DMatrixRMaj activations, DMatrixRMaj deltas);

    static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }
}
