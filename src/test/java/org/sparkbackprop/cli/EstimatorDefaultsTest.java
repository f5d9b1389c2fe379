package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.sparkbackprop.ml.BackpropClassifier;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.run.TrainingRun;
import picocli.CommandLine;

/**
 * The Spark ML estimator's defaults are train's: the settings its unset params make are those of
 * {@code train} without options, and so are the execution and checkpoint defaults.
 */
class EstimatorDefaultsTest {

    @Test
    void anUnsetEstimatorTrainsAsTrainWithoutOptions() {
        TrainCommand train = new TrainCommand();
        CommandLine commandLine = new CommandLine(train);
        Converters.register(commandLine);
        commandLine.parseArgs("--train", "data.csv");
        BackpropClassifier estimator = new BackpropClassifier();

        // train's architecture without options: --layers, --activation, --output and --loss unset
        assertEquals(null, train.layers);
        assertEquals(null, train.activation);
        Architecture defaults = new Architecture(Architecture.defaultSizes(), Activation.SIGMOID, Output.SOFTMAX,
                Loss.CROSS_ENTROPY);
        assertEquals(train.training.settings(defaults), estimator.trainingSettings());
        assertEquals(train.stepMode.id(), estimator.getStepMode());
        assertEquals(train.combine.id(), estimator.getCombine());
        assertEquals(train.exchange.id(), estimator.getExchange());
        assertEquals(train.blas.choice.id(), estimator.getBlas());
        assertEquals(train.dataSet.cache.id(), estimator.getCache());
        assertEquals(train.checkpointEvery, estimator.getCheckpointInterval());
        assertEquals(train.keepCheckpoints, estimator.getKeepCheckpoints());
        assertEquals(TrainingRun.Checkpointing.DEFAULT_EVERY, estimator.getCheckpointInterval());
    }
}
