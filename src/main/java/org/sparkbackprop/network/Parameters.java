package org.sparkbackprop.network;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The numbers of a network: for each weight layer l = 1..H, its weights and biases.
 *
 * <p>{@code weights(l)} holds (W^l)ᵀ, {@code n_{l−1} × n_l}, so that a batch A^{l−1} with one
 * example per row maps to Z^l = A^{l−1} (W^l)ᵀ by a plain row-major multiply.
 * {@code biases(l)} is b^l as a {@code 1 × n_l} row. Weight layers are numbered from 1,
 * as in the equations.
 *
 * <p>Serialized as the architecture and then the raw numbers (see {@link #writeValues}), not
 * as an object graph: the weights cross the network every step.
 */
public final class Parameters implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Numbers copied through a buffer of this many bytes when serialized. */
    private static final int CHUNK_BYTES = 64 * 1024;

    private final Architecture architecture;
    // written by writeValues, not by default serialization; readObject rebuilds them
    private transient DMatrixRMaj[] weights;
    private transient DMatrixRMaj[] biases;

    /** All weights and biases zero. */
    public Parameters(Architecture architecture) {
        this.architecture = architecture;
        allocate();
    }

    private void allocate() {
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

    /**
     * Writes every weight and bias as 8 big-endian bytes, layer by layer, (W^l)ᵀ row-major then
     * b^l: {@code 8 × architecture().parameterCount()} bytes.
     */
    public void writeValues(OutputStream out) throws IOException {
        writeValues(out, 0, architecture.parameterCount());
    }

    /** Reads what {@link #writeValues} wrote for this architecture into this. Modifies this. */
    public void readValues(InputStream in) throws IOException {
        readValues(in, 0, architecture.parameterCount());
    }

    /**
     * Writes numbers {@code from} (inclusive) to {@code to} (exclusive) of {@link #writeValues}'
     * order, 8 big-endian bytes each: a slice of the parameter vector.
     */
    public void writeValues(OutputStream out, long from, long to) throws IOException {
        forEachRun(from, to, (data, offset, length) -> writeDoubles(out, data, offset, length));
    }

    /** Reads what {@link #writeValues(OutputStream, long, long)} wrote for the same slice into this. Modifies this. */
    public void readValues(InputStream in, long from, long to) throws IOException {
        forEachRun(from, to, (data, offset, length) -> readDoubles(in, data, offset, length));
    }

    /** A run of consecutive numbers of the parameter vector inside one matrix: {@code data[offset, offset + length)}. */
    @FunctionalInterface
    public interface Run {
        void accept(double[] data, int offset, int length) throws IOException;
    }

    /**
     * Hands {@code action} numbers {@code from} (inclusive) to {@code to} (exclusive) of
     * {@link #writeValues}' order, as the runs of them that lie inside one matrix, in that order.
     */
    public void forEachRun(long from, long to, Run action) throws IOException {
        if (from < 0 || to > architecture.parameterCount() || from > to) {
            throw new IndexOutOfBoundsException("numbers " + from + " to " + to + " of " + architecture.parameterCount());
        }
        long start = 0;
        for (int l = 1; l <= architecture.weightLayers() && start < to; l++) {
            for (DMatrixRMaj matrix : new DMatrixRMaj[] {weights(l), biases(l)}) {
                long end = start + matrix.getNumElements();
                if (end > from && start < to) {
                    int offset = (int) (Math.max(from, start) - start);
                    action.accept(matrix.data, offset, (int) (Math.min(to, end) - start) - offset);
                }
                start = end;
            }
        }
    }

    /** Writes {@code data[offset, offset + length)}, 8 big-endian bytes each, as {@link #writeValues} writes numbers. */
    public static void writeDoubles(OutputStream out, double[] data, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(1L, (long) length * Double.BYTES)));
        int perChunk = buffer.capacity() / Double.BYTES;
        for (int from = 0; from < length; from += perChunk) {
            int count = Math.min(perChunk, length - from);
            buffer.clear();
            buffer.asDoubleBuffer().put(data, offset + from, count);
            out.write(buffer.array(), 0, count * Double.BYTES);
        }
    }

    /** Reads what {@link #writeDoubles} wrote into {@code data[offset, offset + length)}. */
    public static void readDoubles(InputStream in, double[] data, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(1L, (long) length * Double.BYTES)));
        int perChunk = buffer.capacity() / Double.BYTES;
        for (int from = 0; from < length; from += perChunk) {
            int count = Math.min(perChunk, length - from);
            int bytes = count * Double.BYTES;
            for (int done = 0; done < bytes; ) {
                int read = in.read(buffer.array(), done, bytes - done);
                if (read < 0) {
                    throw new EOFException("parameters end after " + ((long) from * Double.BYTES + done)
                            + " bytes of a run of " + length);
                }
                done += read;
            }
            buffer.clear();
            buffer.asDoubleBuffer().get(data, offset + from, count);
        }
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        writeValues(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        allocate();
        readValues(in);
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
