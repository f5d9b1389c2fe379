package org.sparkbackprop.network;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * Sums over a set of examples of ∂J/∂W^l and ∂J/∂b^l, with the loss summed over the same
 * examples and their count. Sums, not means: dividing by the true count happens once, in
 * {@link GradientDescent}. A gradient lives where the parameters do, so the sums are held as
 * {@link Parameters}: same shapes, same layout.
 */
public final class Gradients implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Parameters sums;
    private double lossSum;
    private long exampleCount;

    /** Zero sums over no examples. */
    public Gradients(Architecture architecture) {
        this.sums = new Parameters(architecture);
    }

    /**
     * Sums over {@code exampleCount} examples whose losses sum to {@code lossSum}: {@code sums},
     * taken as they are (not copied).
     */
    public static Gradients of(Parameters sums, long exampleCount, double lossSum) {
        Gradients gradients = new Gradients(sums);
        gradients.exampleCount = exampleCount;
        gradients.lossSum = lossSum;
        return gradients;
    }

    private Gradients(Parameters sums) {
        this.sums = sums;
    }

    /** The sums themselves, laid out as the parameters are; changing them changes these gradients. */
    public Parameters sums() {
        return sums;
    }

    public Architecture architecture() {
        return sums.architecture();
    }

    /** Σ ∂J/∂(W^l)ᵀ, {@code n_{l−1} × n_l}, for l in 1..H. */
    public DMatrixRMaj weights(int layer) {
        return sums.weights(layer);
    }

    /** Σ ∂J/∂b^l as a {@code 1 × n_l} row, for l in 1..H. */
    public DMatrixRMaj biases(int layer) {
        return sums.biases(layer);
    }

    /** Σ J over the examples. */
    public double lossSum() {
        return lossSum;
    }

    public long exampleCount() {
        return exampleCount;
    }

    /** Counts {@code examples} more examples whose losses sum to {@code loss}. Modifies this. */
    void addExamples(long examples, double loss) {
        exampleCount += examples;
        lossSum += loss;
    }

    /** The first layer l whose sums hold a NaN or infinity, or 0 when all are finite. */
    public int firstNonFiniteLayer() {
        return sums.firstNonFiniteLayer();
    }

    /**
     * Σ of partial sums left to right, the first partial then each next one added to it, so the
     * bits depend on the order of the list only. Null entries (partitions with no member of the
     * batch) are skipped; with none left, zero sums over no examples. Modifies the first partial.
     */
    public static Gradients sumInOrder(List<Gradients> partials, Architecture architecture) {
        Gradients total = null;
        for (Gradients partial : partials) {
            if (total == null) {
                total = partial;
            } else if (partial != null) {
                total.add(partial);
            }
        }
        return total != null ? total : new Gradients(architecture);
    }

    /**
     * Writes the count, the loss sum and every sum's 8 raw bytes ({@link Parameters#writeValues}),
     * so that they read back to the same bits.
     */
    public void writeTo(DataOutputStream out) throws IOException {
        out.writeLong(exampleCount);
        out.writeDouble(lossSum);
        sums.writeValues(out);
    }

    /** Reads what {@link #writeTo} wrote for {@code architecture}. */
    public static Gradients readFrom(Architecture architecture, DataInputStream in) throws IOException {
        Gradients gradients = new Gradients(architecture);
        gradients.exampleCount = in.readLong();
        gradients.lossSum = in.readDouble();
        gradients.sums.readValues(in);
        return gradients;
    }

    /** this ← this + other. Modifies this. */
    public void add(Gradients other) {
        sums.add(other.sums);
        lossSum += other.lossSum;
        exampleCount += other.exampleCount;
    }
}
