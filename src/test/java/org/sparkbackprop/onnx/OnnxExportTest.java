package org.sparkbackprop.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparkbackprop.common.Version;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ExamplePartition;
import org.sparkbackprop.data.Idx;
import org.sparkbackprop.data.LibSvmParser;
import org.sparkbackprop.data.ParsedExample;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Backpropagation;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.network.Workspace;
import org.sparkbackprop.testing.Cli;
import org.sparkbackprop.testing.OnnxRuntime;
import org.sparkbackprop.training.InProcessSource;
import org.sparkbackprop.training.MiniBatchTrainer;
import org.sparkbackprop.training.TrainingSettings;

/**
 * Issue 25: a trained model exported by {@code export} and run by onnxruntime gives the
 * probabilities of the project's own forward pass within 1e-5, and the same predicted classes
 * on at least 99.9% of rows: on the Fashion-MNIST test set (softmax) and on a multi-label
 * LIBSVM set (sigmoid), for sigmoid, tanh and relu hidden layers.
 */
class OnnxExportTest {
    private static final Path FASHION_MNIST = Path.of("data/fashion-mnist");
    private static final double TOLERANCE = 1e-5;
    private static final double AGREEMENT = 0.999;
    private static final int LABELS = 5;

    @TempDir
    static Path directory;
    static ExampleBlock fashionTrain;
    static ExampleBlock fashionTest;
    static ExampleBlock multiLabelTrain;
    static ExampleBlock multiLabelTest;

    @BeforeAll
    static void readData() throws IOException {
        if (!Files.isDirectory(FASHION_MNIST)) {
            fail(FASHION_MNIST + " is missing: run submit/get-fashion-mnist.sh first");
        }
        fashionTrain = readIdx("train", 12_000);
        fashionTest = readIdx("t10k", 10_000);
        multiLabelTrain = readLibSvm(writeMultiLabelLibSvm("multi-label-train.svm", 1, 6_000));
        multiLabelTest = readLibSvm(writeMultiLabelLibSvm("multi-label-test.svm", 2, 4_000));
    }

    @ParameterizedTest(name = "{0} hidden layers")
    @EnumSource(Activation.class)
    void fashionMnistSoftmaxModelsRunInOnnxRuntimeAsTheyRunHere(Activation activation) throws Exception {
        Architecture architecture = new Architecture(new int[] {784, 30, 10}, activation, Output.SOFTMAX);
        Parameters model = train(architecture, fashionTrain, activation == Activation.RELU ? 0.1 : 0.5);
        Path onnx = export(model, "fashion-" + activation.id());

        double[][] expected = forward(model, fashionTest);
        OnnxRuntime.Outputs ran = run(onnx, fashionTest);
        assertWithinTolerance(expected, ran.probability());
        int agreeing = 0;
        int correct = 0;
        for (int row = 0; row < expected.length; row++) {
            int predicted = Scores.argmax(expected[row], 0, expected[row].length);
            agreeing += ran.label()[row] == predicted ? 1 : 0;
            correct += predicted == labelOf(fashionTest, row) ? 1 : 0;
        }
        assertTrue(agreeing >= AGREEMENT * expected.length, agreeing + " of " + expected.length + " labels agree");
        assertTrue(correct > 0.7 * expected.length, "a trained model: accuracy " + correct / 1e4);
    }

    @ParameterizedTest(name = "{0} hidden layers")
    @EnumSource(Activation.class)
    void multiLabelSigmoidModelsRunInOnnxRuntimeAsTheyRunHere(Activation activation) throws Exception {
        Architecture architecture = new Architecture(new int[] {2 * LABELS, 16, LABELS}, activation, Output.SIGMOID);
        Parameters model = train(architecture, multiLabelTrain, 0.5);
        Path onnx = export(model, "multi-label-" + activation.id());

        double[][] expected = forward(model, multiLabelTest);
        OnnxRuntime.Outputs ran = run(onnx, multiLabelTest);
        assertWithinTolerance(expected, ran.probability());
        assertEquals(null, ran.label(), "no single label for a multi-label model");
        int agreeing = 0;
        long rightLabels = 0;
        for (int row = 0; row < expected.length; row++) {
            boolean same = true;
            for (int k = 0; k < LABELS; k++) {
                boolean predicted = expected[row][k] >= 0.5;
                same &= predicted == (ran.probability()[row][k] >= 0.5f);
                rightLabels += predicted == isLabelled(multiLabelTest, row, k) ? 1 : 0;
            }
            agreeing += same ? 1 : 0;
        }
        assertTrue(agreeing >= AGREEMENT * expected.length, agreeing + " of " + expected.length + " rows agree");
        assertTrue(rightLabels > 0.8 * LABELS * expected.length, "a trained model: " + rightLabels + " labels right");
    }

