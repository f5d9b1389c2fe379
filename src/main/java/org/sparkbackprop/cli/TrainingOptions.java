package org.sparkbackprop.cli;

import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.training.LearningRateDecay;
import org.sparkbackprop.training.TrainingSettings;
import picocli.CommandLine.Option;

/** {@code train}'s options that make its {@link TrainingSettings}, with the network's architecture. */
final class TrainingOptions {
    /** --init's help, here and in gradcheck. */
    static final String INIT = "normal: N(0,1); scaled: weights N(0,1)/√n_in (network2's); he: weights N(0,1)·√(2/n_in),"
            + " biases 0, for relu (default: ${DEFAULT-VALUE}).";

    @Option(names = "--epochs", defaultValue = "10", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "100", description = "Examples per mini-batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.5", description = "η in W ← W − (η/m) Σ ∂J/∂W (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--momentum", paramLabel = "MU", defaultValue = "0",
            description = "μ of classical momentum: v ← μv + g, W ← W − ηv, in [0, 1); 0 is plain gradient descent (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0",
            description = "λ of network2's L2 weight decay, (λ/n)W added to the weights' gradient, n the training examples;"
                    + " biases are not decayed (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--lr-decay", paramLabel = "SCHEDULE", defaultValue = "none",
            description = "none; step: η·γ^⌊(e−1)/k⌋ in epoch e (γ every k epochs); exponential: η·γ^(e−1) (default: ${DEFAULT-VALUE}).")
    LearningRateDecay.Schedule lrDecay;

    @Option(names = "--lr-decay-rate", paramLabel = "GAMMA",
            description = "γ of --lr-decay, in (0, 1] (default: 0.5 for step, 0.9 for exponential).")
    Double lrDecayRate;

    @Option(names = "--lr-decay-every", paramLabel = "K", defaultValue = "" + LearningRateDecay.DEFAULT_EVERY,
            description = "k of --lr-decay step: epochs between decays (default: ${DEFAULT-VALUE}).")
    int lrDecayEvery;

    @Option(names = "--early-stop-patience", paramLabel = "N", defaultValue = "0",
            description = "Stop once N epochs in a row have not lowered the validation loss (the test loss without"
                    + " --validation-fraction); the model of the best epoch is the one written. 0: off (default: ${DEFAULT-VALUE}).")
    int earlyStopPatience;

    @Option(names = "--init", defaultValue = "scaled", paramLabel = "INIT", description = INIT)
    Initialization init;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initial weights and of every epoch's order (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The settings these options give for {@code architecture}; a bad value is bad input naming its option. */
    TrainingSettings settings(Architecture architecture) {
        try {
            LearningRateDecay decay = LearningRateDecay.of(lrDecay, lrDecayRate, lrDecayEvery);
            return TrainingSettings.of(architecture).initialization(init).epochs(epochs).batchSize(batchSize)
                    .learningRate(learningRate).seed(seed).momentum(momentum).l2(l2).learningRateDecay(decay)
                    .earlyStopPatience(earlyStopPatience).build();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }
}
