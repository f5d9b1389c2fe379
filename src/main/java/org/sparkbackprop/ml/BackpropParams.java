package org.sparkbackprop.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params a model is trained by, with their getters: {@link BackpropClassifier} takes them,
 * and the {@link BackpropClassificationModel} it fits answers them after fit and after load, as
 * MLlib's {@code MultilayerPerceptronClassificationModel} answers {@code getLayers},
 * {@code getMaxIter}, ... Each param's documentation is in {@link TrainingParams}. A getter of a
 * param that is neither set nor has a default fails in Spark's words, as Spark's own do.
 */
public interface BackpropParams extends Params {
    /** This stage's own param objects. */
    TrainingParams trainingParams();

    // Spark finds a stage's params by its public no-argument methods that return a Param.

    default IntArrayParam layers() {
        return trainingParams().layers;
    }

    default IntParam maxIter() {
        return trainingParams().maxIter;
    }

    default IntParam batchSize() {
        return trainingParams().batchSize;
    }

    default DoubleParam stepSize() {
        return trainingParams().stepSize;
    }

    default DoubleParam momentum() {
        return trainingParams().momentum;
    }

    default DoubleParam regParam() {
        return trainingParams().regParam;
    }

    default LongParam seed() {
        return trainingParams().seed;
    }

    default Param<String> initMode() {
        return trainingParams().initMode;
    }

    default Param<String> activation() {
        return trainingParams().activation;
    }

    default Param<String> stepSizeDecay() {
        return trainingParams().stepSizeDecay;
    }

    default DoubleParam stepSizeDecayRate() {
        return trainingParams().stepSizeDecayRate;
    }

    default IntParam stepSizeDecayEvery() {
        return trainingParams().stepSizeDecayEvery;
    }

    default IntParam earlyStopPatience() {
        return trainingParams().earlyStopPatience;
    }

    default Param<String> validationIndicatorCol() {
        return trainingParams().validationIndicatorCol;
    }

    default Param<String> initialModel() {
        return trainingParams().initialModel;
    }

    default IntParam numPartitions() {
        return trainingParams().numPartitions;
    }

    default Param<String> blas() {
        return trainingParams().blas;
    }

    default int[] getLayers() {
        return getOrDefault(layers()).clone();
    }

    default int getMaxIter() {
        return (Integer) getOrDefault(maxIter());
    }

    default int getBatchSize() {
        return (Integer) getOrDefault(batchSize());
    }

    default double getStepSize() {
        return (Double) getOrDefault(stepSize());
    }

    default double getMomentum() {
        return (Double) getOrDefault(momentum());
    }

    default double getRegParam() {
        return (Double) getOrDefault(regParam());
    }

    default long getSeed() {
        return (Long) getOrDefault(seed());
    }

    default String getInitMode() {
        return getOrDefault(initMode());
    }

    default String getActivation() {
        return getOrDefault(activation());
    }

    default String getStepSizeDecay() {
        return getOrDefault(stepSizeDecay());
    }

    default double getStepSizeDecayRate() {
        return (Double) getOrDefault(stepSizeDecayRate());
    }

    default int getStepSizeDecayEvery() {
        return (Integer) getOrDefault(stepSizeDecayEvery());
    }

    default int getEarlyStopPatience() {
        return (Integer) getOrDefault(earlyStopPatience());
    }

    default String getValidationIndicatorCol() {
        return getOrDefault(validationIndicatorCol());
    }

    default String getInitialModel() {
        return getOrDefault(initialModel());
    }

    default int getNumPartitions() {
        return (Integer) getOrDefault(numPartitions());
    }

    default String getBlas() {
        return getOrDefault(blas());
    }
}
