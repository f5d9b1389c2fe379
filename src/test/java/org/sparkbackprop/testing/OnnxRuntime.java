package org.sparkbackprop.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/** Runs an exported ONNX model in onnxruntime, as a service that serves it would. */
public final class OnnxRuntime {
    private OnnxRuntime() {
    }

    /** What the model gave for a batch: probability per row, and label per row where the model has that output. */
    public record Outputs(float[][] probability, long[] label) {
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
