package org.sparkbackprop.network;

import org.ejml.data.DMatrixRMaj;

/**
 * Scratch matrices for one batch slice of up to {@code capacity} examples, one example per
 * row. Owned by one task at a time and reused across steps; {@link #resize} reshapes it for a
 * short slice without allocating.
 *
 * <p>The caller writes the slice into {@link #inputs()} (A^0) and {@link #targets()} (Y), then
 * runs {@link Backpropagation}.
 */
public final class Workspace {
    private final Architecture architecture;
    private final int capacity;
    private final DMatrixRMaj inputs;
    private final DMatrixRMaj targets;
    /** A^l for l = 1..H at index l; index 0 aliases {@link #inputs}. */
    private final DMatrixRMaj[] activations;
    /** Z^H, kept for the loss, which is stable only when computed from z. */
    private final DMatrixRMaj outputZ;
    /** δ^l for l = 1..H at index l. */
    private final DMatrixRMaj[] deltas;
    /** W^l (not transposed), {@code n_l × n_{l−1}}, for l = 2..H: the backward pass multiplies by it. */
    private final DMatrixRMaj[] untransposedWeights;
    private final MatrixProducts products;
    private int rows;

    /** A workspace whose products run on EJML. */
    public Workspace(Architecture architecture, int capacity) {
        this(architecture, capacity, EjmlProducts.INSTANCE);
    }

    /** A workspace whose passes run their products on {@code products}. */
    public Workspace(Architecture architecture, int capacity, MatrixProducts products) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("workspace capacity must be positive, got " + capacity);
        }
        this.architecture = architecture;
        this.capacity = capacity;
        this.products = products;
        int layers = architecture.weightLayers();
        this.inputs = new DMatrixRMaj(capacity, architecture.inputSize());
        this.targets = new DMatrixRMaj(capacity, architecture.outputSize());
        this.activations = new DMatrixRMaj[layers + 1];
        this.deltas = new DMatrixRMaj[layers + 1];
        this.untransposedWeights = new DMatrixRMaj[layers + 1];
        activations[0] = inputs;
        for (int l = 1; l <= layers; l++) {
            activations[l] = new DMatrixRMaj(capacity, architecture.size(l));
            deltas[l] = new DMatrixRMaj(capacity, architecture.size(l));
            if (l >= 2) {
                untransposedWeights[l] = new DMatrixRMaj(architecture.size(l), architecture.size(l - 1));
            }
        }
        this.outputZ = new DMatrixRMaj(capacity, architecture.outputSize());
        this.rows = capacity;
    }

    public Architecture architecture() {
        return architecture;
    }

    public int capacity() {
        return capacity;
    }

    /** What runs this workspace's matrix products. */
    public MatrixProducts products() {
        return products;
    }

    /** The number of examples in the current slice. */
    public int rows() {
        return rows;
    }

    /** Reshapes every matrix to {@code rows} examples, keeping the allocated storage. Modifies this. */
    public void resize(int rows) {
        if (rows < 0 || rows > capacity) {
            throw new IllegalArgumentException("a slice of " + rows + " rows does not fit a workspace of " + capacity);
        }
        this.rows = rows;
        inputs.reshape(rows, architecture.inputSize());
        targets.reshape(rows, architecture.outputSize());
        outputZ.reshape(rows, architecture.outputSize());
        for (int l = 1; l <= architecture.weightLayers(); l++) {
            activations[l].reshape(rows, architecture.size(l));
            deltas[l].reshape(rows, architecture.size(l));
        }
    }

    /** A^0: the slice's features, {@code rows × n0}. The caller fills it. */
    public DMatrixRMaj inputs() {
        return inputs;
    }

    /** Y: the slice's one-hot or multi-hot targets, {@code rows × nH}. The caller fills it. */
    public DMatrixRMaj targets() {
        return targets;
    }

    /** A^l after a forward pass, {@code rows × n_l}; A^H is the network's output. */
    public DMatrixRMaj activations(int layer) {
        return activations[layer];
    }

    /** Z^H after a forward pass, {@code rows × nH}: the output layer's weighted inputs, before its activation. */
    public DMatrixRMaj outputZ() {
        return outputZ;
    }

    DMatrixRMaj deltas(int layer) {
        return deltas[layer];
    }

    DMatrixRMaj untransposedWeights(int layer) {
        return untransposedWeights[layer];
    }
}
