package org.sparkbackprop.spark;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the run's log when an executor is lost. Training goes on: Spark reruns the step's
 * tasks elsewhere and recomputes the lost cached partitions from their input, so the model is
 * the same as without the loss.
 */
public final class ExecutorLossLog extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorLossLog.class);

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        LOG.warn("executor lost: {} ({}); its tasks and cached partitions are recomputed elsewhere",
                removed.executorId(), removed.reason());
    }
}
