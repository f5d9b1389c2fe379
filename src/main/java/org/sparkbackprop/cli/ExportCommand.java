package org.sparkbackprop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.files.DriverFiles;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.onnx.OnnxModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export}: a saved model as an ONNX file, for serving outside Spark. Runs on the driver alone. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Writes a saved model as an ONNX model (input features, outputs probability and, for softmax"
                + " models, label) that onnxruntime and other ONNX runtimes serve.")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--out", paramLabel = "FILE", description = "The ONNX file to write (e.g. model.onnx), in a"
            + " directory that exists: a local path or any Hadoop file system's URI; replaced whole if it exists.")
    String out;

    @Option(names = "--opset", paramLabel = "N", defaultValue = "" + OnnxModel.DEFAULT_OPSET,
            description = "The ONNX opset, " + OnnxModel.OLDEST_OPSET + " to " + OnnxModel.DEFAULT_OPSET
                    + " (default: ${DEFAULT-VALUE}); an older one for older runtimes: the graph is the same.")
    int opset;

    @Override
    public Integer call() throws IOException {
        if (out == null) {
            throw new BadInputException("export: --out is required (the ONNX file to write)");
        }
        OnnxModel.checkOpset(opset);
        DataPaths.requireKeptInClusterMode("--out", out);
        Path directory = DriverFiles.resolve(out).getParent();
        if (!DriverFiles.isDirectory(directory.toString())) {
            throw new BadInputException("--out " + out + ": the directory "
                    + (DriverFiles.hasScheme(out) ? directory : directory.toUri().getPath()) + " does not exist");
        }
        ModelOptions.Loaded model = modelOptions.load("export");
        OnnxModel.write(model.parameters(), model.classNames(), opset, out);
        print(model.parameters().architecture(), spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    private void print(Architecture architecture, PrintWriter console) {
        console.printf("%s: ONNX opset %d, layers %s with %s hidden layers, %d float32 parameters%n", out, opset,
                Architecture.describe(architecture.sizes()), architecture.hiddenActivation().id(),
                architecture.parameterCount());
        console.printf("  input  %-12s float32 [N, %d]%n", OnnxModel.FEATURES, architecture.inputSize());
        boolean softmax = architecture.output() == Output.SOFTMAX;
        console.printf("  output %-12s float32 [N, %d]  %s%n", OnnxModel.PROBABILITY, architecture.outputSize(),
                softmax ? "softmax: one probability per class" : "sigmoid: one probability per label");
        if (softmax) {
            console.printf("  output %-12s int64   [N]      the most probable class%n", OnnxModel.LABEL);
        }
        console.flush();
    }
}
