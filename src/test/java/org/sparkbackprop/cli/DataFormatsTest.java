package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.data.Idx;
import org.sparkbackprop.testing.Cli;
import org.sparkbackprop.testing.IdxFiles;
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.LogCapture;

/** CSV, LIBSVM and Parquet through the commands: each trains, multi-label included, and bad rows are named. */
class DataFormatsTest {
    @TempDir
    static Path directory;

    @BeforeAll
    static void writeData() throws Exception {
        Path idx = directory.resolve("idx");
        IdxFiles.write(idx, "train", 600, 1, -1, 0);
        IdxFiles.write(idx, "t10k", 200, 2, -1, 0);
        kaggleCsv(idx.resolve("train-images-idx3-ubyte.gz"), directory.resolve("train.csv"));
        kaggleCsv(idx.resolve("t10k-images-idx3-ubyte.gz"), directory.resolve("test.csv"));
        multiLabelLibsvm(directory.resolve("train.svm"), 1, 800);
        multiLabelLibsvm(directory.resolve("test.svm"), 2, 300);
    }

    @Test
    void kaggleStyleMnistCsvTrainsWithoutConversion() throws Exception {
        Path metrics = directory.resolve("csv-metrics.jsonl");
        List<byte[]> models = new ArrayList<>();
        for (String cache : List.of("memory", "memory", "disk")) {
            Path model = directory.resolve("csv-model-" + models.size() + ".json");
            Cli.Result result = Cli.run("train", "--train", directory.resolve("train.csv").toString(),
                    "--test", directory.resolve("test.csv").toString(), "--feature-scale", "0.00392156862745098",
                    "--layers", "784,16,10", "--epochs", "3", "--batch-size", "20", "--learning-rate", "1.0",
                    "--partitions", "3", "--cache", cache, "--metrics-out", metrics.toString(),
                    "--model-out", model.toString());
            assertEquals(0, result.exitCode(), result.err());
            models.add(Files.readAllBytes(model));
        }
        assertTrue(java.util.Arrays.equals(models.get(0), models.get(1)), "the same CSV, seed and partitions: the same bits");
        assertTrue(java.util.Arrays.equals(models.get(0), models.get(2)), "features in local files: the same bits");
        double accuracy = lastEpoch(metrics).get("test_accuracy").asDouble();
        assertTrue(accuracy > 0.9, "test accuracy " + accuracy);
    }

    @Test
    void multiLabelLibsvmTrainsWithSigmoidOutputAndEvaluateReportsMicroF1() throws Exception {
        Path model = directory.resolve("svm-model.json");
        Cli.Result result = Cli.run("train", "--train", directory.resolve("train.svm").toString(),
                "--test", directory.resolve("test.svm").toString(), "--output", "sigmoid", "--layers", "6,16,4",
                "--epochs", "12", "--batch-size", "20", "--learning-rate", "2.0", "--partitions", "2",
                "--model-out", model.toString());
        assertEquals(0, result.exitCode(), result.err());
        Cli.Result evaluate = Cli.run("evaluate", "--model", model.toString(),
                "--data", directory.resolve("test.svm").toString(), "--json");
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        JsonNode scores = new ObjectMapper().readTree(evaluate.out());
        assertEquals(300, scores.get("examples").asInt());
        assertTrue(scores.get("micro_f1").asDouble() > 0.9, evaluate.out());
        assertTrue(scores.get("hamming_loss").asDouble() < 0.1, evaluate.out());
    }

    @Test
    void multiLabelCsvWithLabelColumnsAndSingleLabelLibsvm() throws Exception {
        SplittableRandom random = new SplittableRandom(6);
        StringBuilder csv = new StringBuilder("x0,x1,x2,x3,x4,x5,y0,y1,y2,y3\n");
        StringBuilder svm = new StringBuilder();
        for (int n = 0; n < 600; n++) {
            double[] x = random.doubles(6).toArray();
            for (double value : x) {
                csv.append(value).append(',');
            }
            csv.append(IntStream.range(0, 4).mapToObj(k -> x[k] > 0.5 ? "1" : "0").collect(Collectors.joining(",")));
            csv.append('\n');
            svm.append(x[0] + x[1] > x[2] + x[3] ? 1 : 0);
            for (int i = 0; i < 6; i++) {
                svm.append(' ').append(i + 1).append(':').append(x[i]);
            }
            svm.append('\n');
        }
        Path csvFile = directory.resolve("multi.csv");
        Path svmFile = directory.resolve("single.svm");
        Files.writeString(csvFile, csv);
        Files.writeString(svmFile, svm);

        Path csvMetrics = directory.resolve("multi-csv.jsonl");
        Cli.Result multi = Cli.run("train", "--train", csvFile.toString(), "--test", csvFile.toString(),
                "--label-cols", "y0,y1,y2,y3", "--output", "sigmoid", "--layers", "6,16,4", "--epochs", "12",
                "--batch-size", "20", "--learning-rate", "2.0", "--metrics-out", csvMetrics.toString());
        assertEquals(0, multi.exitCode(), multi.err());
        assertTrue(lastEpoch(csvMetrics).get("test_micro_f1").asDouble() > 0.9, Files.readString(csvMetrics));

        Path svmMetrics = directory.resolve("single-svm.jsonl");
        Cli.Result single = Cli.run("train", "--train", svmFile.toString(), "--test", svmFile.toString(),
                "--layers", "6,8,2", "--epochs", "12", "--batch-size", "20", "--learning-rate", "2.0",
                "--metrics-out", svmMetrics.toString());
        assertEquals(0, single.exitCode(), single.err());
        assertTrue(lastEpoch(svmMetrics).get("test_accuracy").asDouble() > 0.9, Files.readString(svmMetrics));
    }

