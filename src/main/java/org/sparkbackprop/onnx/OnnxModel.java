package org.sparkbackprop.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ejml.data.DMatrixRMaj;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.common.Version;
import org.sparkbackprop.files.AtomicFiles;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;

/**
 * A trained network as an ONNX model, for the runtimes that serve models outside Spark
 * (onnxruntime in Java, Python, C#, on phones and in browsers). The graph is the forward pass
 * that {@code predict} computes, in float32:
 * <pre>
 * a^0 = features                                   float32 [N, n_0]
 * z^l = Gemm(a^{l−1}, (W^l)ᵀ, b^l) = a^{l−1} (W^l)ᵀ + b^l     l = 1..H
 * a^l = σ(z^l), tanh(z^l) or relu(z^l)             hidden layers l &lt; H
 * probability = softmax(z^H) or sigmoid(z^H)       float32 [N, n_H]
 * label = argmax_k z^H_k                            int64 [N]  (softmax models only)
 * </pre>
 * The features are the numbers the model was trained on, scaled as they were when read (IDX
 * pixels divided by 255, {@code --feature-scale} applied): the graph does not scale them. The
 * weights are rounded to float32, so the probabilities equal the model's own within float32
 * rounding. The model's metadata names its architecture, hidden activation, output and loss.
 */
public final class OnnxModel {
    public static final String FEATURES = "features";
    public static final String PROBABILITY = "probability";
    public static final String LABEL = "label";
    /** The opset written unless another is asked for: the newest that onnxruntime 1.20 runs. */
    public static final int DEFAULT_OPSET = 21;
    /** The oldest opset whose Softmax normalizes one axis alone, as this graph needs. */
    public static final int OLDEST_OPSET = 13;
    /** The IR version that the ONNX release which introduced each opset writes, from opset 13 on. */
    private static final long[] IR_VERSION_OF_OPSET = {7, 7, 8, 8, 8, 8, 9, 9, 10};
    /** A protobuf message is at most 2 GiB; the weights and their framing must fit in one. */
    private static final long LARGEST_WEIGHT_BYTES = Integer.MAX_VALUE - (64L << 20);
    private static final String BATCH = "N";

    private OnnxModel() {
    }

    /** Checks that {@code opset} is one this graph can be written in. */
    public static void checkOpset(int opset) {
        if (opset < OLDEST_OPSET || opset > DEFAULT_OPSET) {
            throw new BadInputException("opset must be between " + OLDEST_OPSET + " and " + DEFAULT_OPSET
                    + ", got " + opset);
        }
    }

    /**
     * Writes the ONNX model of {@code network} atomically to {@code location} (a local path or any
     * Hadoop URI); {@code classNames}, class k's name where the labels were names, else null.
     */
    public static void write(Parameters network, List<String> classNames, int opset, String location)
            throws IOException {
        ModelProto model = of(network, classNames, opset);
        AtomicFiles.write(location, model::writeTo);
    }

