package org.sparkbackprop.network;

import java.io.Serializable;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The numbers of a network: for each weight layer l = 1..H, its weights and biases.
 *
 * <p>{@code weights(l)} holds (W^l)ᵀ, {@code n_{l−1} × n_l}, so that a batch A^{l−1} with one
 * example per row maps to Z^l = A^{l−1} (W^l)ᵀ by a plain row-major multiply.
 * {@code biases(l)} is b^l as a {@code 1 × n_l} row. Weight layers are numbered from 1,
 * as in the equations.
 */
public final class Parameters implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Architecture architecture;
    private final DMatrixRMaj[] weights;
    private final DMatrixRMaj[] biases;

    /** All weights and biases zero. */
    public Parameters(Architecture architecture) {
        this.architecture = architecture;
        int layers = architecture.weightLayers();
        this.weights = new DMatrixRMaj[layers];
        this.biases = new DMatrixRMaj[layers];
        for (int l = 1; l <= layers; l++) {
            weights[l - 1] = new DMatrixRMaj(architecture.size(l - 1), architecture.size(l));
            biases[l - 1] = new DMatrixRMaj(1, architecture.size(l));
        }
    }

    public Architecture architecture() {
        return architecture;
    }

    /** (W^l)ᵀ, {@code n_{l−1} × n_l}, for l in 1..H. Mutable: the update writes into it. */
    public DMatrixRMaj weights(int layer) {
        return weights[layer - 1];
    }

    /** b^l as a {@code 1 × n_l} row, for l in 1..H. Mutable. */
    public DMatrixRMaj biases(int layer) {
        return biases[layer - 1];
    }

    /** W^l_{jk}: the weight from input k of layer l−1 to neuron j of layer l (network2's indexing). */
    public double weight(int layer, int neuron, int input) {
        return weights[layer - 1].unsafe_get(input, neuron);
    }

    /** Sets W^l_{jk}. Modifies this. */
    public void setWeight(int layer, int neuron, int input, double value) {
        weights[layer - 1].unsafe_set(input, neuron, value);
    }

    public double bias(int layer, int neuron) {
        return biases[layer - 1].data[neuron];
    }

    /** Modifies this. */
    public void setBias(int layer, int neuron, double value) {
        biases[layer - 1].data[neuron] = value;
    }

    /** this ← this + other, weight by weight. Modifies this. */
    public void add(Parameters other) {
        for (int l = 1; l <= architecture.weightLayers(); l++) {
            CommonOps_DDRM.addEquals(weights(l), other.weights(l));
            CommonOps_DDRM.addEquals(biases(l), other.biases(l));
        }
    }

    public Parameters copy() {
        Parameters copy = new Parameters(architecture);
        for (int l = 1; l <= architecture.weightLayers(); l++) {
            copy.weights(l).setTo(weights(l));
            copy.biases(l).setTo(biases(l));
        }
        return copy;
    }

    /** True when every weight and bias has the same bits as in {@code other}. */
    public boolean bitwiseEquals(Parameters other) {
        if (!architecture.equals(other.architecture)) {
            return false;
        }
        for (int l = 1; l <= architecture.weightLayers(); l++) {
            if (!sameBits(weights(l), other.weights(l)) || !sameBits(biases(l), other.biases(l))) {
                return false;
            }
        }
        return true;
    }

    /** max |this − other| over all weights and biases. */
    public double maxAbsDifference(Parameters other) {
        double max = 0.0;
        for (int l = 1; l <= architecture.weightLayers(); l++) {
            max = Math.max(max, maxAbsDifference(weights(l), other.weights(l)));
            max = Math.max(max, maxAbsDifference(biases(l), other.biases(l)));
        }
        return max;
    }

    /** The first layer l whose weights or biases hold a NaN or infinity, or 0 when all are finite. */
    public int firstNonFiniteLayer() {
        for (int l = 1; l <= architecture.weightLayers(); l++) {
            if (!allFinite(weights(l)) || !allFinite(biases(l))) {
                return l;
            }
        }
        return 0;
    }

    private static boolean allFinite(DMatrixRMaj matrix) {
        int length = matrix.getNumElements();
        for (int i = 0; i < length; i++) {
            if (!Double.isFinite(matrix.data[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameBits(DMatrixRMaj a, DMatrixRMaj b) {
        int length = a.getNumElements();
        if (length != b.getNumElements()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (Double.doubleToRawLongBits(a.data[i]) != Double.doubleToRawLongBits(b.data[i])) {
                return false;
            }
        }
        return true;
    }

    static double maxAbsDifference(DMatrixRMaj a, DMatrixRMaj b) {
        double max = 0.0;
        int length = a.getNumElements();
        for (int i = 0; i < length; i++) {
            max = Math.max(max, Math.abs(a.data[i] - b.data[i]));
        }
        return max;
    }
}
