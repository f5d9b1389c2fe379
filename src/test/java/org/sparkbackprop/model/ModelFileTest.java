package org.sparkbackprop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;

class ModelFileTest {
    @TempDir
    Path directory;

    @Test
    void roundTripKeepsEveryBit() throws Exception {
        Architecture architecture = new Architecture(new int[] {7, 5, 4, 3}, Activation.SIGMOID, Output.SIGMOID);
        Parameters parameters = Initialization.NORMAL.initialize(architecture, 99);
        parameters.setWeight(1, 0, 0, Math.nextUp(1.0) / 3);
        parameters.setBias(3, 2, -Double.MIN_NORMAL);
        Path file = directory.resolve("model.json");
        ModelFile.write(parameters, file.toString());

        ModelFile.Stored stored = ModelFile.read(file.toString());
        assertEquals(Output.SIGMOID, stored.output());
        assertTrue(stored.parameters().bitwiseEquals(parameters));
        try (var listing = Files.list(directory)) {
            assertEquals(List.of(file), listing.toList(), "no temporary file left behind");
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "a plain file's permissions, not a temporary file's");
    }

    @Test
    void layoutIsNetwork2s() throws Exception {
        Architecture architecture = new Architecture(new int[] {3, 2}, Activation.SIGMOID, Output.SOFTMAX);
        Parameters parameters = new Parameters(architecture);
        parameters.setWeight(1, 1, 2, 0.5);
        parameters.setBias(1, 1, -2.0);
        Path file = directory.resolve("model.json");
        ModelFile.write(parameters, file.toString());
        String json = Files.readString(file);
        assertTrue(json.startsWith("{\"sizes\":[3,2],\"weights\":[[[0.0,0.0,0.0],[0.0,0.0,0.5]]],"
                + "\"biases\":[[[0.0],[-2.0]]],\"cost\":\"CrossEntropyCost\""), json);
    }

    @Test
    void theQuadraticLossIsNetwork2sQuadraticCost() throws Exception {
        Architecture architecture = new Architecture(new int[] {3, 2}, Activation.SIGMOID, Output.SIGMOID,
                Loss.QUADRATIC);
        Parameters parameters = Initialization.NORMAL.initialize(architecture, 5);
        Path file = directory.resolve("quadratic.json");
        ModelFile.write(parameters, file.toString());
        assertTrue(Files.readString(file).contains("\"cost\":\"QuadraticCost\""));
        ModelFile.Stored stored = ModelFile.read(file.toString());
        assertEquals(Loss.QUADRATIC, stored.loss());
        assertTrue(stored.parameters().bitwiseEquals(parameters));
        assertEquals(architecture, stored.parameters().architecture());

        Path network2 = directory.resolve("network2-quadratic.json");
        Files.writeString(network2, "{\"sizes\": [1, 2], \"weights\": [[[0.25], [-1.5]]], \"biases\": [[[3.0], [1.0]]],"
                + " \"cost\": \"QuadraticCost\"}");
        assertEquals(architecture.loss(), ModelFile.read(network2.toString()).parameters().architecture().loss());
        assertEquals(Output.SIGMOID, ModelFile.read(network2.toString()).parameters().architecture().output());
        BadInputException wrongOutput = assertThrows(BadInputException.class,
                () -> ModelFile.read(network2.toString()).parameters(Output.SOFTMAX));
        assertTrue(wrongOutput.getMessage().contains("loss quadratic needs output sigmoid"), wrongOutput.getMessage());

        Path unknownCost = directory.resolve("unknown-cost.json");
        Files.writeString(unknownCost, "{\"sizes\": [2, 1], \"weights\": [[[0.25, -1.5]]], \"biases\": [[[3.0]]],"
                + " \"cost\": \"LogLikelihoodCost\"}");
        BadInputException unknown = assertThrows(BadInputException.class, () -> ModelFile.read(unknownCost.toString()));
        assertEquals(unknownCost + ": cost \"LogLikelihoodCost\" is not supported, expected \"CrossEntropyCost\""
                + " or \"QuadraticCost\"", unknown.getMessage());
    }

    @Test
    void readsAFileWithNetwork2KeysAlone() throws Exception {
        Path file = directory.resolve("network2.json");
        Files.writeString(file, "{\"sizes\": [2, 1], \"weights\": [[[0.25, -1.5]]], \"biases\": [[[3.0]]],"
                + " \"cost\": \"CrossEntropyCost\"}");
        ModelFile.Stored stored = ModelFile.read(file.toString());
        assertNull(stored.output());
        Parameters parameters = stored.parameters(Output.SIGMOID);
        assertEquals(-1.5, parameters.weight(1, 0, 1));
        assertEquals(3.0, parameters.bias(1, 0));
    }

    @Test
    void badFilesAreNamedWithTheProblem() throws Exception {
        assertProblem("{\"sizes\": [2, 1], \"weights\": [[[0.25]]], \"biases\": [[[3.0]]]}", "weights[0][0] must be a list of 2");
        assertProblem("{\"sizes\": [2, 1], \"weights\": [[[0.25, 1]]], \"biases\": [[[3.0], [1]]]}", "biases[0] must have 1 rows");
        assertProblem("{\"sizes\": [2, 1], \"weights\": [[[0.25, \"x\"]]], \"biases\": [[[3.0]]]}", "expected a finite number");
        assertProblem("{\"sizes\": [2, 1], \"weights\": [[[0.25, 1]]], \"biases\": [[[3.0]]], \"output\": \"tanh\"}", "unknown output 'tanh'");
        assertProblem("{\"sizes\": [2, 1], \"weights\": [[[0.25, 1]", "not a valid JSON model file");
        assertProblem("{\"sizes\": [0, 1], \"weights\": [], \"biases\": []}", "\"sizes\"[0] is 0");
        BadInputException missing = assertThrows(BadInputException.class, () -> ModelFile.read(directory.resolve("none.json").toString()));
        assertTrue(missing.getMessage().contains("none.json: model file not found"));
    }

    private void assertProblem(String content, String expected) throws Exception {
        Path file = directory.resolve("bad.json");
        Files.writeString(file, content);
        BadInputException error = assertThrows(BadInputException.class, () -> ModelFile.read(file.toString()));
        assertTrue(error.getMessage().startsWith(file.toString()) && error.getMessage().contains(expected),
                error.getMessage());
    }
}