    /** The ONNX model of {@code network} in {@code opset}, its metadata naming the classes where they have names. */
    public static ModelProto of(Parameters network, List<String> classNames, int opset) {
        checkOpset(opset);
        Architecture architecture = network.architecture();
        long weightBytes = architecture.parameterCount() * Float.BYTES;
        if (weightBytes > LARGEST_WEIGHT_BYTES) {
            throw new BadInputException("the model's " + architecture.parameterCount() + " parameters take "
                    + weightBytes + " bytes as float32, more than the 2 GiB that one ONNX file holds");
        }
        int layers = architecture.weightLayers();
        Output output = architecture.output();
        GraphProto.Builder graph = GraphProto.newBuilder()
                .setName("spark_backprop_network")
                .setDocString(describe(architecture))
                .addInput(tensor(FEATURES, TensorProto.DataType.FLOAT, architecture.inputSize(),
                        "the features, scaled as they were for training (IDX pixels / 255, --feature-scale)"));
        String activations = FEATURES;
        for (int l = 1; l <= layers; l++) {
            String weights = "layer" + l + ".weights_transposed";
            String biases = "layer" + l + ".biases";
            String z = "layer" + l + ".z";
            graph.addInitializer(floats(weights, "(W^" + l + ")ᵀ", network.weights(l),
                    architecture.size(l - 1), architecture.size(l)));
            graph.addInitializer(floats(biases, "b^" + l, network.biases(l), architecture.size(l)));
            // z^l = a^{l−1} (W^l)ᵀ + b^l
            graph.addNode(node("Gemm", "layer" + l + ".gemm", z, activations, weights, biases));
            if (l < layers) {
                activations = "layer" + l + ".a";
                graph.addNode(node(hiddenOperator(architecture.hiddenActivation()), "layer" + l + ".activation",
                        activations, z));
            } else if (output == Output.SOFTMAX) {
                graph.addNode(node("Softmax", "output.softmax", PROBABILITY, z).addAttribute(integer("axis", 1)));
                // the most probable class: argmax over z^H, which softmax does not reorder
                graph.addNode(node("ArgMax", "output.argmax", LABEL, z)
                        .addAttribute(integer("axis", 1)).addAttribute(integer("keepdims", 0)));
            } else {
                graph.addNode(node("Sigmoid", "output.sigmoid", PROBABILITY, z));
            }
        }
        graph.addOutput(tensor(PROBABILITY, TensorProto.DataType.FLOAT, architecture.outputSize(),
                output == Output.SOFTMAX ? "softmax(z^H): the probability of each class"
                        : "sigmoid(z^H): the probability of each label, independently"));
        if (output == Output.SOFTMAX) {
            graph.addOutput(ValueInfoProto.newBuilder().setName(LABEL)
                    .setDocString("the index of the most probable class")
                    .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                            .setElemType(TensorProto.DataType.INT64_VALUE)
                            .setShape(TensorShapeProto.newBuilder().addDim(batch())))));
        }
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION_OF_OPSET[opset - OLDEST_OPSET])
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setProducerName("spark-backprop")
                .setProducerVersion(Version.NUMBER)
                .setDomain("org.sparkbackprop")
                .setModelVersion(1)
                .setDocString(describe(architecture))
                .setGraph(graph);
        Map<String, String> metadata = new TreeMap<>(Map.of(
                "layers", Architecture.describe(architecture.sizes()),
                "activation", architecture.hiddenActivation().id(),
                "output", output.id(),
                "loss", architecture.loss().id()));
        if (classNames != null) {
            // a JSON array of strings: names may hold commas
            metadata.put("classes", jsonArray(classNames));
        }
        metadata.forEach((key, value) -> model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build();
    }

    /** {@code names} as a JSON array, {@code ["a", "b"]}, each name quoted and escaped by Jackson. */
    private static String jsonArray(List<String> names) {
        ObjectMapper json = new ObjectMapper();
        List<String> quoted = new ArrayList<>();
        try {
            for (String name : names) {
                quoted.add(json.writeValueAsString(name));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string always writes as JSON", e);
        }
        return "[" + String.join(", ", quoted) + "]";
    }

    private static String describe(Architecture architecture) {
        return "A network " + Architecture.describe(architecture.sizes()) + " with "
                + architecture.hiddenActivation().id() + " hidden layers and a " + architecture.output().id()
                + " output, trained with " + architecture.loss().id() + " loss by spark-backprop " + Version.NUMBER;
    }

    private static String hiddenOperator(Activation activation) {
        return switch (activation) {
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
            case RELU -> "Relu";
        };
    }

    private static NodeProto.Builder node(String operator, String name, String output, String... inputs) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(operator).setName(name).addOutput(output);
        for (String input : inputs) {
            node.addInput(input);
        }
        return node;
    }

    private static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static TensorShapeProto.Dimension batch() {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH).build();
    }

    /** A graph input or output of shape [N, width]. */
    private static ValueInfoProto tensor(String name, TensorProto.DataType type, int width, String doc) {
        TensorShapeProto shape = TensorShapeProto.newBuilder().addDim(batch())
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
        return ValueInfoProto.newBuilder().setName(name).setDocString(doc)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber()).setShape(shape))).build();
    }

    /** {@code matrix} rounded to float32, as a row-major tensor of {@code dimensions}. */
    private static TensorProto floats(String name, String doc, DMatrixRMaj matrix, int... dimensions) {
        int count = matrix.getNumElements();
        ByteBuffer raw = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            raw.putFloat((float) matrix.data[i]);
        }
        raw.flip();
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDocString(doc)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(raw));
        for (int dimension : dimensions) {
            tensor.addDims(dimension);
        }
        return tensor.build();
    }
}