    @Test
    void theGraphNamesItsInputsOutputsAndTheModel() throws Exception {
        Architecture architecture = new Architecture(new int[] {784, 30, 20, 10}, Activation.TANH, Output.SOFTMAX);
        Path onnx = export(Initialization.SCALED.initialize(architecture, 4), "named");
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
            assertEquals(List.of("features"), List.copyOf(session.getInputNames()));
            assertEquals(List.of("probability", "label"), List.copyOf(session.getOutputNames()));
            assertShape(session.getInputInfo().get("features"), OnnxJavaType.FLOAT, -1, 784);
            assertShape(session.getOutputInfo().get("probability"), OnnxJavaType.FLOAT, -1, 10);
            assertShape(session.getOutputInfo().get("label"), OnnxJavaType.INT64, -1);
            var metadata = session.getMetadata();
            assertEquals("spark-backprop", metadata.getProducerName());
            assertEquals(1, metadata.getVersion());
            assertEquals(Version.NUMBER, producerVersion(onnx));
            assertEquals(Map.of("layers", "784,30,20,10", "activation", "tanh", "output", "softmax",
                    "loss", "cross-entropy"), metadata.getCustomMetadata());
        }
    }

    @Test
    void everyOpsetFromTheOldestGivesTheSameProbabilities() throws Exception {
        Architecture architecture = new Architecture(new int[] {784, 30, 10}, Activation.RELU, Output.SOFTMAX);
        Parameters model = Initialization.SCALED.initialize(architecture, 9);
        float[][] newest = run(export(model, "opset-newest"), fashionTest).probability();
        ModelFile.write(model, directory.resolve("opset.json").toString());
        for (int opset = OnnxModel.OLDEST_OPSET; opset < OnnxModel.DEFAULT_OPSET; opset++) {
            Path onnx = directory.resolve("opset-" + opset + ".onnx");
            Cli.Result result = Cli.run("export", "--model", directory.resolve("opset.json").toString(),
                    "--out", onnx.toString(), "--opset", Integer.toString(opset));
            assertEquals(0, result.exitCode(), result.err());
            assertTrue(Arrays.deepEquals(newest, run(onnx, fashionTest).probability()), "opset " + opset);
        }
    }

    private static void assertWithinTolerance(double[][] expected, float[][] actual) {
        double max = 0.0;
        for (int row = 0; row < expected.length; row++) {
            for (int k = 0; k < expected[row].length; k++) {
                max = Math.max(max, Math.abs(expected[row][k] - actual[row][k]));
            }
        }
        assertTrue(max <= TOLERANCE, "probabilities within " + TOLERANCE + " of the model's own: " + max);
        assertTrue(max > 0.0, "float32, not the model's doubles");
    }

    private static void assertShape(NodeInfo node, OnnxJavaType type, long... shape) {
        TensorInfo tensor = (TensorInfo) node.getInfo();
        assertEquals(type, tensor.type);
        assertArrayEquals(shape, tensor.getShape());
    }

    private static String producerVersion(Path onnx) throws IOException {
        return ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnx)).getProducerVersion();
    }

    /** Writes {@code model} as a model file and exports it with the command; the ONNX file. */
    private static Path export(Parameters model, String name) throws IOException {
        Path json = directory.resolve(name + ".json");
        Path onnx = directory.resolve(name + ".onnx");
        ModelFile.write(model, json.toString());
        Cli.Result result = Cli.run("export", "--model", json.toString(), "--out", onnx.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("features"), result.out());
        return onnx;
    }

    private static Parameters train(Architecture architecture, ExampleBlock examples, double learningRate) {
        TrainingSettings settings = TrainingSettings.of(architecture).epochs(2).batchSize(32).learningRate(learningRate)
                .seed(5).build();
        InProcessSource source = new InProcessSource(new ExamplePartition(List.of(examples)), architecture,
                settings.batchSize());
        return new MiniBatchTrainer(settings).train(Initialization.SCALED.initialize(architecture, 5), source, null,
                (metrics, parameters) -> { });
    }

    /** The project's forward pass over {@code examples}: a^H per row. */
    private static double[][] forward(Parameters model, ExampleBlock examples) {
        Architecture architecture = model.architecture();
        Workspace workspace = new Workspace(architecture, examples.rows());
        workspace.resize(examples.rows());
        double[] targets = new double[examples.targetCount()];
        for (int row = 0; row < examples.rows(); row++) {
            examples.copyRow(row, workspace.inputs().data, row * examples.featureCount(), targets, 0);
        }
        Backpropagation.forward(model, workspace);
        double[] a = workspace.activations(architecture.weightLayers()).data;
        double[][] probability = new double[examples.rows()][architecture.outputSize()];
        for (int row = 0; row < probability.length; row++) {
            System.arraycopy(a, row * architecture.outputSize(), probability[row], 0, architecture.outputSize());
        }
        return probability;
    }

    /** What onnxruntime gives for a block of examples. */
    private static OnnxRuntime.Outputs run(Path onnx, ExampleBlock examples) throws OrtException {
        int rows = examples.rows();
        int width = examples.featureCount();
        double[] inputs = new double[rows * width];
        double[] targets = new double[examples.targetCount()];
        for (int row = 0; row < rows; row++) {
            examples.copyRow(row, inputs, row * width, targets, 0);
        }
        float[] features = new float[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            features[i] = (float) inputs[i];
        }
        return OnnxRuntime.run(onnx, features, rows, width);
    }

    private static int labelOf(ExampleBlock examples, int row) {
        double[] targets = targets(examples, row);
        return Scores.argmax(targets, 0, targets.length);
    }

    private static boolean isLabelled(ExampleBlock examples, int row, int label) {
        return targets(examples, row)[label] == 1.0;
    }

    private static double[] targets(ExampleBlock examples, int row) {
        double[] inputs = new double[examples.featureCount()];
        double[] targets = new double[examples.targetCount()];
        examples.copyRow(row, inputs, 0, targets, 0);
        return targets;
    }

    private static ExampleBlock readIdx(String set, int rows) throws IOException {
        Path images = FASHION_MNIST.resolve(set + "-images-idx3-ubyte.gz");
        Path labels = FASHION_MNIST.resolve(set + "-labels-idx1-ubyte.gz");
        try (DataInputStream imageStream = Idx.open(Files.newInputStream(images));
             DataInputStream labelStream = Idx.open(Files.newInputStream(labels))) {
            Idx.readHeader(imageStream, images.toString(), 3);
            Idx.readHeader(labelStream, labels.toString(), 1);
            return Idx.readBlock(imageStream, images.toString(), labelStream, labels.toString(), 0, rows, 784, 10);
        }
    }

    /**
     * A multi-label LIBSVM file of {@code rows} rows: 2·L features uniform in [0, 1), label k
     * present when x_k + x_{k+L} > 1 (learnable, about half the labels on).
     */
    private static Path writeMultiLabelLibSvm(String name, long seed, int rows) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            float[] x = new float[2 * LABELS];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble();
            }
            List<String> labels = new ArrayList<>();
            for (int k = 0; k < LABELS; k++) {
                if (x[k] + x[k + LABELS] > 1f) {
                    labels.add(Integer.toString(k));
                }
            }
            StringBuilder line = new StringBuilder(String.join(",", labels));
            for (int i = 0; i < x.length; i++) {
                line.append(' ').append(i + 1).append(':').append(x[i]);
            }
            lines.add(line.toString());
        }
        Path file = directory.resolve(name);
        Files.write(file, lines);
        return file;
    }

    private static ExampleBlock readLibSvm(Path file) throws IOException {
        LibSvmParser parser = new LibSvmParser(2 * LABELS, 1.0);
        List<String> lines = Files.readAllLines(file);
        ParsedExample[] examples = new ParsedExample[lines.size()];
        long[] indices = new long[lines.size()];
        for (int row = 0; row < lines.size(); row++) {
            examples[row] = parser.parse(lines.get(row), file + " line " + (row + 1), LABELS);
            indices[row] = row;
        }
        return ParsedExample.toBlock(indices, examples, 2 * LABELS, LABELS);
    }
}
