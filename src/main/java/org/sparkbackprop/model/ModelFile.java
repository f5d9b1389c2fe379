package org.sparkbackprop.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.files.AtomicFiles;
import org.sparkbackprop.files.DriverFiles;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;

/**
 * The model file: JSON that Nielsen's network2 {@code load()} reads as it is,
 * <pre>
 * {"sizes": [784, 30, 10],
 *  "weights": [W^l as n_l × n_{l−1} nested lists, per layer],
 *  "biases": [b^l as n_l × 1 nested lists, per layer],
 *  "cost": "CrossEntropyCost",
 *  "output": "softmax", "activation": "sigmoid", "format": "spark-backprop-model/1",
 *  "classes": ["sandal", "shirt", ...]}
 * </pre>
 * {@code "cost"} names the {@link Loss} by network2's class ({@code CrossEntropyCost} or
 * {@code QuadraticCost}). The last keys are ours; a file with network2's keys alone also
 * loads, its output then being whatever the caller chooses. {@code "classes"}, present when the
 * labels were names, gives class k's name. Doubles are written in the shortest form that reads back
 * to the same bits.
 */
public final class ModelFile {
    public static final String FORMAT = "spark-backprop-model/1";
    /** The model file inside the directory of a saved Spark ML model (BackpropClassificationModel). */
    public static final String IN_MODEL_DIRECTORY = "network2.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelFile() {
    }

    /**
     * A model as read from a file: its sizes, the output and loss if the file states them (else
     * null), and its numbers.
     */
    public record Stored(String source, int[] sizes, Output output, Loss loss, Activation activation,
                         double[][][] weights, double[][] biases, List<String> classNames) {

        /**
         * Checks that a network of {@code architecture} can start from this model: the same layer
         * sizes and hidden activation, and the same output and loss where the file states them.
         * A mismatch is bad input that starts with {@code prefix} and names the model as
         * {@code named} ("model.json", "initialModel model.json").
         */
        public void checkStartsFrom(Architecture architecture, String prefix, String named) {
            if (!Arrays.equals(sizes, architecture.sizes())) {
                throw new BadInputException(prefix + "layers " + Architecture.describe(architecture.sizes())
                        + " do not match " + named + ", whose sizes are " + Architecture.describe(sizes));
            }
            if (output != null && output != architecture.output()) {
                throw new BadInputException(prefix + "output " + architecture.output().id() + " does not match " + named
                        + ", whose output is " + output.id());
            }
            if (loss != null && loss != architecture.loss()) {
                throw new BadInputException(prefix + "loss " + architecture.loss().id() + " does not match " + named
                        + ", whose loss is " + loss.id());
            }
            if (activation != architecture.hiddenActivation()) {
                throw new BadInputException(prefix + "activation " + architecture.hiddenActivation().id()
                        + " does not match " + named + ", whose activation is " + activation.id());
            }
        }

        /** The parameters with {@code chosenOutput} and the file's loss (cross-entropy when it states none). */
        public Parameters parameters(Output chosenOutput) {
            return parameters(chosenOutput, loss == null ? Loss.CROSS_ENTROPY : loss);
        }

        /**
         * The parameters with {@code chosenOutput} and {@code chosenLoss}, which must agree with
         * the file's when it states them.
         */
        public Parameters parameters(Output chosenOutput, Loss chosenLoss) {
            if (output != null && output != chosenOutput) {
                throw new BadInputException(source + ": the model's output is " + output.id()
                        + " but output " + chosenOutput.id() + " was asked for");
            }
            if (loss != null && loss != chosenLoss) {
                throw new BadInputException(source + ": the model's loss is " + loss.id()
                        + " but loss " + chosenLoss.id() + " was asked for");
            }
            Architecture architecture;
            try {
                architecture = new Architecture(sizes, activation, chosenOutput, chosenLoss);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(source + ": " + e.getMessage(), e);
            }
            Parameters parameters = new Parameters(architecture);
            for (int l = 1; l < sizes.length; l++) {
                for (int neuron = 0; neuron < sizes[l]; neuron++) {
                    for (int input = 0; input < sizes[l - 1]; input++) {
                        parameters.setWeight(l, neuron, input, weights[l - 1][neuron][input]);
                    }
                    parameters.setBias(l, neuron, biases[l - 1][neuron]);
                }
            }
            return parameters;
        }

        /**
         * The parameters with the file's own output and loss; when it states no output, softmax
         * (sigmoid for the quadratic loss, the only output it goes with).
         */
        public Parameters parameters() {
            return parameters(output != null ? output : loss == Loss.QUADRATIC ? Output.SIGMOID : Output.SOFTMAX);
        }
    }

    /** Writes {@code parameters} atomically to {@code location}: a local path or any Hadoop file system's URI. */
    public static void write(Parameters parameters, String location) throws IOException {
        write(parameters, null, location);
    }

    /** As above, with class k's name {@code classNames[k]} (null when the labels were indices). */
    public static void write(Parameters parameters, List<String> classNames, String location) throws IOException {
        AtomicFiles.write(location, out -> {
            try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
                writeJson(parameters, classNames, json);
                json.writeRaw('\n');
            }
        });
    }

    /** Writes {@code parameters} as one JSON object (the model file's content) to {@code json}. */
    public static void writeJson(Parameters parameters, JsonGenerator json) throws IOException {
        writeJson(parameters, null, json);
    }

    /** As above, with the class names (null: none). */
    public static void writeJson(Parameters parameters, List<String> classNames, JsonGenerator json)
            throws IOException {
        Architecture architecture = parameters.architecture();
        int layers = architecture.weightLayers();
        json.writeStartObject();
        json.writeArrayFieldStart("sizes");
        for (int size : architecture.sizes()) {
            json.writeNumber(size);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("weights");
        for (int l = 1; l <= layers; l++) {
            json.writeStartArray();
            for (int neuron = 0; neuron < architecture.size(l); neuron++) {
                json.writeStartArray();
                for (int input = 0; input < architecture.size(l - 1); input++) {
                    json.writeNumber(parameters.weight(l, neuron, input));
                }
                json.writeEndArray();
            }
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("biases");
        for (int l = 1; l <= layers; l++) {
            json.writeStartArray();
            for (int neuron = 0; neuron < architecture.size(l); neuron++) {
                json.writeStartArray();
                json.writeNumber(parameters.bias(l, neuron));
                json.writeEndArray();
            }
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeStringField("cost", architecture.loss().network2Cost());
        json.writeStringField("output", architecture.output().id());
        json.writeStringField("activation", architecture.hiddenActivation().id());
        json.writeStringField("format", FORMAT);
        if (classNames != null) {
            json.writeArrayFieldStart("classes");
            for (String name : classNames) {
                json.writeString(name);
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    /**
     * Reads and checks a model file at {@code location} (a local path or any Hadoop file
     * system's URI): every problem is reported naming the file and what was expected. A
     * directory is read as a saved Spark ML model: its {@value #IN_MODEL_DIRECTORY}.
     */
    public static Stored read(String location) {
        if (DriverFiles.isDirectory(location)) {
            String inside = location.replaceAll("/+$", "") + "/" + IN_MODEL_DIRECTORY;
            if (!DriverFiles.exists(inside)) {
                throw new BadInputException(location + ": a directory without a model, expected a model file or a"
                        + " saved Spark ML model's directory (which holds " + IN_MODEL_DIRECTORY + ")");
            }
            return read(inside);
        }
        JsonNode root;
        try (InputStream in = DriverFiles.open(location, "model file")) {
            root = MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw new BadInputException(location + ": not a valid JSON model file (" + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new BadInputException(location + ": cannot read model file (" + e.getMessage() + ")");
        }
        return parse(location, root);
    }

    /**
     * Checks and reads a model from its JSON object, naming {@code source} (a file, or where in a
     * file the object is) in every problem reported.
     */
    public static Stored parse(String source, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new BadInputException(source + ": expected a JSON object with sizes, weights and biases");
        }
        int[] sizes = readSizes(source, root);
        Output output = null;
        if (root.has("output")) {
            output = parseEnum(source, "output", root.get("output"), Output::fromId);
        }
        Loss loss = null;
        if (root.has("cost")) {
            loss = Loss.fromNetwork2Cost(root.get("cost").asText());
            if (loss == null) {
                throw new BadInputException(source + ": cost " + root.get("cost") + " is not supported, expected"
                        + " \"" + Loss.CROSS_ENTROPY.network2Cost() + "\" or \"" + Loss.QUADRATIC.network2Cost() + "\"");
            }
        }
        Activation activation = Activation.SIGMOID;
        if (root.has("activation")) {
            activation = parseEnum(source, "activation", root.get("activation"), Activation::fromId);
        }
        if (root.has("format") && !FORMAT.equals(root.get("format").asText())) {
            throw new BadInputException(source + ": model format " + root.get("format")
                    + " is not supported, expected \"" + FORMAT + "\"");
        }
        JsonNode weightsNode = requireArray(source, root, "weights", sizes.length - 1);
        JsonNode biasesNode = requireArray(source, root, "biases", sizes.length - 1);
        double[][][] weights = new double[sizes.length - 1][][];
        double[][] biases = new double[sizes.length - 1][];
        for (int l = 1; l < sizes.length; l++) {
            weights[l - 1] = readMatrix(source, "weights[" + (l - 1) + "]", weightsNode.get(l - 1), sizes[l], sizes[l - 1]);
            double[][] column = readMatrix(source, "biases[" + (l - 1) + "]", biasesNode.get(l - 1), sizes[l], 1);
            biases[l - 1] = new double[sizes[l]];
            for (int neuron = 0; neuron < sizes[l]; neuron++) {
                biases[l - 1][neuron] = column[neuron][0];
            }
        }
        return new Stored(source, sizes, output, loss, activation, weights, biases, readClasses(source, root, sizes));
    }

    /** The class names, when the file has them: distinct strings, one per output. */
    private static List<String> readClasses(String source, JsonNode root, int[] sizes) {
        JsonNode node = root.get("classes");
        if (node == null) {
            return null;
        }
        int classes = sizes[sizes.length - 1];
        if (!node.isArray() || node.size() != classes) {
            throw new BadInputException(source + ": \"classes\" must be an array of " + classes
                    + " names to match \"sizes\"");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode name : node) {
            if (!name.isTextual() || names.contains(name.asText())) {
                throw new BadInputException(source + ": \"classes\" holds " + name + ", expected distinct names");
            }
            names.add(name.asText());
        }
        return List.copyOf(names);
    }

    private static int[] readSizes(String path, JsonNode root) {
        JsonNode node = root.get("sizes");
        if (node == null || !node.isArray() || node.size() < 2) {
            throw new BadInputException(path + ": \"sizes\" must be an array of at least two layer sizes");
        }
        int[] sizes = new int[node.size()];
        for (int i = 0; i < sizes.length; i++) {
            JsonNode size = node.get(i);
            if (!size.isIntegralNumber() || size.asLong() <= 0 || size.asLong() > Integer.MAX_VALUE) {
                throw new BadInputException(path + ": \"sizes\"[" + i + "] is " + size + ", expected a positive integer");
            }
            sizes[i] = size.asInt();
        }
        return sizes;
    }

    private static JsonNode requireArray(String path, JsonNode root, String key, int length) {
        JsonNode node = root.get(key);
        if (node == null || !node.isArray() || node.size() != length) {
            throw new BadInputException(path + ": \"" + key + "\" must be an array of " + length
                    + " layers to match \"sizes\"");
        }
        return node;
    }

    private static double[][] readMatrix(String path, String name, JsonNode node, int rows, int columns) {
        if (node == null || !node.isArray() || node.size() != rows) {
            throw new BadInputException(path + ": " + name + " must have " + rows + " rows to match \"sizes\"");
        }
        double[][] matrix = new double[rows][columns];
        for (int r = 0; r < rows; r++) {
            JsonNode row = node.get(r);
            if (!row.isArray() || row.size() != columns) {
                throw new BadInputException(path + ": " + name + "[" + r + "] must be a list of " + columns
                        + " numbers to match \"sizes\"");
            }
            for (int c = 0; c < columns; c++) {
                JsonNode value = row.get(c);
                if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                    throw new BadInputException(path + ": " + name + "[" + r + "][" + c + "] is " + value
                            + ", expected a finite number");
                }
                matrix[r][c] = value.asDouble();
            }
        }
        return matrix;
    }

    private static <T> T parseEnum(String path, String key, JsonNode node, java.util.function.Function<String, T> parse) {
        try {
            return parse.apply(node.asText());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(path + ": " + e.getMessage());
        }
    }
}
