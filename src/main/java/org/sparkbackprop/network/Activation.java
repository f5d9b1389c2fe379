package org.sparkbackprop.network;

import org.ejml.data.DMatrixRMaj;

/** Hidden-layer activation functions. */
public enum Activation {
    /** σ(z) = 1 / (1 + e^{-z}); σ'(z) = σ(z)(1 − σ(z)). */
    SIGMOID("sigmoid");

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
    public void apply(DMatrixRMaj z, DMatrixRMaj activations) {
        double[] in = z.data;
        double[] out = activations.data;
        int length = z.getNumElements();
        for (int i = 0; i < length; i++) {
            out[i] = sigmoid(in[i]);
        }
    }

    /**
     * δ ← δ ∘ f'(z), with f'(z) computed from a = f(z): σ'(z) = a(1 − a).
     * Modifies {@code deltas}.
     */
    public void multiplyByDerivative(DMatrixRMaj activations, DMatrixRMaj deltas) {
        double[] a = activations.data;
        double[] d = deltas.data;
        int length = deltas.getNumElements();
        for (int i = 0; i < length; i++) {
            d[i] *= a[i] * (1.0 - a[i]);
        }
    }

    static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }
}
