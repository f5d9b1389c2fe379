package org.sparkbackprop.spark.resident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.GradientDescent;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.spark.SparkDefaults;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.LogCapture;
import org.sparkbackprop.testing.SyntheticData;
import org.sparkbackprop.training.EpochOrder;
import org.sparkbackprop.training.GradientSource;

/**
 * Resident steps are the job steps, bit for bit: a whole epoch of updates through both, on one
 * and two partitions, with the tasks taking the weights in place or over the socket, for both
 * kernels, with the resident stage killed in the middle (it is started again and the
 * step sent again), ended at the epoch's end so that a scoring job runs, and started again. A
 * connection without this run's secret is refused; more partitions than slots run as jobs, as
 * does a stage Spark refuses for want of slots.
 */
class ResidentSourceTest {
    private static final int EXAMPLES = 230;
    private static final int BATCH = 64;

    static Stream<Arguments> cases() {
        return Stream.of(Kernel.values()).flatMap(kernel -> Stream.of(true, false).flatMap(inJvm -> Stream.of(1, 2)
                .flatMap(partitions -> Stream.of(Output.values())
                        .map(output -> Arguments.of(kernel, inJvm, partitions, output)))));
    }

    /** local[2]: with the tasks taking the weights in place (the default), or over the socket, as on a cluster. */
    private static JavaSparkContext context(boolean inJvm) {
        return LocalSpark.context("local[2]", Map.of(ResidentSource.IN_JVM, Boolean.toString(inJvm)));
    }

    @ParameterizedTest(name = "{0}, in JVM {1}, {2} partitions, {3}")
    @MethodSource("cases")
    void residentStepsAreTheJobStepsBitForBitThroughALostStage(Kernel kernel, boolean inJvm, int partitions,
                                                               Output output) throws Exception {
        JavaSparkContext context = context(inJvm);
        Architecture architecture = new Architecture(new int[] {12, 9, 7, 4}, Activation.SIGMOID, output);
        List<ExampleBlock> blocks = SyntheticData.blocks(17, EXAMPLES, 12, 4, output == Output.SIGMOID, 6);
        CachedExamples cached = LocalSpark.cache(context, blocks, partitions);
        DistributedSource jobs = new DistributedSource(context, cached, BATCH, Combine.ORDERED, kernel);
        GradientSource opened = ResidentSource.open(context, cached, BATCH, architecture, jobs, BlockCache.MEMORY);
        try (ResidentSource resident = assertInstanceOf(ResidentSource.class, opened)) {
            assertEquals(inJvm, resident.tasksInDriverJvm());
            // job steps first: while a resident stage runs, it holds the cores a job would need
            Parameters start = Initialization.NORMAL.initialize(architecture, 5);
            GradientDescent descent = new GradientDescent(0.7);
            List<Parameters> expected = new ArrayList<>();
            List<Long> expectedLosses = new ArrayList<>();
            Parameters viaJobs = start.copy();
            for (int epoch = 0; epoch < 2; epoch++) {
                EpochOrder order = new EpochOrder(23, epoch, EXAMPLES);
                for (long step = 0; step < order.batchCount(BATCH); step++) {
                    Gradients sums = jobs.sumGradients(viaJobs, order.batch(step, BATCH));
                    expectedLosses.add(Double.doubleToRawLongBits(sums.lossSum()));
                    descent.apply(sums, viaJobs);
                    expected.add(viaJobs.copy());
                }
            }
            Parameters viaResident = start.copy();
            int done = 0;
            for (int epoch = 0; epoch < 2; epoch++) {
                EpochOrder order = new EpochOrder(23, epoch, EXAMPLES);
                for (long step = 0; step < order.batchCount(BATCH); step++) {
                    Gradients sums = resident.sumGradients(viaResident, order.batch(step, BATCH));
                    assertNotNull(resident.lastStep(), "the step ran on the resident tasks");
                    assertEquals(expectedLosses.get(done), Double.doubleToRawLongBits(sums.lossSum()));
                    descent.apply(sums, viaResident);
                    assertTrue(expected.get(done++).bitwiseEquals(viaResident), "epoch " + epoch + " step " + step);
                    if (epoch == 0 && step == 1) {
                        // Spark kills the resident tasks: the next step finds them gone
                        context.sc().cancelAllJobs();
                        Thread.sleep(500);
                    }
                }
                resident.epochStepsDone();
                assertEquals(EXAMPLES, jobs.score(viaResident).examples(), "a scoring job runs between epochs");
            }
            assertEquals(3, resident.stagesStarted(), "one stage per epoch, and one after the first was lost");
        } finally {
            cached.release();
        }
    }

