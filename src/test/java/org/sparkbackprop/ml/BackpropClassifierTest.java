package org.sparkbackprop.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.testing.Cli;
import org.sparkbackprop.testing.KaggleCsv;
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.LogCapture;
import org.sparkbackprop.testing.Network2;
import org.sparkbackprop.testing.OnnxRuntime;

/**
 * The estimator in Spark ML's own machinery, on a Kaggle-style MNIST CSV made from Fashion-MNIST
 * (6,000 training and 1,000 test images): a Pipeline VectorAssembler → StringIndexer →
 * BackpropClassifier learns; a saved and loaded PipelineModel predicts the same; CrossValidator
 * picks a step size; the model's bits are those the command line writes for the same CSV; bad
 * params and bad columns fail with one clear message.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BackpropClassifierTest {
    private static final String[] PIXELS = IntStream.rangeClosed(1, 784).mapToObj(i -> "pixel" + i)
            .toArray(String[]::new);

    @TempDir
    static Path data;
    private static Path trainCsv;
    private static Path testCsv;

    @TempDir
    Path directory;

    @BeforeAll
    static void writeCsvs() throws IOException {
        trainCsv = KaggleCsv.write("train", 6000, data.resolve("fashion-train.csv"));
        testCsv = KaggleCsv.write("t10k", 1000, data.resolve("fashion-test.csv"));
    }

    private static SparkSession spark() {
        return LocalSpark.session();
    }

    /** The CSV's label and pixels, each pixel times 1/255 as --feature-scale multiplies it. */
    private static Dataset<Row> read(Path csv) {
        StructType schema = new StructType().add("label", DataTypes.IntegerType);
        for (String pixel : PIXELS) {
            schema = schema.add(pixel, DataTypes.IntegerType);
        }
        List<Column> columns = new ArrayList<>();
        columns.add(functions.col("label"));
        for (String pixel : PIXELS) {
            columns.add(functions.col(pixel).multiply(KaggleCsv.PIXEL_SCALE).as(pixel));
        }
        return spark().read().option("header", "true").schema(schema).csv(csv.toString())
                .select(columns.toArray(Column[]::new));
    }

    private static Pipeline pipeline(BackpropClassifier classifier) {
        VectorAssembler assembler = new VectorAssembler().setInputCols(PIXELS).setOutputCol("features");
        // alphabetical order of "0".."9" keeps each class its index
        StringIndexer indexer = new StringIndexer().setInputCol("label").setOutputCol("indexedLabel")
                .setStringOrderType("alphabetAsc");
        return new Pipeline().setStages(new PipelineStage[] {assembler, indexer,
                classifier.setLabelCol("indexedLabel")});
    }

    @Test
    void aPipelineLearnsAndItsSavedModelPredictsTheSame() throws IOException {
        BackpropClassifier classifier = new BackpropClassifier().setLayers(new int[] {784, 30, 10}).setMaxIter(3)
                .setBatchSize(10).setStepSize(0.5).setSeed(3).setBlas("ejml");
        PipelineModel model;
        List<String> log;
        try (LogCapture capture = LogCapture.start()) {
            model = pipeline(classifier).fit(read(trainCsv));
            log = capture.lines();
        }
        // the run is logged as the command line logs it
        assertTrue(log.stream().anyMatch(line -> line.contains("training [784,30,10]") && line.contains("6000 examples")),
                String.join("\n", log));
        assertEquals(3, log.stream().filter(line -> line.matches(".*epoch \\d/3: train loss .*")).count(),
                String.join("\n", log));

        Dataset<Row> predicted = model.transform(read(testCsv)).cache();
        double accuracy = new MulticlassClassificationEvaluator().setLabelCol("indexedLabel")
                .setMetricName("accuracy").evaluate(predicted);
        assertTrue(accuracy >= 0.75, "accuracy " + accuracy);
        for (Row row : predicted.select("rawPrediction", "probability", "prediction").collectAsList()) {
            double[] z = ((Vector) row.get(0)).toArray();
            double[] probability = ((Vector) row.get(1)).toArray();
            assertEquals(1.0, Arrays.stream(probability).sum(), 1e-12);
            int best = IntStream.range(0, 10).reduce((a, b) -> probability[b] > probability[a] ? b : a).orElseThrow();
            assertEquals(best, row.getDouble(2));
            // softmax(z) = e^{z_k − max} / Σ e^{z_m − max}
            double max = Arrays.stream(z).max().orElseThrow();
            double sum = Arrays.stream(z).map(value -> Math.exp(value - max)).sum();
            assertEquals(Math.exp(z[3] - max) / sum, probability[3], 1e-15);
        }

        Path saved = directory.resolve("pipeline");
        model.write().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());
        List<Row> before = predicted.select("probability", "prediction").collectAsList();
        List<Row> after = loaded.transform(read(testCsv)).select("probability", "prediction").collectAsList();
        assertEquals(before, after);

        // the weights inside the model directory are the command line's model file
        Path stageDirectory;
        try (var stages = Files.list(saved.resolve("stages"))) {
            stageDirectory = stages.filter(stage -> stage.getFileName().toString().startsWith("2_")).findFirst()
                    .orElseThrow();
        }
        Path weights = stageDirectory.resolve(ModelFile.IN_MODEL_DIRECTORY);
        assertTrue(Files.exists(stageDirectory.resolve("metadata")), "Spark's params metadata");
        assertArrayEquals(new int[] {784, 30, 10}, ModelFile.read(weights.toString()).sizes());
        // network2's own load() reads it and classifies Fashion-MNIST's test images with it
        int[] counts = Network2.accuracy(weights, KaggleCsv.FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz"));
        assertEquals(10000, counts[1]);
        assertTrue(counts[0] >= 7000, "network2: " + counts[0] + " of 10000 right");

        // evaluate reads the saved directory, and counts the same correct predictions on the same rows
        LocalSpark.stop();
        Cli.Result evaluated = Cli.run("evaluate", "--model", stageDirectory.toString(), "--data", testCsv.toString(),
                "--format", "csv", "--feature-scale", Double.toString(KaggleCsv.PIXEL_SCALE), "--blas", "ejml");
        assertEquals(0, evaluated.exitCode(), evaluated.err());
        assertTrue(evaluated.out().contains(String.format("accuracy        %.6f%n", accuracy)), evaluated.out());
    }

    @Test
    void thresholdsChooseAsInSparksProbabilisticClassifiers() {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        java.util.Random random = new java.util.Random(6);
        for (int i = 0; i < 200; i++) {
            double x = random.nextGaussian();
            rows.add(RowFactory.create(Vectors.dense(x, random.nextGaussian()), x > 0 ? 1.0 : 0.0));
        }
        Dataset<Row> frame = spark().createDataFrame(rows, schema);
        BackpropClassificationModel model = new BackpropClassifier().setLayers(new int[] {2, 4, 2}).setMaxIter(5)
                .setBatchSize(4).setStepSize(1.0).setBlas("ejml").fit(frame);
        long onesByProbability = model.transform(frame).filter("prediction = 1.0").count();
        // Spark's rule: the class k of the largest probability_k / threshold_k
        model.setThresholds(new double[] {1.0, 0.01});
        for (Row row : model.transform(frame).select("probability", "prediction").collectAsList()) {
            double[] probability = ((Vector) row.get(0)).toArray();
            assertEquals(probability[1] / 0.01 > probability[0] / 1.0 ? 1.0 : 0.0, row.getDouble(1));
        }
        long ones = model.transform(frame).filter("prediction = 1.0").count();
        assertTrue(ones > onesByProbability, ones + " rows of class 1 with its threshold 100 times lower, "
                + onesByProbability + " without thresholds");
    }

    @Test
    void fitWritesTheModelBitsTheCommandLineWritesForTheSameCsv() throws IOException {
        Path cliModel = directory.resolve("cli-model.json");
        LocalSpark.stop();
        Cli.Result trained = Cli.run("train", "--train", trainCsv.toString(), "--format", "csv",
                "--feature-scale", Double.toString(KaggleCsv.PIXEL_SCALE), "--layers", "784,20,10", "--epochs", "2",
                "--batch-size", "16", "--learning-rate", "0.3", "--momentum", "0.5", "--l2", "0.1", "--seed", "11",
                "--partitions", "2", "--blas", "ejml", "--model-out", cliModel.toString());
        assertEquals(0, trained.exitCode(), trained.err());

        BackpropClassifier classifier = new BackpropClassifier().setLayers(new int[] {784, 20, 10}).setMaxIter(2)
                .setBatchSize(16).setStepSize(0.3).setMomentum(0.5).setRegParam(0.1).setSeed(11).setNumPartitions(2)
                .setBlas("ejml");
        BackpropClassificationModel model = classifier.fit(assembled(trainCsv));
        Path saved = directory.resolve("model");
        model.save(saved.toString());
        assertArrayEquals(Files.readAllBytes(cliModel), Files.readAllBytes(saved.resolve(ModelFile.IN_MODEL_DIRECTORY)));
    }

    @Test
    void theModelSavesAsOnnxThatServesWhatTransformGives() throws Exception {
        BackpropClassificationModel model = new BackpropClassifier().setLayers(new int[] {784, 20, 10}).setMaxIter(1)
                .setBatchSize(16).setStepSize(0.3).setSeed(2).setBlas("ejml").fit(assembled(trainCsv));
        Path onnx = directory.resolve("model.onnx");
        model.write().format("onnx").save(onnx.toString());

        List<Row> rows = model.transform(assembled(testCsv)).select("features", "probability", "prediction")
                .collectAsList();
        float[] features = new float[rows.size() * 784];
        for (int row = 0; row < rows.size(); row++) {
            double[] values = ((Vector) rows.get(row).get(0)).toArray();
            for (int i = 0; i < 784; i++) {
                features[row * 784 + i] = (float) values[i];
            }
        }
        OnnxRuntime.Outputs served = OnnxRuntime.run(onnx, features, rows.size(), 784);
        double largestDifference = 0.0;
        int agreeing = 0;
        for (int row = 0; row < rows.size(); row++) {
            double[] probability = ((Vector) rows.get(row).get(1)).toArray();
            for (int k = 0; k < 10; k++) {
                largestDifference = Math.max(largestDifference, Math.abs(probability[k] - served.probability()[row][k]));
            }
            agreeing += served.label()[row] == (long) rows.get(row).getDouble(2) ? 1 : 0;
        }
        assertTrue(largestDifference <= 1e-5, "probabilities within 1e-5 of transform's: " + largestDifference);
        assertTrue(agreeing >= 0.999 * rows.size(), agreeing + " of " + rows.size() + " predictions agree");

        // Spark's writer conventions: a path that exists needs overwrite(); options reach the format
        Exception exists = assertThrows(IOException.class, () -> model.write().format("onnx").save(onnx.toString()));
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
        model.write().format("onnx").option("opset", "13").overwrite().save(onnx.toString());
        assertEquals(13, OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnx)).getOpsetImport(0).getVersion());

        // the saved model's directory, exported by the command line, is the same file
        Path saved = directory.resolve("saved-model");
        model.write().save(saved.toString());
        Path exported = directory.resolve("exported.onnx");
        Cli.Result result = Cli.run("export", "--model", saved.toString(), "--out", exported.toString(),
                "--opset", "13");
        assertEquals(0, result.exitCode(), result.err());
        assertArrayEquals(Files.readAllBytes(onnx), Files.readAllBytes(exported));
    }

    @Test
    void aLabelColumnOfNamesNeedsNoStringIndexer() throws Exception {
        List<String> names = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                "Sneaker", "Bag", "Ankle boot");
        List<String> sorted = names.stream().sorted().toList();
        Column byIndex = functions.array(names.stream().map(functions::lit).toArray(Column[]::new));
        Dataset<Row> named = assembled(trainCsv).withColumn("label",
                functions.element_at(byIndex, functions.col("label").plus(1)));
        // the same rows with the label k' of each name in sorted order, as the fit numbers them
        Column sortedIndex = functions.array_position(functions.array(sorted.stream().map(functions::lit)
                .toArray(Column[]::new)), functions.col("label")).minus(1).cast(DataTypes.DoubleType);
        Dataset<Row> indexed = named.withColumn("label", sortedIndex);
        BackpropClassifier classifier = new BackpropClassifier().setLayers(new int[] {784, 16, 10}).setMaxIter(1)
                .setBatchSize(32).setStepSize(0.5).setSeed(6).setBlas("ejml");

        // in a Pipeline, the names mapped back by IndexToString with the model's names
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {classifier,
                new IndexToString().setInputCol("prediction").setOutputCol("predictedName")
                        .setLabels(sorted.toArray(String[]::new))}).fit(named);
        long right = pipeline.transform(named).where("predictedName = label").count();
        assertTrue(right > 0.6 * named.count(), right + " names predicted right");

        BackpropClassificationModel fromNames = (BackpropClassificationModel) pipeline.stages()[0];
        BackpropClassificationModel fromIndices = classifier.fit(indexed);
        assertTrue(fromNames.network().bitwiseEquals(fromIndices.network()), "the bits of the sorted-name indices");
        assertEquals(sorted, fromNames.classNames());
        assertEquals(null, fromIndices.classNames());
        assertEquals(classifier, fromNames.parent());

        // kept when saved, in the model file and in the ONNX model's metadata
        Path saved = directory.resolve("named-model");
        fromNames.write().save(saved.toString());
        assertEquals(sorted, BackpropClassificationModel.load(saved.toString()).classNames());
        assertEquals(sorted, ModelFile.read(saved.toString()).classNames());
        Path onnx = directory.resolve("named.onnx");
        fromNames.write().format("onnx").save(onnx.toString());
        String classes = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnx)).getMetadataPropsList().stream()
                .filter(entry -> entry.getKey().equals("classes")).findFirst().orElseThrow().getValue();
        assertEquals("[\"Ankle boot\", \"Bag\", \"Coat\", \"Dress\", \"Pullover\", \"Sandal\", \"Shirt\", \"Sneaker\","
                + " \"T-shirt/top\", \"Trouser\"]", classes);

        BadInputException tooFew = assertThrows(BadInputException.class,
                () -> classifier.copy(ParamMap.empty()).setLayers(new int[] {784, 16, 9}).fit(named));
        assertEquals("label column 'label' names 10 classes ('Ankle boot', 'Bag', 'Coat', 'Dress', 'Pullover', ...),"
                + " but layers end in 9 (784,16,9): the last layer needs one output per class", tooFew.getMessage());
    }

    /** The CSV's pixels as one Vector column, features, beside its label. */
    private static Dataset<Row> assembled(Path csv) {
        return new VectorAssembler().setInputCols(PIXELS).setOutputCol("features").transform(read(csv))
                .select("features", "label");
    }

    @Test
    void crossValidationOverTheStepSizePicksTheOneThatLearns() {
        BackpropClassifier classifier = new BackpropClassifier().setMaxIter(1).setBatchSize(20).setBlas("ejml");
        Pipeline pipeline = pipeline(classifier);
        ParamMap[] grid = new ParamGridBuilder().addGrid(classifier.stepSize(), new double[] {1e-4, 0.5}).build();
        CrossValidator validator = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setLabelCol("indexedLabel")
                        .setMetricName("accuracy"))
                .setNumFolds(2).setSeed(5);
        CrossValidatorModel tuned = validator.fit(read(trainCsv).limit(3000));
        double[] metrics = tuned.avgMetrics();
        assertEquals(2, metrics.length);
        assertTrue(metrics[1] > metrics[0] + 0.2, Arrays.toString(metrics));
        BackpropClassificationModel best = (BackpropClassificationModel) ((PipelineModel) tuned.bestModel()).stages()[2];
        assertEquals(0.5, ((BackpropClassifier) best.parent()).getStepSize());
    }

    @Test
    void badParamsFailWhenSetInSparksWords() {
        BackpropClassifier classifier = new BackpropClassifier("backpropClassifier_test");
        assertEquals("backpropClassifier_test parameter stepSize given invalid value -1.0.",
                assertThrows(IllegalArgumentException.class, () -> classifier.setStepSize(-1)).getMessage());
        assertEquals("backpropClassifier_test parameter layers given invalid value [784]: expected at least two sizes,"
                        + " the input size first and the number of classes last, each at least 1.",
                assertThrows(IllegalArgumentException.class, () -> classifier.setLayers(new int[] {784})).getMessage());
        assertEquals("backpropClassifier_test parameter momentum given invalid value 1.0.",
                assertThrows(IllegalArgumentException.class, () -> classifier.setMomentum(1.0)).getMessage());
        assertEquals("backpropClassifier_test parameter initMode given invalid value xavier.",
                assertThrows(IllegalArgumentException.class, () -> classifier.setInitMode("xavier")).getMessage());
        assertEquals("backpropClassifier_test parameter maxIter given invalid value 0.",
                assertThrows(IllegalArgumentException.class, () -> classifier.setMaxIter(0)).getMessage());
        // every param belongs to the classifier, with its documentation
        assertTrue(classifier.explainParams().contains("stepSize: learning rate"), classifier.explainParams());
        assertEquals(0.5, classifier.getStepSize());
    }

    @Test
    void badColumnsFailWithOneClearMessage() {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
        BackpropClassifier classifier = new BackpropClassifier().setLayers(new int[] {3, 4, 2}).setMaxIter(1)
                .setBlas("ejml");

        Dataset<Row> labelOutside = frame(schema, RowFactory.create(Vectors.dense(0.1, 0.2, 0.3), 1.0),
                RowFactory.create(Vectors.dense(0.1, 0.2, 0.3), 2.0));
        assertFails("the DataFrame row 1: label 2 is outside [0, 2), the last layer size", classifier, labelOutside);

        Dataset<Row> wrongSize = frame(schema, RowFactory.create(Vectors.dense(0.1, 0.2, 0.3), 1.0),
                RowFactory.create(Vectors.sparse(4, new int[] {3}, new double[] {1.0}), 0.0));
        assertFails("the DataFrame row 1: features has 4 values, but the input size, layers(0), is 3", classifier,
                wrongSize);

        Dataset<Row> fractional = frame(schema, RowFactory.create(Vectors.dense(0.1, 0.2, 0.3), 0.5));
        assertFails("the DataFrame row 0: label 0.5 is not a class index (an integer in [0, 2))", classifier,
                fractional);

        Dataset<Row> assembled = new VectorAssembler().setInputCols(Arrays.copyOf(PIXELS, 783)).setOutputCol("features")
                .transform(read(testCsv).limit(10));
        assertFails("features column 'features' holds vectors of 783 values (by its metadata, e.g. from"
                + " VectorAssembler), but the input size, layers(0), is 784", new BackpropClassifier().setMaxIter(1),
                assembled);

        Dataset<Row> textLabels = frame(new StructType().add("features", SQLDataTypes.VectorType())
                .add("label", DataTypes.StringType), RowFactory.create(Vectors.dense(0.1, 0.2, 0.3), "cat"));
        // names are classes: one name for two outputs is a mismatch of the layers
        assertFails("label column 'label' names 1 classes ('cat'), but layers end in 2 (3,4,2): the last layer needs"
                + " one output per class", classifier, textLabels);
        Dataset<Row> booleanLabels = frame(new StructType().add("features", SQLDataTypes.VectorType())
                .add("label", DataTypes.BooleanType), RowFactory.create(Vectors.dense(0.1, 0.2, 0.3), true));
        IllegalArgumentException notNumeric = assertThrows(IllegalArgumentException.class,
                () -> classifier.fit(booleanLabels));
        assertTrue(notNumeric.getMessage().contains("label") && notNumeric.getMessage().contains("numeric"),
                notNumeric.getMessage());

        Dataset<Row> elevenClasses = new StringIndexer().setInputCol("label").setOutputCol("indexed")
                .fit(frame(new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.StringType),
                        IntStream.range(0, 11).mapToObj(k -> RowFactory.create(Vectors.dense(0.1, 0.2, 0.3), "c" + k))
                                .toArray(Row[]::new)))
                .transform(frame(new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.StringType),
                        RowFactory.create(Vectors.dense(0.1, 0.2, 0.3), "c1")));
        assertFails("label column 'indexed' has 11 classes (by its metadata, e.g. from StringIndexer), but layers end in"
                + " 10 (3,5,10): the last layer needs one output per class",
                new BackpropClassifier().setLayers(new int[] {3, 5, 10}).setLabelCol("indexed"), elevenClasses);

        assertFails("backpropClassifier_x: earlyStopPatience needs validationIndicatorCol, the rows whose loss it watches",
                new BackpropClassifier("backpropClassifier_x").setLayers(new int[] {3, 4, 2}).setEarlyStopPatience(2),
                labelOutside);
    }

    /** Fails with exactly {@code message}, and Spark's log says nothing at WARN or above meanwhile. */
    private static void assertFails(String message, BackpropClassifier classifier, Dataset<Row> frame) {
        try (LogCapture capture = LogCapture.start()) {
            IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> classifier.fit(frame));
            assertEquals(message, failure.getMessage());
            List<String> loud = capture.lines().stream().filter(line -> line.startsWith("WARN")
                    || line.startsWith("ERROR")).toList();
            assertEquals(List.of(), loud);
        }
    }

    private static Dataset<Row> frame(StructType schema, Row... rows) {
        return spark().createDataFrame(Arrays.asList(rows), schema);
    }

    @Test
    void validationRowsAreScoredEveryEpochAndStopTrainingEarly() {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType)
                .add("validation", DataTypes.BooleanType);
        List<Row> rows = new ArrayList<>();
        java.util.Random random = new java.util.Random(4);
        for (int i = 0; i < 400; i++) {
            double x = random.nextGaussian();
            double y = random.nextGaussian();
            rows.add(RowFactory.create(Vectors.dense(x, y), x * y > 0 ? 1.0 : 0.0, i % 4 == 0));
        }
        BackpropClassifier classifier = new BackpropClassifier().setLayers(new int[] {2, 3, 2}).setMaxIter(60)
                .setBatchSize(4).setStepSize(8.0).setEarlyStopPatience(1).setValidationIndicatorCol("validation")
                .setBlas("ejml");
        List<String> log;
        try (LogCapture capture = LogCapture.start()) {
            classifier.fit(spark().createDataFrame(rows, schema));
            log = capture.lines();
        }
        String all = String.join("\n", log);
        assertTrue(all.contains("on 300 examples of the DataFrame's training rows") && all.contains("validating on 100"),
                all);
        assertTrue(log.stream().anyMatch(line -> line.matches(".*epoch 1/60: train loss [0-9.]+, validation loss .*")),
                all);
        assertTrue(all.contains("early stop after epoch"), all);
    }

    @Test
    void aFitGoesOnFromItsCheckpointsToTheBitsOfAnUninterruptedOne() throws IOException {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        java.util.Random random = new java.util.Random(9);
        for (int i = 0; i < 300; i++) {
            rows.add(RowFactory.create(Vectors.dense(random.nextDouble(), random.nextDouble(), random.nextDouble()),
                    (double) random.nextInt(3)));
        }
        Dataset<Row> frame = spark().createDataFrame(rows, schema);
        BackpropClassifier classifier = new BackpropClassifier().setLayers(new int[] {3, 5, 3}).setBatchSize(8)
                .setSeed(2).setNumPartitions(2).setBlas("ejml");
        BackpropClassificationModel straightModel = classifier.copy(new ParamMap()).setMaxIter(3).fit(frame);
        byte[] straight = modelBytes(straightModel, "straight");

        String checkpoints = directory.resolve("checkpoints").toString();
        classifier.setCheckpointDir(checkpoints).setCheckpointInterval(7);
        classifier.copy(new ParamMap()).setMaxIter(2).fit(frame);
        List<String> log;
        BackpropClassificationModel resumed;
        try (LogCapture capture = LogCapture.start()) {
            resumed = classifier.copy(new ParamMap()).setMaxIter(3).fit(frame);
            log = capture.lines();
        }
        assertTrue(log.stream().anyMatch(line -> line.contains("resuming from") && line.contains("2 epochs")),
                String.join("\n", log));
        assertArrayEquals(straight, modelBytes(resumed, "resumed"));
        // the summary has the epochs before the checkpoint too, with the losses of the uninterrupted fit
        assertEquals(3, resumed.summary().totalIterations());
        assertArrayEquals(straightModel.summary().objectiveHistory(), resumed.summary().objectiveHistory());

        // other rows are another run's data: refused, not trained on from the wrong start
        Dataset<Row> other = spark().createDataFrame(rows.subList(0, 299), schema);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> classifier.copy(new ParamMap()).setMaxIter(4).fit(other));
        assertTrue(refused.getMessage().contains("is of another run"), refused.getMessage());

        Path file = Files.writeString(directory.resolve("a-file"), "not a directory");
        assertFails("checkpointDir " + file + ": is a file, expected a directory",
                classifier.copy(new ParamMap()).setCheckpointDir(file.toString()), frame);
    }

    private byte[] modelBytes(BackpropClassificationModel model, String name) throws IOException {
        Path saved = directory.resolve(name);
        model.write().save(saved.toString());
        return Files.readAllBytes(saved.resolve(ModelFile.IN_MODEL_DIRECTORY));
    }

    @Test
    void theUnfittedEstimatorSavesAndLoadsWithItsParams() throws IOException {
        BackpropClassifier classifier = new BackpropClassifier().setLayers(new int[] {4, 8, 3}).setStepSize(0.25)
                .setActivation("tanh").setValidationIndicatorCol("holdout");
        Path saved = directory.resolve("estimator");
        classifier.save(saved.toString());
        BackpropClassifier loaded = BackpropClassifier.load(saved.toString());
        assertEquals(classifier.uid(), loaded.uid());
        assertArrayEquals(new int[] {4, 8, 3}, loaded.getLayers());
        assertEquals(0.25, loaded.getStepSize());
        assertEquals("tanh", loaded.getActivation());
        assertEquals("holdout", loaded.getValidationIndicatorCol());
        assertEquals(classifier.trainingSettings(), loaded.trainingSettings());
        String metadata = Files.readString(Files.list(saved.resolve("metadata")).filter(file -> file.getFileName()
                .toString().startsWith("part-")).findFirst().orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(metadata.contains("\"class\":\"org.sparkbackprop.ml.BackpropClassifier\""), metadata);
    }
}
