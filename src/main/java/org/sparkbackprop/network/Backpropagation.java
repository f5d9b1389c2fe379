package org.sparkbackprop.network;

import org.ejml.data.DMatrixRMaj;

/**
 * The batched forward and backward passes: one matrix multiply per layer and direction over
 * the whole slice in a {@link Workspace}, never a loop over examples, run by the workspace's
 * {@link MatrixProducts}.
 *
 * <p>Rows are examples, so the column-vector equations of the derivation appear transposed:
 * z^l = W^l a^{l−1} + b^l for every example is Z^l = A^{l−1} (W^l)ᵀ + 1 (b^l)ᵀ.
 */
public final class Backpropagation {
    private Backpropagation() {
    }

    /** Computes A^1..A^H for the slice in {@code workspace}. Modifies {@code workspace}. */
    public static void forward(Parameters parameters, Workspace workspace) {
        Architecture architecture = parameters.architecture();
        int layers = architecture.weightLayers();
        for (int l = 1; l <= layers; l++) {
            DMatrixRMaj previous = workspace.activations(l - 1);
            DMatrixRMaj z = l == layers ? workspace.outputZ() : workspace.activations(l);
            // Z^l = A^{l−1} (W^l)ᵀ + 1 (b^l)ᵀ
            workspace.products().mult(previous, parameters.weights(l), z);
            addToEveryRow(parameters.biases(l), z);
            if (l < layers) {
                // A^l = σ(Z^l), in place
                architecture.hiddenActivation().apply(z, z);
            } else {
                architecture.output().activate(z, workspace.activations(l));
            }
        }
    }

    /**
     * Adds to {@code sums} the gradients and losses of the slice in {@code workspace}:
     * Σ ∂J/∂W^l = Σ δ^l (a^{l−1})ᵀ and Σ ∂J/∂b^l = Σ δ^l over its rows.
     * Modifies {@code workspace} and {@code sums}.
     */
    public static void accumulateGradients(Parameters parameters, Workspace workspace, Gradients sums) {
        Architecture architecture = parameters.architecture();
        int layers = architecture.weightLayers();
        forward(parameters, workspace);
        DMatrixRMaj output = workspace.activations(layers);
        sums.addExamples(workspace.rows(), loss(architecture, workspace));

        // δ^H = a^H − y for the cross-entropies, (a^H − y) ∘ σ'(z^H) for the quadratic loss
        architecture.loss().delta(architecture.output(), output, workspace.targets(), workspace.deltas(layers));
        for (int l = layers; l >= 1; l--) {
            DMatrixRMaj delta = workspace.deltas(l);
            // Σ ∂J/∂(W^l)ᵀ += (A^{l−1})ᵀ Δ^l, i.e. Σ_x δ^l (a^{l−1})ᵀ in network2's layout
            workspace.products().multAddTransA(workspace.activations(l - 1), delta, sums.weights(l));
            // Σ ∂J/∂b^l += Σ_x δ^l
            addColumnSums(delta, sums.biases(l));
            if (l > 1) {
                // δ^{l−1} = (W^l)ᵀ δ^l ∘ σ'(z^{l−1}); for rows: Δ^{l−1} = Δ^l W^l = Δ^l ((W^l)ᵀ)ᵀ ∘ σ'(Z^{l−1})
                workspace.products().multTransB(delta, parameters.weights(l), workspace.deltas(l - 1),
                        workspace.untransposedWeights(l));
                architecture.hiddenActivation().multiplyByDerivative(
                        workspace.activations(l - 1), workspace.deltas(l - 1));
            }
        }
    }

    /** Adds {@code scores} for the slice in {@code workspace}. Modifies {@code workspace} and {@code scores}. */
    public static void score(Parameters parameters, Workspace workspace, Scores scores) {
        forward(parameters, workspace);
        Architecture architecture = parameters.architecture();
        scores.add(architecture.output(), workspace.activations(architecture.weightLayers()), workspace.targets(),
                loss(architecture, workspace));
    }

    /** Σ over the slice's rows of J, after {@link #forward}. */
    public static double loss(Architecture architecture, Workspace workspace) {
        return architecture.loss().value(architecture.output(), workspace.outputZ(),
                workspace.activations(architecture.weightLayers()), workspace.targets());
    }

    /** Z ← Z + 1 bᵀ: b added to every row. Modifies {@code z}. */
    private static void addToEveryRow(DMatrixRMaj row, DMatrixRMaj z) {
        int columns = z.numCols;
        double[] b = row.data;
        double[] values = z.data;
        for (int r = 0; r < z.numRows; r++) {
            int offset = r * columns;
            for (int c = 0; c < columns; c++) {
                values[offset + c] += b[c];
            }
        }
    }

    /** s ← s + 1ᵀ Δ: the column sums of {@code delta} added to the row {@code sums}. Modifies {@code sums}. */
    private static void addColumnSums(DMatrixRMaj delta, DMatrixRMaj sums) {
        int columns = delta.numCols;
        double[] d = delta.data;
        double[] s = sums.data;
        for (int r = 0; r < delta.numRows; r++) {
            int offset = r * columns;
            for (int c = 0; c < columns; c++) {
                s[c] += d[offset + c];
            }
        }
    }
}
