package org.sparkbackprop.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Backpropagation;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Workspace;

/** Runs an exported ONNX model in onnxruntime, as a service that serves it would. */
public final class OnnxRuntime {
    private OnnxRuntime() {
    }

    /** What the model gave for a batch: probability per row, and label per row where the model has that output. */
    public record Outputs(float[][] probability, long[] label) {
    }

    /**
     * Checks that {@code onnx} gives {@code model}'s probabilities (the project's forward pass)
     * within 1e-5 on 64 seeded rows of features uniform in [0, 1).
     */
    public static void assertServes(Path onnx, Parameters model) throws OrtException {
        Architecture architecture = model.architecture();
        int rows = 64;
        int width = architecture.inputSize();
        int classes = architecture.outputSize();
        Workspace workspace = new Workspace(architecture, rows);
        workspace.resize(rows);
        float[] features = new float[rows * width];
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) random.nextDouble();
            workspace.inputs().data[i] = features[i];
        }
        Backpropagation.forward(model, workspace);
        double[] expected = workspace.activations(architecture.weightLayers()).data;
        float[][] probability = run(onnx, features, rows, width).probability();
        for (int row = 0; row < rows; row++) {
            for (int k = 0; k < classes; k++) {
                assertEquals(expected[row * classes + k], probability[row][k], 1e-5, "row " + row + ", class " + k);
            }
        }
    }

    /** Runs {@code onnx} on {@code rows} rows of {@code width} features, row-major in {@code features}. */
    public static Outputs run(Path onnx, float[] features, int rows, int width) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(features),
                     new long[] {rows, width});
             OrtSession.Result result = session.run(Map.of("features", tensor))) {
            float[][] probability = (float[][]) result.get("probability").orElseThrow().getValue();
            long[] label = result.get("label").isPresent() ? (long[]) result.get("label").get().getValue() : null;
            return new Outputs(probability, label);
        }
    }
}