    @Test
    void aConnectionWithoutTheSecretIsRefused() throws Exception {
        JavaSparkContext context = context(false);
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 2);
        DistributedSource jobs = new DistributedSource(context, cached, BATCH);
        try (ResidentSource resident = assertInstanceOf(ResidentSource.class,
                ResidentSource.open(context, cached, BATCH, architecture, jobs, BlockCache.MEMORY))) {
            CompletableFuture<Integer> intruder = CompletableFuture.supplyAsync(() -> {
                try (Socket socket = new Socket("127.0.0.1", resident.port())) {
                    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    out.writeInt(ResidentProtocol.MAGIC);
                    out.writeInt(0);
                    out.flush();
                    in.readFully(new byte[ResidentProtocol.NONCE_BYTES]);
                    out.write(new byte[32]);
                    out.flush();
                    return in.read();
                } catch (IOException e) {
                    return -2;
                }
            });
            Parameters parameters = Initialization.NORMAL.initialize(architecture, 1);
            long[] batch = new EpochOrder(1, 0, 100).batch(0, BATCH);
            double expected = jobs.sumGradients(parameters, batch).lossSum();
            assertEquals(expected, resident.sumGradients(parameters, batch).lossSum(), 0.0);
            assertTrue(intruder.get() < 0, "the driver closed the connection without the secret's proof");
        } finally {
            cached.release();
        }
    }

    @Test
    void morePartitionsThanSlotsRunAsJobs() {
        JavaSparkContext context = LocalSpark.context();
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 3);
        try {
            DistributedSource jobs = new DistributedSource(context, cached, BATCH);
            assertSame(jobs, ResidentSource.open(context, cached, BATCH, architecture, jobs, BlockCache.MEMORY));
            assertEquals("a resident stage runs all 3 partitions' tasks at once, and Spark has 2 task slots (give"
                    + " --partitions 2, or more executor cores)", ResidentSource.unavailable(context, cached, BlockCache.MEMORY));
        } finally {
            cached.release();
        }
    }

    /**
     * A stage Spark refuses for want of slots (here, spark.default.parallelism hides that local[2]
     * has 2, as a cluster whose executors have not all come does) falls back to jobs with one line
     * of ours, not Spark's message, and the step is the job step.
     */
    @Test
    void aStageSparkRefusesForWantOfSlotsFallsBackToJobsWithOneLine() {
        Map<String, String> settings = new HashMap<>(SparkDefaults.DEFAULTS);
        settings.put("spark.default.parallelism", "3");
        JavaSparkContext context = LocalSpark.context("local[2]", settings);
        Architecture architecture = new Architecture(new int[] {12, 5, 4}, Activation.SIGMOID, Output.SOFTMAX);
        CachedExamples cached = LocalSpark.cache(context, SyntheticData.blocks(3, 100, 12, 4, false, 6), 3);
        try (LogCapture log = LogCapture.start()) {
            DistributedSource jobs = new DistributedSource(context, cached, BATCH);
            GradientSource opened = ResidentSource.open(context, cached, BATCH, architecture, jobs, BlockCache.MEMORY);
            assertInstanceOf(ResidentSource.class, opened, "Spark's count of slots lets it try");
            Parameters parameters = Initialization.SCALED.initialize(architecture, 3);
            long[] batch = new EpochOrder(3, 0, cached.exampleCount()).batch(0, BATCH);
            Gradients expected = jobs.sumGradients(parameters, batch);
            Parameters viaFallback = parameters.copy();
            new GradientDescent(1.0).apply(opened.sumGradients(parameters, batch), viaFallback);
            new GradientDescent(1.0).apply(expected, parameters);
            assertTrue(viaFallback.bitwiseEquals(parameters));
            List<String> warnings = log.lines().stream().filter(line -> !line.startsWith("INFO") && !line.startsWith("DEBUG"))
                    .toList();
            assertEquals(List.of("WARN org.sparkbackprop.spark.resident.ResidentSource: resident tasks could not start (Spark has"
                    + " fewer free task slots than the 3 partitions, whose tasks a resident stage runs at once); the"
                    + " remaining steps run as Spark jobs"), warnings);
        } finally {
            cached.release();
            LocalSpark.stop();
        }
    }
}
