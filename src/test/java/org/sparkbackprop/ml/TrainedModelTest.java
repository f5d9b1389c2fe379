package org.sparkbackprop.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SizeEstimator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.run.MetricsLine;
import org.sparkbackprop.testing.Cli;
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.LogCapture;

/**
 * What a fitted model carries next to MLlib's MLP model, on small seeded data: the params it
 * was trained with, after fit and after load; its training summary, after fit and after load;
 * {@code evaluate(dataset)}, the {@code evaluate} command's numbers; its size; and the errors
 * that name the value as given (labels beyond a long, features beyond float32, a diverged fit).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TrainedModelTest {
    private static final StructType VECTORS = new StructType().add("features", SQLDataTypes.VectorType())
            .add("label", DataTypes.DoubleType);

    @TempDir
    static Path data;
    /** 300 rows: label, a, b, c; the label a function of the features, so that a model learns it. */
    private static Path csv;

    @TempDir
    Path directory;

    @BeforeAll
    static void writeCsv() throws IOException {
        java.util.Random random = new java.util.Random(5);
        StringBuilder text = new StringBuilder("label,a,b,c\n");
        for (int i = 0; i < 300; i++) {
            double a = random.nextDouble();
            double b = random.nextDouble();
            double c = random.nextDouble();
            int label = a > b ? (c > 0.5 ? 2 : 1) : 0;
            text.append(label).append(',').append(a).append(',').append(b).append(',').append(c).append('\n');
        }
        csv = Files.writeString(data.resolve("three.csv"), text);
    }

    private static SparkSession spark() {
        return LocalSpark.session();
    }

    /** The CSV as the estimator reads it: features assembled from a, b, c; the label a double. */
    private static Dataset<Row> frame() {
        StructType schema = new StructType().add("label", DataTypes.DoubleType).add("a", DataTypes.DoubleType)
                .add("b", DataTypes.DoubleType).add("c", DataTypes.DoubleType);
        return new VectorAssembler().setInputCols(new String[] {"a", "b", "c"}).setOutputCol("features")
                .transform(spark().read().option("header", "true").schema(schema).csv(csv.toString()));
    }

    private static BackpropClassifier classifier() {
        return new BackpropClassifier().setLayers(new int[] {3, 6, 3}).setMaxIter(4).setBatchSize(8).setStepSize(2.0)
                .setSeed(11).setActivation("tanh").setMomentum(0.5).setRegParam(0.01).setStepSizeDecay("step")
                .setStepSizeDecayEvery(2).setNumPartitions(2).setBlas("ejml");
    }

    /** Settings that learn the rule, on the kernel that evaluate chooses by default. */
    private static BackpropClassifier learner() {
        return classifier().setStepSize(1.0).setStepSizeDecay("none").setMaxIter(10).setBlas("auto");
    }

    @Test
    void theModelHasEveryTrainingParamOfItsEstimatorAfterFitAndAfterLoad() throws IOException {
        BackpropClassifier classifier = classifier();
        BackpropClassificationModel model = classifier.fit(frame());
        assertTrainedWith(classifier, model);
        assertArrayEquals(new int[] {3, 6, 3}, model.getLayers());
        assertEquals(4, model.getMaxIter());
        assertEquals(8, model.getBatchSize());
        assertEquals(2.0, model.getStepSize());
        assertEquals(11L, model.getSeed());
        assertEquals("tanh", model.getActivation());
        assertEquals(0.5, model.getMomentum());
        assertEquals(0.01, model.getRegParam());
        assertEquals("scaled", model.getInitMode());
        assertEquals("step", model.getStepSizeDecay());
        assertEquals(2, model.getNumPartitions());
        assertEquals("ejml", model.getBlas());
        // the params are Spark's: listed, explained, and in the saved metadata
        assertTrue(Arrays.stream(model.params()).anyMatch(param -> param.name().equals("maxIter")));
        assertTrue(model.explainParams().contains("maxIter: epochs"), model.explainParams());

        Path saved = directory.resolve("model");
        model.write().save(saved.toString());
        BackpropClassificationModel loaded = BackpropClassificationModel.load(saved.toString());
        assertTrainedWith(classifier, loaded);
        assertEquals(model.uid(), loaded.uid());

        // a model of a bare model file knows its layers and activation, and was trained by nothing it can tell
        BackpropClassificationModel bare = BackpropClassificationModel.fromModelFile(
                saved.resolve(ModelFile.IN_MODEL_DIRECTORY).toString());
        assertArrayEquals(new int[] {3, 6, 3}, bare.getLayers());
        assertEquals("tanh", bare.getActivation());
        assertFalse(bare.isDefined(bare.maxIter()));
        assertThrows(NoSuchElementException.class, bare::getMaxIter);
    }

    /** Every training param the estimator has, set or by default, the model has with the same value. */
    private static void assertTrainedWith(BackpropClassifier classifier, BackpropClassificationModel model) {
        for (Param<?> param : classifier.trainingParams().all()) {
            Param<Object> own = model.getParam(param.name());
            assertEquals(classifier.isDefined(param), model.isDefined(own), param.name());
            if (classifier.isDefined(param)) {
                Object expected = classifier.getOrDefault(param);
                Object actual = model.getOrDefault(own);
                if (expected instanceof int[] sizes) {
                    assertArrayEquals(sizes, (int[]) actual, param.name());
                } else {
                    assertEquals(expected, actual, param.name());
                }
            }
        }
    }

    @Test
    void theSummaryHasEveryEpochAndTheBestOneAndIsKeptBySaveAndLoad() throws IOException {
        Dataset<Row> rows = frame().withColumn("validation", functions.rand(3).lt(0.25));
        BackpropClassifier classifier = classifier().setMaxIter(30).setStepSize(6.0).setStepSizeDecay("none")
                .setEarlyStopPatience(2).setValidationIndicatorCol("validation");
        List<String> log;
        BackpropClassificationModel model;
        try (LogCapture capture = LogCapture.start()) {
            model = classifier.fit(rows);
            log = capture.lines();
        }
        assertTrue(model.hasSummary());
        BackpropTrainingSummary summary = model.summary();
        int epochs = summary.totalIterations();
        long logged = log.stream().filter(line -> line.matches(".*epoch \\d+/30: train loss .*")).count();
        assertEquals(logged, epochs, String.join("\n", log));
        assertTrue(epochs < 30, "early stopping stopped the fit: " + epochs + " epochs");
        assertEquals(epochs, summary.epochs().size());
        assertEquals(epochs, summary.objectiveHistory().length);
        assertEquals(epochs, summary.validationLossHistory().length);
        assertEquals(2, summary.partitions());
        for (int e = 0; e < epochs; e++) {
            MetricsLine line = summary.epochs().get(e);
            assertEquals(e + 1, line.epoch());
            assertEquals(line.trainLoss(), summary.objectiveHistory()[e]);
            assertEquals(line.validation().loss(), summary.validationLossHistory()[e]);
            assertEquals("ejml", line.blas());
        }
        // the best epoch is the one of the lowest validation loss, the last one patience epochs before the end
        int best = summary.bestEpoch().orElseThrow();
        double[] validation = summary.validationLossHistory();
        assertEquals(Arrays.stream(validation).min().orElseThrow(), validation[best - 1]);
        assertEquals(epochs - 2, best);
        // the kept model is the best epoch's: its validation loss is that epoch's
        Dataset<Row> validationRows = rows.filter("validation");
        assertEquals(validation[best - 1], model.evaluate(validationRows).loss(), 1e-12);

        Path saved = directory.resolve("model");
        model.write().save(saved.toString());
        assertTrue(Files.exists(saved.resolve(BackpropTrainingSummary.IN_MODEL_DIRECTORY)));
        BackpropClassificationModel loaded = BackpropClassificationModel.load(saved.toString());
        assertTrue(loaded.hasSummary());
        assertEquals(summary.toJson(), loaded.summary().toJson());
        assertEquals(best, loaded.summary().bestEpoch().orElseThrow());
        assertEquals(summary.toJson(), loaded.copy(new org.apache.spark.ml.param.ParamMap()).summary().toJson());

        // without early stopping there is no best epoch; a bare model file has no summary
        BackpropClassificationModel plain = classifier().setMaxIter(2).fit(frame());
        assertEquals(2, plain.summary().totalIterations());
        assertTrue(plain.summary().bestEpoch().isEmpty());
        assertEquals(0, plain.summary().validationLossHistory().length);
        BackpropClassificationModel bare = BackpropClassificationModel.fromModelFile(
                saved.resolve(ModelFile.IN_MODEL_DIRECTORY).toString());
        assertFalse(bare.hasSummary());
        IllegalStateException none = assertThrows(IllegalStateException.class, bare::summary);
        assertTrue(none.getMessage().endsWith(": no training summary: the model was not fitted by BackpropClassifier,"
                + " nor loaded from a fitted model's directory"), none.getMessage());
    }

    @Test
    void aFitWritesItsMetricsAndItsReportAsTrainDoes() throws IOException {
        Path metrics = directory.resolve("metrics.jsonl");
        Path report = directory.resolve("report");
        Dataset<Row> rows = frame().withColumn("validation", functions.rand(3).lt(0.25));
        BackpropClassificationModel model = classifier().setMaxIter(3).setValidationIndicatorCol("validation")
                .setMetricsOut(metrics.toString()).setReportDir(report.toString()).setReportEvery(0).fit(rows);
        List<String> lines = Files.readAllLines(metrics);
        assertEquals(model.summary().epochs().stream().map(MetricsLine::toJson).toList(), lines);
        String page = Files.readString(report.resolve("index.html"));
        assertTrue(page.contains("Finished: 3 of 3 epochs."), page);
        assertTrue(page.contains("the DataFrame&#39;s rows where validation is true")
                || page.contains("the DataFrame's rows where validation is true"), page);
        assertTrue(Files.exists(report.resolve("confusion-matrix.png")), "the kept model scored on the validation rows");
    }

    @Test
    void evaluateGivesTheNumbersOfTheEvaluateCommand() throws IOException {
        BackpropClassificationModel model = learner().fit(frame());
        Path saved = directory.resolve("model");
        model.write().save(saved.toString());
        Cli.Result command = Cli.run("evaluate", "--model", saved.toString(), "--data", csv.toString(), "--json");
        assertEquals(0, command.exitCode(), command.err());
        BackpropClassificationSummary evaluated = model.evaluate(frame());
        // the same JSON to the last digit: the same rows, partitions, kernel and order of sums
        assertEquals(command.out().strip(), evaluated.toJson());
        assertEquals(300, evaluated.examples());
        assertTrue(evaluated.accuracy() > 0.75, "the model learned: " + evaluated.accuracy());
        long[][] confusion = evaluated.confusionMatrix();
        assertEquals(300, Arrays.stream(confusion).flatMapToLong(Arrays::stream).sum());
        assertEquals(List.of("0", "1", "2"), evaluated.labels());

        // a model fitted on names evaluates rows labelled by the names, and names a stranger
        String[] names = {"ant", "bee", "cat"};
        Dataset<Row> named = frame().withColumn("label", functions.element_at(functions.array(
                functions.lit(names[0]), functions.lit(names[1]), functions.lit(names[2])),
                functions.col("label").cast(DataTypes.IntegerType).plus(1)));
        BackpropClassificationModel namedModel = learner().fit(named);
        BackpropClassificationSummary byName = namedModel.evaluate(named);
        assertEquals(List.of(names), byName.labels());
        // the same rows labelled by index score the same against a model fitted on names
        assertEquals(byName.toJson(), namedModel.evaluate(frame()).toJson());
        assertEquals(evaluated.toJson().replace("{\"class\":0,", "{\"class\":0,\"name\":\"ant\",")
                .replace("{\"class\":1,", "{\"class\":1,\"name\":\"bee\",")
                .replace("{\"class\":2,", "{\"class\":2,\"name\":\"cat\","), byName.toJson());
        Dataset<Row> stranger = named.limit(3).withColumn("label", functions.lit("dog"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> namedModel.evaluate(stranger));
        assertEquals("the DataFrame row 0: label 'dog' is not one of the model's 3 classes", unknown.getMessage());
    }

    @Test
    void theModelSizeIsKnownBeforeTheFitAndIsWhatTheModelTakes() throws Exception {
        Dataset<Row> empty = spark().createDataFrame(List.of(), VECTORS);
        BackpropClassifier classifier = new BackpropClassifier().setLayers(new int[] {784, 30, 10});
        Architecture architecture = new Architecture(new int[] {784, 30, 10}, Activation.SIGMOID, Output.SOFTMAX,
                Loss.CROSS_ENTROPY);
        Parameters network = Initialization.SCALED.initialize(architecture, 1);
        BackpropClassificationModel model = new BackpropClassificationModel(
                Identifiable$.MODULE$.randomUID("backpropClassificationModel"), network);
        assertEquals(model.estimatedSize(), classifier.estimateModelSize(empty));
        // what the JVM holds for the numbers, measured by Spark's own estimator
        long measured = SizeEstimator.estimate(network);
        assertEquals(measured, model.estimatedSize(), measured * 0.01);
        // on Spark 4, Spark Connect's call reaches it
        boolean sparkAsks = Arrays.stream(Estimator.class.getMethods())
                .anyMatch(method -> method.getName().equals("estimateModelSize"));
        if (sparkAsks) {
            assertEquals(classifier.estimateModelSize(empty),
                    Estimator.class.getMethod("estimateModelSize", Dataset.class).invoke(classifier, empty));
        }
    }

    @Test
    void labelsAndFeaturesBeyondTheirTypesAreNamedAsGiven() {
        BackpropClassifier classifier = new BackpropClassifier().setLayers(new int[] {2, 3, 2}).setMaxIter(1)
                .setBlas("ejml");
        assertFails("the DataFrame row 1: label 1.0E19 is outside [0, 2), the last layer size", classifier,
                rows(0.0, 1e19));
        assertFails("the DataFrame row 1: label Infinity is not a class index (an integer in [0, 2))", classifier,
                rows(1.0, Double.POSITIVE_INFINITY));
        assertFails("the DataFrame row 0: label -Infinity is not a class index (an integer in [0, 2))", classifier,
                rows(Double.NEGATIVE_INFINITY, 0.0));
        assertFails("the DataFrame row 0: label 3000000000 is outside [0, 2), the last layer size", classifier,
                rows(3e9, 0.0));
        Dataset<Row> huge = spark().createDataFrame(List.of(RowFactory.create(Vectors.dense(0.5, 0.5), 0.0),
                RowFactory.create(Vectors.dense(0.5, 1e39), 1.0)), VECTORS);
        assertFails("the DataFrame row 1: features[1] is 1.0E39, beyond float32's range (±3.4028235E38) in which"
                + " examples are kept", classifier, huge);
        // the largest float32 is kept
        classifier.fit(spark().createDataFrame(List.of(RowFactory.create(Vectors.dense(0.5, 3.4028234e38), 0.0)),
                VECTORS));
    }

    @Test
    void aDivergedFitAdvisesByTheEstimatorsParams() {
        List<Row> rows = new ArrayList<>();
        java.util.Random random = new java.util.Random(2);
        for (int i = 0; i < 64; i++) {
            rows.add(RowFactory.create(Vectors.dense(random.nextDouble() * 100, random.nextDouble() * 100),
                    (double) (i % 2)));
        }
        BackpropClassifier classifier = new BackpropClassifier().setLayers(new int[] {2, 4, 2}).setMaxIter(3)
                .setBatchSize(8).setStepSize(1e307).setStepSizeDecay("step").setStepSizeDecayEvery(1).setBlas("ejml");
        RuntimeException diverged = assertThrows(RuntimeException.class,
                () -> classifier.fit(spark().createDataFrame(rows, VECTORS)));
        assertTrue(diverged.getMessage().matches("training diverged in epoch \\d, step \\d+ of 8: .*; try a smaller"
                + " stepSize \\(it is 1\\.0E307(, [0-9.E]+ in this epoch after stepSizeDecay)?\\)"), diverged.getMessage());
        assertFalse(diverged.getMessage().contains("--"), diverged.getMessage());
    }

    private static Dataset<Row> rows(double first, double second) {
        return spark().createDataFrame(List.of(RowFactory.create(Vectors.dense(0.1, 0.2), first),
                RowFactory.create(Vectors.dense(0.3, 0.4), second)), VECTORS);
    }

    private static void assertFails(String message, BackpropClassifier classifier, Dataset<Row> frame) {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> classifier.fit(frame));
        assertEquals(message, failure.getMessage());
    }
}
