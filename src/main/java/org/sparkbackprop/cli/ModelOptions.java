package org.sparkbackprop.cli;

import java.util.List;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import picocli.CommandLine.Option;

/** The saved model a command applies (a picocli mixin of evaluate and predict). */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "FILE", description = "The model file (network2 JSON), or a saved Spark ML BackpropClassificationModel's directory: a local path or any Hadoop file system's URI.")
    String model;

    @Option(names = "--output", paramLabel = "OUTPUT",
            description = "For a model file that does not state its output: softmax (default) or sigmoid.")
    Output output;

    /** A saved model: its parameters, and class k's name where its labels were names (else null). */
    record Loaded(Parameters parameters, List<String> classNames) {
    }

    /** Reads and checks the model file; fails naming the file when it is missing or malformed. */
    Loaded load(String command) {
        if (model == null) {
            throw new BadInputException(command + ": --model is required (the model file)");
        }
        ModelFile.Stored stored = ModelFile.read(model);
        return new Loaded(output != null ? stored.parameters(output) : stored.parameters(), stored.classNames());
    }
}
