package org.sparkbackprop.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.GradientCheck;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gradcheck}: backpropagation's gradients against finite differences of the loss for a
 * network of the given shape, layer by layer, so a learner sees the derivation hold. No Spark:
 * it runs in this process on a random batch.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Checks backpropagation's gradients against five-point finite differences, layer by layer.")
final class GradcheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--layers", paramLabel = "SIZES", split = ",", arity = "1", defaultValue = "784,30,10",
            description = "Layer sizes, input first (default: ${DEFAULT-VALUE}).")
    int[] layers;

    @Option(names = "--output", paramLabel = "OUTPUT", defaultValue = "softmax",
            description = "softmax (categorical cross-entropy) or sigmoid (binary cross-entropy) (default: ${DEFAULT-VALUE}).")
    Output output;

    @Option(names = "--loss", paramLabel = "LOSS", defaultValue = "cross-entropy",
            description = "cross-entropy (δ = a − y) or quadratic (sigmoid output only: δ = (a − y) ∘ σ'(z)) (default: ${DEFAULT-VALUE}).")
    Loss loss;

    @Option(names = "--init", paramLabel = "INIT", defaultValue = "normal", description = TrainingOptions.INIT)
    Initialization init;

    @Option(names = "--activation", paramLabel = "ACTIVATION", defaultValue = "sigmoid",
            description = "The hidden layers' activation: sigmoid, tanh or relu (default: ${DEFAULT-VALUE}).")
    Activation activation;

    @Option(names = "--examples", paramLabel = "N", defaultValue = "8",
            description = "Random examples in the batch (default: ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the weights and the batch (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    BlasOption blas;

    @Override
    public Integer call() {
        if (examples <= 0) {
            throw new BadInputException("examples must be a positive integer, got " + examples);
        }
        Architecture architecture;
        try {
            architecture = new Architecture(layers, activation, output, loss);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        Parameters parameters = init.initialize(architecture, seed);
        Blas.Selection selection = blas.select();
        Blas.log(selection);
        Kernel kernel = selection.kernel();
        Workspace workspace = new Workspace(architecture, examples, Blas.products(kernel));
        GradientCheck.randomBatch(workspace, seed);
        List<GradientCheck.LayerError> errors = GradientCheck.check(parameters, workspace,
                GradientCheck::backpropagation);

        PrintWriter out = spec.commandLine().getOut();
        out.printf("gradcheck %s, %s init, %d random examples, seed %d, products on %s: five-point central differences,"
                + " h = %s%n", architecture, init.id(), examples, seed, kernel.label(), GradientCheck.STEP);
        out.printf("%-6s %-24s %-24s %s%n", "layer", "weights: max rel. error", "biases: max rel. error", "verdict");
        boolean holds = true;
        for (GradientCheck.LayerError error : errors) {
            out.printf("%-6d %-24.3e %-24.3e %s%n", error.layer(), error.weights(), error.biases(),
                    error.holds() ? "ok" : "WRONG");
            holds &= error.holds();
        }
        out.println(holds ? "backpropagation matches the derivative in every layer (every error < " + GradientCheck.THRESHOLD + ")"
                : "backpropagation does NOT match the derivative (errors of " + GradientCheck.THRESHOLD + " or more)");
        out.flush();
        return holds ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
