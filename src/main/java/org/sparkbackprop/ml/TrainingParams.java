package org.sparkbackprop.ml;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.training.LearningRateDecay;

/**
 * The param objects of one stage for the settings a model is trained by, which
 * {@link BackpropClassifier} takes and {@link BackpropClassificationModel} keeps
 * ({@link BackpropParams}): what MLlib's {@code MultilayerPerceptronParams} trait gives both of
 * its stages. Each stage makes its own, owned by its uid; Spark finds them through the
 * stage's accessors.
 */
public final class TrainingParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final IntArrayParam layers;
    final IntParam maxIter;
    final IntParam batchSize;
    final DoubleParam stepSize;
    final DoubleParam momentum;
    final DoubleParam regParam;
    final LongParam seed;
    final Param<String> initMode;
    final Param<String> activation;
    final Param<String> stepSizeDecay;
    final DoubleParam stepSizeDecayRate;
    final IntParam stepSizeDecayEvery;
    final IntParam earlyStopPatience;
    final Param<String> validationIndicatorCol;
    final Param<String> initialModel;
    final IntParam numPartitions;
    final Param<String> blas;

    TrainingParams(Params owner) {
        layers = new IntArrayParam(owner, "layers", "layer sizes, input size first, the number of classes last",
                new LayerSizes(owner.uid()));
        maxIter = new IntParam(owner, "maxIter", "epochs: passes over the training data (>= 1)", ParamValidators.gtEq(1));
        batchSize = new IntParam(owner, "batchSize", "examples per mini-batch (>= 1)", ParamValidators.gtEq(1));
        stepSize = new DoubleParam(owner, "stepSize", "learning rate η of W ← W − (η/m) Σ ∂J/∂W (> 0)",
                ParamValidators.gt(0));
        momentum = new DoubleParam(owner, "momentum",
                "μ of classical momentum v ← μv + g, W ← W − ηv, in [0, 1); 0 is plain gradient descent",
                ParamValidators.inRange(0, 1, true, false));
        regParam = new DoubleParam(owner, "regParam",
                "λ of network2's L2 weight decay, (λ/n)W added to the weights' gradient (>= 0)", ParamValidators.gtEq(0));
        seed = new LongParam(owner, "seed", "seed of the initial weights and of every epoch's order");
        initMode = new Param<>(owner, "initMode", "initial weights: " + ids(Initialization.values(), Initialization::id),
                ParamValidators.inArray(ids(Initialization.values(), Initialization::id)));
        activation = new Param<>(owner, "activation",
                "the hidden layers' activation: " + ids(Activation.values(), Activation::id),
                ParamValidators.inArray(ids(Activation.values(), Activation::id)));
        stepSizeDecay = new Param<>(owner, "stepSizeDecay",
                "learning-rate schedule: " + ids(LearningRateDecay.Schedule.values(), LearningRateDecay.Schedule::id),
                ParamValidators.inArray(ids(LearningRateDecay.Schedule.values(), LearningRateDecay.Schedule::id)));
        stepSizeDecayRate = new DoubleParam(owner, "stepSizeDecayRate",
                "γ of the schedule, in (0, 1]; unset: 0.5 for step, 0.9 for exponential",
                ParamValidators.inRange(0, 1, false, true));
        stepSizeDecayEvery = new IntParam(owner, "stepSizeDecayEvery", "epochs between step decays (>= 1)",
                ParamValidators.gtEq(1));
        earlyStopPatience = new IntParam(owner, "earlyStopPatience",
                "stop once this many epochs in a row have not lowered the validation loss; 0: off (>= 0)",
                ParamValidators.gtEq(0));
        validationIndicatorCol = new Param<>(owner, "validationIndicatorCol",
                "boolean column: rows that are true are not trained on but scored after every epoch (early stopping"
                        + " watches their loss)");
        initialModel = new Param<>(owner, "initialModel",
                "start from this model instead of initMode: a network2 JSON model file or a saved"
                        + " BackpropClassificationModel's directory (a local path or any Hadoop file system's URI)");
        numPartitions = new IntParam(owner, "numPartitions",
                "partitions of the cached examples (>= 1); unset: Spark's default parallelism; a fitted model's is"
                        + " the count it was trained on", ParamValidators.gtEq(1));
        blas = new Param<>(owner, "blas", "what runs the matrix products: native (BLAS dgemm), ejml (Java), or auto;"
                + " the bits depend on it; a fitted model's is the kernel that ran",
                ParamValidators.inArray(ids(Blas.Choice.values(), Blas.Choice::id)));
    }

    /** Every one of them, in the order above. */
    List<Param<?>> all() {
        return List.of(layers, maxIter, batchSize, stepSize, momentum, regParam, seed, initMode, activation,
                stepSizeDecay, stepSizeDecayRate, stepSizeDecayEvery, earlyStopPatience, validationIndicatorCol,
                initialModel, numPartitions, blas);
    }

    static <T> String[] ids(T[] values, Function<T, String> id) {
        return Arrays.stream(values).map(id).toArray(String[]::new);
    }
}