    @Test
    void parquetWithFeatureArraysSingleAndMultiLabel() throws Exception {
        SparkSession spark = SparkSession.builder().sparkContext(LocalSpark.context().sc()).getOrCreate();
        SplittableRandom random = new SplittableRandom(4);
        List<Row> single = new ArrayList<>();
        List<Row> multi = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            float[] x = new float[6];
            for (int k = 0; k < 6; k++) {
                x[k] = (float) random.nextDouble();
            }
            List<Float> features = IntStream.range(0, 6).mapToObj(k -> x[k]).toList();
            single.add(RowFactory.create(features, x[0] + x[1] > x[2] + x[3] ? 1 : 0));
            multi.add(RowFactory.create(features, IntStream.range(0, 4).filter(k -> x[k] > 0.5).boxed().toList()));
        }
        StructType singleSchema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.IntegerType);
        StructType multiSchema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType))
                .add("labels", DataTypes.createArrayType(DataTypes.IntegerType));
        String singlePath = directory.resolve("single.parquet").toString();
        String multiPath = directory.resolve("multi.parquet").toString();
        spark.createDataFrame(single, singleSchema).repartition(3).write().parquet(singlePath);
        spark.createDataFrame(multi, multiSchema).repartition(2).write().parquet(multiPath);

        Path metrics = directory.resolve("parquet-metrics.jsonl");
        Cli.Result trained = Cli.run("train", "--train", singlePath, "--test", singlePath,
                "--layers", "6,8,2", "--epochs", "20", "--batch-size", "20", "--learning-rate", "2.0",
                "--metrics-out", metrics.toString());
        assertEquals(0, trained.exitCode(), trained.err());
        assertTrue(lastEpoch(metrics).get("test_accuracy").asDouble() > 0.9, Files.readString(metrics));

        Path multiMetrics = directory.resolve("parquet-multi-metrics.jsonl");
        Cli.Result multiTrained = Cli.run("train", "--train", multiPath, "--test", multiPath,
                "--output", "sigmoid", "--layers", "6,16,4", "--epochs", "12", "--batch-size", "20",
                "--learning-rate", "2.0", "--metrics-out", multiMetrics.toString());
        assertEquals(0, multiTrained.exitCode(), multiTrained.err());
        assertTrue(lastEpoch(multiMetrics).get("test_micro_f1").asDouble() > 0.85, Files.readString(multiMetrics));
    }

    @Test
    void badRowsAreNamedByFileAndLine() throws Exception {
        Path bad = directory.resolve("bad");
        Files.createDirectories(bad);
        String header = "label," + IntStream.range(0, 4).mapToObj(i -> "p" + i).collect(Collectors.joining(","));
        assertBadCsv(bad.resolve("columns.csv"), header + "\n1,0,0,0,0\n2,0,0,0\n", "columns.csv line 3: 4 columns, expected 5");
        assertBadCsv(bad.resolve("text.csv"), header + "\n1,0,0,0,0\n2,0,zero,0,0\n", "text.csv line 3: column p1 holds 'zero', expected a number");
        assertBadCsv(bad.resolve("nan.csv"), header + "\n1,0,NaN,0,0\n", "nan.csv line 2: column p1 is NaN, expected a finite number");
        assertBadCsv(bad.resolve("infinite.csv"), header + "\n1,0,0,-Infinity,0\n", "infinite.csv line 2: column p2 is -Infinity");
        assertBadCsv(bad.resolve("label.csv"), header + "\n1,0,0,0,0\n1,0,0,0,0\n3,0,0,0,0\n", "label.csv line 4: label 3 is outside [0, 3)");
        assertBadCsv(bad.resolve("empty.csv"), "", "empty.csv: empty file");
        assertBadCsv(bad.resolve("header-only.csv"), header + "\n", "header-only.csv: no examples");

        Path svm = bad.resolve("zero.svm");
        Files.writeString(svm, "1 1:0.5\n0 0:1\n");
        assertBad("zero.svm line 2: feature index 0 is outside [1, 4]", "train", "--train", svm.toString(), "--layers", "4,3,3", "--num-features", "4");
        Path wide = bad.resolve("wide.svm");
        Files.writeString(wide, "1 1:0.5\n0 5:1\n");
        assertBad("wide.svm line 2: feature index 5 is outside [1, 4]", "train", "--train", wide.toString(), "--layers", "4,3,3", "--num-features", "4");
        SparkSession spark = SparkSession.builder().sparkContext(LocalSpark.context().sc()).getOrCreate();
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("label", DataTypes.IntegerType);
        String nan = bad.resolve("nan.parquet").toString();
        spark.createDataFrame(List.of(RowFactory.create(List.of(0.5, 0.5, 0.5, 0.5), 1),
                RowFactory.create(List.of(0.5, Double.NaN, 0.5, 0.5), 0)), schema).coalesce(1).write().parquet(nan);
        String noLabel = bad.resolve("null-label.parquet").toString();
        spark.createDataFrame(List.of(RowFactory.create(List.of(0.5, 0.5, 0.5, 0.5), null)), schema).coalesce(1)
                .write().parquet(noLabel);
        LocalSpark.stop();
        assertBad("row 1: features[1] is NaN, expected a finite number", "train", "--train", nan, "--layers", "4,3,3");
        assertBad("row 0: label is null", "train", "--train", noLabel, "--layers", "4,3,3");
        assertBad("missing.csv: no such file or directory", "train", "--train", bad.resolve("missing.csv").toString());
        assertBad("layers: the input size is 100 but", "train", "--train", directory.resolve("train.csv").toString(), "--layers", "100,10");
    }

    @Test
    void verboseShowsTheStackTraceOfTheTaskThatFoundABadRow() throws Exception {
        Path file = directory.resolve("bad/verbose.csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "label,p0,p1,p2,p3\n1,0,zero,0,0\n");
        Cli.Result result = Cli.run("train", "--train", file.toString(), "--layers", "4,3,3",
                "--verbose");
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(result.err().contains("at org.sparkbackprop.data.Cells.feature("),
                "the frames of the executor where the row was parsed:\n" + result.err());
        List<String> lines = result.errLines();
        assertEquals("error: verbose.csv line 2: column p1 holds 'zero', expected a number", lines.get(lines.size() - 1));
    }

    private static void assertBadCsv(Path file, String content, String expected) throws Exception {
        Files.writeString(file, content);
        assertBad(expected, "train", "--train", file.toString(), "--layers", "4,3,3");
    }

    /**
     * The command fails with exit code 2, and its whole output is one line naming the problem:
     * nothing else is logged, though the row was found inside a Spark task.
     */
    private static void assertBad(String expected, String... args) {
        Cli.Result result;
        List<String> logged;
        try (LogCapture log = LogCapture.start()) {
            result = Cli.run(args);
            logged = log.lines();
        }
        assertEquals(2, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains(expected), "expected '" + expected + "' in: " + result.err());
        assertEquals(List.of(), logged, "nothing logged beside the error line");
        assertEquals("", result.out());
    }

    private static JsonNode lastEpoch(Path metrics) throws Exception {
        List<String> lines = Files.readAllLines(metrics);
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }

    /** label,pixel0,...,pixel783 with raw 0–255 values, as Kaggle's MNIST CSV files are. */
    static void kaggleCsv(Path images, Path csv) throws Exception {
        StringBuilder out = new StringBuilder("label," + IntStream.range(0, 784).mapToObj(i -> "pixel" + i)
                .collect(Collectors.joining(",")) + "\n");
        try (DataInputStream pixels = Idx.open(Files.newInputStream(images));
             DataInputStream labels = Idx.open(Files.newInputStream(Path.of(Idx.labelsPathFor(images.toString()))))) {
            int count = Idx.readHeader(pixels, "images", 3).count();
            Idx.readHeader(labels, "labels", 1);
            for (int n = 0; n < count; n++) {
                out.append(labels.read());
                for (int i = 0; i < 784; i++) {
                    out.append(',').append(pixels.read());
                }
                out.append('\n');
            }
        }
        Files.writeString(csv, out);
    }

    /** Six features uniform in [0, 1); class k is on when feature k > 0.5, for k = 0..3. */
    private static void multiLabelLibsvm(Path file, long seed, int count) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < count; n++) {
            double[] x = random.doubles(6).toArray();
            out.append(IntStream.range(0, 4).filter(k -> x[k] > 0.5).mapToObj(Integer::toString)
                    .collect(Collectors.joining(",")));
            for (int i = 0; i < 6; i++) {
                out.append(' ').append(i + 1).append(':').append(x[i]);
            }
            out.append('\n');
        }
        Files.writeString(file, out);
    }
}
