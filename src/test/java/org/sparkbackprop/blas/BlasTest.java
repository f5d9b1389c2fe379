package org.sparkbackprop.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.EjmlProducts;
import org.sparkbackprop.network.GradientCheck;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.MatrixProducts;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Workspace;

/**
 * The native kernel loads where the project is built and tested (.ci/run installs OpenBLAS), with
 * one thread, and its three products are EJML's to rounding, for the shapes a pass meets: one
 * row, no rows, a layer as wide as Fashion-MNIST's input.
 */
class BlasTest {
    private static final MatrixProducts NATIVE = Blas.products(Kernel.NATIVE);

    @Test
    void aFastNativeBlasWithOneThreadIsChosenByAutoWhereTheProjectIsTested() {
        Blas.Selection selection = Blas.select(Blas.Choice.AUTO);
        assertEquals(Kernel.NATIVE, selection.kernel(), "install OpenBLAS (apt-get install libopenblas0), as .ci/run does: "
                + selection.description());
        assertTrue(selection.description().contains("openblas"), selection.description());
        assertTrue(selection.description().contains("OPENBLAS_NUM_THREADS=1"), selection.description());
        assertTrue(Blas.oneThread());
        assertEquals(Kernel.EJML, Blas.select(Blas.Choice.EJML).kernel());
        assertSame(EjmlProducts.INSTANCE, Blas.products(Kernel.EJML));
        assertEquals(Kernel.NATIVE, Blas.select(Blas.Choice.NATIVE).kernel());
    }

    static Stream<Arguments> shapes() {
        // rows (examples), columns in, columns out
        return Stream.of(Arguments.of(1, 1, 1), Arguments.of(1, 7, 3), Arguments.of(0, 5, 4), Arguments.of(13, 9, 1),
                Arguments.of(37, 784, 30), Arguments.of(128, 100, 10));
    }

    @ParameterizedTest(name = "{0} rows, {1} -> {2}")
    @MethodSource("shapes")
    void nativeProductsAreEjmlsToRounding(int rows, int in, int out) {
        Random random = new Random(rows * 31L + in * 7L + out);
        DMatrixRMaj activations = random(rows, in, random);
        DMatrixRMaj weights = random(in, out, random);
        DMatrixRMaj deltas = random(rows, out, random);

        // Z = A W
        DMatrixRMaj expected = new DMatrixRMaj(rows, out);
        DMatrixRMaj actual = new DMatrixRMaj(rows, out);
        CommonOps_DDRM.mult(activations, weights, expected);
        NATIVE.mult(activations, weights, actual);
        assertClose(expected, actual);

        // G += Aᵀ Δ, onto a G that is not zero
        DMatrixRMaj start = random(in, out, random);
        expected = start.copy();
        actual = start.copy();
        CommonOps_DDRM.multAddTransA(activations, deltas, expected);
        NATIVE.multAddTransA(activations, deltas, actual);
        assertClose(expected, actual);

        // Δ' = Δ Wᵀ
        expected = new DMatrixRMaj(rows, in);
        actual = new DMatrixRMaj(rows, in);
        CommonOps_DDRM.multTransB(deltas, weights, expected);
        NATIVE.multTransB(deltas, weights, actual, new DMatrixRMaj(out, in));
        assertClose(expected, actual);
    }

    static Stream<Arguments> networks() {
        return Stream.of(Arguments.of(Output.SOFTMAX, Loss.CROSS_ENTROPY, new int[] {6, 5, 4, 3}),
                Arguments.of(Output.SIGMOID, Loss.CROSS_ENTROPY, new int[] {3, 8, 2, 4, 2}),
                Arguments.of(Output.SIGMOID, Loss.QUADRATIC, new int[] {5, 4, 3}));
    }

    /** Backpropagation on the native products matches the finite differences of the loss on them. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("networks")
    void nativeGradientsMatchFiniteDifferences(Output output, Loss loss, int[] sizes) {
        Architecture architecture = new Architecture(sizes, Activation.SIGMOID, output, loss);
        Parameters parameters = Initialization.NORMAL.initialize(architecture, 11);
        Workspace workspace = new Workspace(architecture, 8, NATIVE);
        GradientCheck.randomBatch(workspace, 5);
        List<GradientCheck.LayerError> errors = GradientCheck.check(parameters, workspace, GradientCheck::backpropagation);
        assertEquals(sizes.length - 1, errors.size());
        for (GradientCheck.LayerError error : errors) {
            assertTrue(error.weights() < 1e-6 && error.biases() < 1e-6 && error.holds(), error.toString());
        }
        Workspace onEjml = new Workspace(architecture, 8);
        GradientCheck.randomBatch(onEjml, 5);
        assertEquals(GradientCheck.loss(parameters, onEjml), GradientCheck.loss(parameters, workspace),
                1e-12 * Math.abs(GradientCheck.loss(parameters, onEjml)), "the same loss to rounding");
    }

    private static DMatrixRMaj random(int rows, int columns, Random random) {
        DMatrixRMaj matrix = new DMatrixRMaj(rows, columns);
        for (int i = 0; i < matrix.getNumElements(); i++) {
            matrix.data[i] = random.nextGaussian();
        }
        return matrix;
    }

    private static void assertClose(DMatrixRMaj expected, DMatrixRMaj actual) {
        assertEquals(expected.numRows, actual.numRows);
        assertEquals(expected.numCols, actual.numCols);
        for (int i = 0; i < expected.getNumElements(); i++) {
            double tolerance = 1e-12 * Math.max(1, Math.abs(expected.data[i]));
            assertEquals(expected.data[i], actual.data[i], tolerance, "element " + i);
        }
    }
}
