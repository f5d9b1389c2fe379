package org.sparkbackprop.spark.step;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.SyntheticData;
import org.sparkbackprop.training.MiniBatchTrainer;
import org.sparkbackprop.training.TrainingSettings;

/** The Spark UI shows where training is: each step's job is named "epoch E step S/N", scoring too. */
class JobDescriptionTest {
    @Test
    void stepJobsAreNamedByEpochAndStep() throws InterruptedException {
        JavaSparkContext context = LocalSpark.context();
        List<String> descriptions = new CopyOnWriteArrayList<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart jobStart) {
                String description = jobStart.properties().getProperty("spark.job.description");
                if (description != null) {
                    descriptions.add(description);
                }
            }
        };
        context.sc().addSparkListener(listener);
        Architecture architecture = new Architecture(new int[] {5, 4, 3}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(2, 100, 5, 3, false, 25), 2);
        try {
            TrainingSettings settings = TrainingSettings.of(architecture).epochs(2).batchSize(40).learningRate(0.5).seed(1).build();
            DistributedSource source = new DistributedSource(context, cached, 40);
            new MiniBatchTrainer(settings).train(Initialization.SCALED.initialize(architecture, 1), source, source,
                    (metrics, parameters) -> { });
            List<String> expected = List.of("epoch 1 step 1/3", "epoch 1 step 3/3", "epoch 2 step 2/3",
                    "scoring 100 examples");
            for (int attempt = 0; attempt < 50 && !descriptions.containsAll(expected); attempt++) {
                Thread.sleep(100);
            }
            assertTrue(descriptions.containsAll(expected), descriptions.toString());
        } finally {
            context.sc().removeSparkListener(listener);
            context.clearJobGroup();
            cached.release();
        }
    }
}
