package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.Idx;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.testing.Cli;
import org.sparkbackprop.testing.LocalSpark;
import org.sparkbackprop.testing.LogCapture;
import org.sparkbackprop.testing.Network2;

/**
 * Issue 26: any Spark SQL source or catalog table, with class names as labels. ORC, JSON and a
 * table saved with saveAsTable, holding string labels and array features, train to the model
 * bytes of the same rows in Parquet with the labels as indices in sorted-name order (the model
 * file recording the names besides); predict writes the names; evaluate names them; bad input
 * is one line each.
 */
class SqlSourcesTest {
    /** Sorted: class k is the k-th. */
    private static final List<String> NAMES = List.of("sandal", "shirt", "sneaker");
    private static final int FEATURES = 12;

    @TempDir
    static Path directory;
    static Path reference;

    @BeforeAll
    static void writeSources() throws IOException {
        SparkSession spark = session();
        List<Row> named = new ArrayList<>();
        List<Row> indexed = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(26);
        for (int i = 0; i < 600; i++) {
            List<Double> pixels = new ArrayList<>();
            double[] sums = new double[NAMES.size()];
            for (int f = 0; f < FEATURES; f++) {
                double value = Math.round(random.nextDouble() * 1000) / 1000.0;
                pixels.add(value);
                sums[f % NAMES.size()] += value;
            }
            int label = sums[0] > sums[1] ? (sums[0] > sums[2] ? 0 : 2) : (sums[1] > sums[2] ? 1 : 2);
            named.add(RowFactory.create("img-" + i, NAMES.get(label), pixels));
            indexed.add(RowFactory.create(label, pixels));
        }
        StructType namedSchema = new StructType().add("id", DataTypes.StringType).add("kind", DataTypes.StringType)
                .add("pixels", DataTypes.createArrayType(DataTypes.DoubleType));
        Dataset<Row> frame = spark.createDataFrame(named, namedSchema).coalesce(1);
        frame.write().json(directory.resolve("images.json").toString());
        frame.write().orc(directory.resolve("images.orc").toString());
        Dataset<Row> indexedFrame = spark.createDataFrame(indexed, new StructType().add("label", DataTypes.IntegerType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType))).coalesce(1);
        indexedFrame.write().parquet(directory.resolve("indexed.parquet").toString());
        // the same features as ML Vectors, and the same rows as one multi-line JSON array
        indexedFrame.select(functions.col("label"), org.apache.spark.ml.functions.array_to_vector(functions.col("features"))
                .as("vector")).write().parquet(directory.resolve("vectors.parquet").toString());
        List<String> objects = new ArrayList<>();
        for (String line : Files.readAllLines(partOf(directory.resolve("images.json")))) {
            objects.add("  " + line);
        }
        Files.writeString(directory.resolve("images-array.json"), "[\n" + String.join(",\n", objects) + "\n]\n");
        reference = directory.resolve("reference.json");
        LocalSpark.stop();
        Cli.Result trained = train("--train", directory.resolve("indexed.parquet").toString(), "--model-out",
                reference.toString());
        assertEquals(0, trained.exitCode(), trained.err());
    }

    private static SparkSession session() {
        return SparkSession.builder().sparkContext(LocalSpark.context("local[2]",
                Map.of("spark.sql.warehouse.dir", directory.resolve("warehouse").toString())).sc()).getOrCreate();
    }

    private static Cli.Result train(String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--layers", FEATURES + ",8,3", "--epochs", "3",
                "--batch-size", "16", "--learning-rate", "1.0", "--seed", "4", "--partitions", "2", "--blas", "ejml"));
        args.addAll(List.of(options));
        return Cli.run(args.toArray(String[]::new));
    }

    static Stream<Arguments> sources() {
        return Stream.of(Arguments.of("json", "images.json", List.of()), Arguments.of("orc", "images.orc", List.of()),
                Arguments.of("json", "images-array.json", List.of("--source-option", "multiLine=true")));
    }

    @ParameterizedTest(name = "{1} {2}")
    @MethodSource("sources")
    void namedLabelsAndArrayFeaturesTrainToTheBitsOfIndicesInParquet(String format, String file, List<String> options)
            throws IOException {
        Path model = directory.resolve(file + "-model.json");
        List<String> args = new ArrayList<>(List.of("--format", format, "--train", directory.resolve(file).toString(),
                "--test", directory.resolve(file).toString(), "--label-col", "kind", "--features-col", "pixels",
                "--model-out", model.toString()));
        args.addAll(options);
        Cli.Result trained = train(args.toArray(String[]::new));
        assertEquals(0, trained.exitCode(), trained.err());
        assertSameModelWithNames(model);
    }

    @Test
    void aVectorColumnTrainsAsTheArrayOfItsValues() throws IOException {
        Path model = directory.resolve("vectors-model.json");
        Cli.Result trained = train("--train", directory.resolve("vectors.parquet").toString(), "--features-col",
                "vector", "--model-out", model.toString());
        assertEquals(0, trained.exitCode(), trained.err());
        assertEquals(Files.readString(reference), Files.readString(model));
    }

    @Test
    void multiLabelArraysOfNamesTrainAsArraysOfSortedIndices() throws IOException {
        SparkSession spark = session();
        List<Row> named = new ArrayList<>();
        List<Row> indexed = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        List<String> tags = List.of("blue", "cotton", "summer");
        for (int i = 0; i < 300; i++) {
            List<Double> x = new ArrayList<>();
            List<String> on = new ArrayList<>();
            List<Integer> indices = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                x.add(Math.round(random.nextDouble() * 100) / 100.0);
            }
            for (int k = 0; k < tags.size(); k++) {
                if (x.get(k) + x.get(k + 3) > 1) {
                    // unsorted in the row: the order of a row's names does not matter
                    on.add(0, tags.get(k));
                    indices.add(k);
                }
            }
            named.add(RowFactory.create(on, x));
            indexed.add(RowFactory.create(indices, x));
        }
        spark.createDataFrame(named, new StructType().add("tags", DataTypes.createArrayType(DataTypes.StringType))
                .add("x", DataTypes.createArrayType(DataTypes.DoubleType))).coalesce(1).write()
                .json(directory.resolve("tags.json").toString());
        spark.createDataFrame(indexed, new StructType().add("labels", DataTypes.createArrayType(DataTypes.IntegerType))
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType))).coalesce(1).write()
                .parquet(directory.resolve("tags.parquet").toString());
        LocalSpark.stop();
        Path fromNames = directory.resolve("tags-names.json");
        Path fromIndices = directory.resolve("tags-indices.json");
        String[] common = {"train", "--layers", "6,8,3", "--output", "sigmoid", "--epochs", "2", "--batch-size", "10",
                "--seed", "2", "--partitions", "2", "--blas", "ejml"};
        List<String> names = new ArrayList<>(List.of(common));
        names.addAll(List.of("--format", "json", "--train", directory.resolve("tags.json").toString(), "--label-col",
                "tags", "--features-col", "x", "--model-out", fromNames.toString()));
        assertEquals(0, Cli.run(names.toArray(String[]::new)).exitCode());
        List<String> indices = new ArrayList<>(List.of(common));
        indices.addAll(List.of("--train", directory.resolve("tags.parquet").toString(), "--model-out",
                fromIndices.toString()));
        assertEquals(0, Cli.run(indices.toArray(String[]::new)).exitCode());
        assertEquals(Files.readString(fromIndices).replace("\"format\":\"spark-backprop-model/1\"",
                        "\"format\":\"spark-backprop-model/1\",\"classes\":[\"blue\",\"cotton\",\"summer\"]"),
                Files.readString(fromNames));
    }

    @Test
    void aCatalogTableTrainsToTheSameBits() throws IOException {
        SparkSession spark = session();
        spark.sql("CREATE DATABASE IF NOT EXISTS shop");
        spark.read().json(directory.resolve("images.json").toString()).select("id", "kind", "pixels").coalesce(1)
                .write().saveAsTable("shop.images");
        // the command runs in this application, whose catalog holds the table
        Path model = directory.resolve("table-model.json");
        Cli.Result trained = train("--format", "table", "--train", "shop.images", "--label-col", "kind",
                "--features-col", "pixels", "--model-out", model.toString());
        assertEquals(0, trained.exitCode(), trained.err());
        assertSameModelWithNames(model);
    }

    /** The model file is the reference's, with the class names added. */
    private static void assertSameModelWithNames(Path model) throws IOException {
        String expected = Files.readString(reference).replace("\"format\":\"spark-backprop-model/1\"",
                "\"format\":\"spark-backprop-model/1\",\"classes\":[\"sandal\",\"shirt\",\"sneaker\"]");
        assertEquals(expected, Files.readString(model));
        assertEquals(NAMES, ModelFile.read(model.toString()).classNames());
    }

    @Test
    void predictWritesTheNamesAndEvaluateNamesTheClasses() throws IOException {
        Path model = directory.resolve("named-model.json");
        String json = directory.resolve("images.json").toString();
        assertEquals(0, train("--format", "json", "--train", json, "--label-col", "kind", "--features-col", "pixels",
                "--model-out", model.toString()).exitCode());

        Path predictions = directory.resolve("predictions");
        Cli.Result predicted = Cli.run("predict", "--model", model.toString(), "--format", "json", "--data", json,
                "--features-col", "pixels", "--id-col", "id", "--out", predictions.toString(), "--out-format", "csv");
        assertEquals(0, predicted.exitCode(), predicted.err());
        List<String> lines = csvRows(predictions);
        assertEquals(600, lines.size());
        int right = 0;
        for (String line : lines) {
            String[] cells = line.split(",");
            assertTrue(NAMES.contains(cells[2]), line);
            right += cells[2].equals(kindOf(Integer.parseInt(cells[1].substring(4)))) ? 1 : 0;
        }

        Cli.Result scored = Cli.run("evaluate", "--model", model.toString(), "--format", "json", "--data", json,
                "--label-col", "kind", "--features-col", "pixels", "--json");
        assertEquals(0, scored.exitCode(), scored.err());
        double accuracy = new ObjectMapper().readTree(scored.out()).get("accuracy").asDouble();
        assertEquals(Math.round(accuracy * 600), right, "the names predict writes are the classes evaluate scores");
        assertTrue(right > 300, right + " of 600 predicted names right");

        Cli.Result evaluated = Cli.run("evaluate", "--model", model.toString(), "--format", "json", "--data", json,
                "--label-col", "kind", "--features-col", "pixels");
        assertEquals(0, evaluated.exitCode(), evaluated.err());
        assertTrue(evaluated.out().contains("\nsneaker ") && evaluated.out().contains("classes: 0 sandal, 1 shirt, 2 sneaker"),
                evaluated.out());
    }

    /**
     * The README's example, as the issue gives it: JSON lines {"id": ..., "digit": "Sneaker",
     * "pixels": [784 numbers]} of Fashion-MNIST images train, evaluate and predict names.
     */
    @Test
    void jsonLinesOfFashionMnistWithNamesTrainEvaluateAndPredict() throws IOException {
        List<String> names = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                "Sneaker", "Bag", "Ankle boot");
        Path json = directory.resolve("fashion.jsonl");
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        ExampleBlock images = fashionMnist("train", 3000);
        double[] pixels = new double[784];
        double[] targets = new double[10];
        for (int row = 0; row < images.rows(); row++) {
            images.copyRow(row, pixels, 0, targets, 0);
            ObjectNode line = mapper.createObjectNode().put("id", 1000 + row)
                    .put("digit", names.get(Scores.argmax(targets, 0, 10)));
            ArrayNode values = line.putArray("pixels");
            for (double pixel : pixels) {
                values.add((float) pixel);
            }
            lines.add(mapper.writeValueAsString(line));
        }
        Files.write(json, lines);
        LocalSpark.stop();
        Path model = directory.resolve("fashion-model.json");
        Cli.Result trained = Cli.run("train", "--format", "json", "--train", json.toString(), "--label-col", "digit",
                "--features-col", "pixels", "--layers", "784,30,10", "--epochs", "3", "--batch-size", "10",
                "--model-out", model.toString());
        assertEquals(0, trained.exitCode(), trained.err());
        assertEquals(names.stream().sorted().toList(), ModelFile.read(model.toString()).classNames());
        // network2's load() reads the file with its classes; its class k is the k-th sorted name, not the IDX label
        assertEquals(10000, Network2.accuracy(model, Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz"))[1]);

        Cli.Result evaluated = Cli.run("evaluate", "--model", model.toString(), "--format", "json", "--data",
                json.toString(), "--label-col", "digit", "--features-col", "pixels", "--json");
        assertEquals(0, evaluated.exitCode(), evaluated.err());
        assertTrue(mapper.readTree(evaluated.out()).get("accuracy").asDouble() > 0.75, evaluated.out());

        Path predictions = directory.resolve("fashion-predictions");
        Cli.Result predicted = Cli.run("predict", "--model", model.toString(), "--format", "json", "--data",
                json.toString(), "--features-col", "pixels", "--id-col", "id", "--out", predictions.toString(),
                "--out-format", "csv");
        assertEquals(0, predicted.exitCode(), predicted.err());
        List<String> rows = csvRows(predictions);
        assertEquals(3000, rows.size());
        assertTrue(rows.get(0).startsWith("0,1000,"), rows.get(0));
        for (String row : rows) {
            assertTrue(names.contains(row.split(",")[2]), row);
        }

        Path onnx = directory.resolve("fashion.onnx");
        Cli.Result exported = Cli.run("export", "--model", model.toString(), "--out", onnx.toString());
        assertEquals(0, exported.exitCode(), exported.err());
        assertEquals("[\"Ankle boot\", \"Bag\", \"Coat\", \"Dress\", \"Pullover\", \"Sandal\", \"Shirt\", \"Sneaker\","
                + " \"T-shirt/top\", \"Trouser\"]", OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnx))
                .getMetadataPropsList().stream().filter(entry -> entry.getKey().equals("classes")).findFirst()
                .orElseThrow().getValue());
    }

    /** The rows of a CSV output directory, its part files in order, each header checked and left out. */
    private static List<String> csvRows(Path directory) throws IOException {
        List<String> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path part : files.filter(path -> path.toString().endsWith(".csv")).sorted().toList()) {
                List<String> lines = Files.readAllLines(part);
                assertEquals("index,id,prediction,probability", lines.get(0));
                rows.addAll(lines.subList(1, lines.size()));
            }
        }
        return rows;
    }

    private static ExampleBlock fashionMnist(String set, int rows) throws IOException {
        Path images = Path.of("data/fashion-mnist").resolve(set + "-images-idx3-ubyte.gz");
        Path labels = Path.of("data/fashion-mnist").resolve(set + "-labels-idx1-ubyte.gz");
        try (DataInputStream imageStream = Idx.open(Files.newInputStream(images));
             DataInputStream labelStream = Idx.open(Files.newInputStream(labels))) {
            Idx.readHeader(imageStream, images.toString(), 3);
            Idx.readHeader(labelStream, labels.toString(), 1);
            return Idx.readBlock(imageStream, images.toString(), labelStream, labels.toString(), 0, rows, 784, 10);
        }
    }

    private static String kindOf(int row) throws IOException {
        for (String line : Files.readAllLines(jsonPart())) {
            if (line.contains("\"img-" + row + "\"")) {
                return NAMES.stream().filter(name -> line.contains("\"kind\":\"" + name + "\"")).findFirst().orElseThrow();
            }
        }
        throw new AssertionError("no row " + row);
    }

    private static Path jsonPart() throws IOException {
        return partOf(directory.resolve("images.json"));
    }

    /** The one part file Spark wrote into {@code output}. */
    private static Path partOf(Path output) throws IOException {
        try (Stream<Path> files = Files.list(output)) {
            return files.filter(path -> path.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
        }
    }

    static Stream<Arguments> badInputs() throws IOException {
        Path unseen = directory.resolve("unseen.json");
        Files.writeString(unseen, "{\"kind\": \"boot\", \"pixels\": [" + "0.5, ".repeat(FEATURES - 1) + "0.5]}\n");
        Path words = directory.resolve("words.json");
        Files.writeString(words, "{\"kind\": \"shirt\", \"pixels\": [" + "\"a\", ".repeat(FEATURES - 1) + "\"b\"]}\n");
        Path nullLabel = directory.resolve("null-label.json");
        StringBuilder rows = new StringBuilder();
        for (String kind : List.of("\"sandal\"", "\"shirt\"", "\"sneaker\"", "null")) {
            rows.append("{\"kind\": ").append(kind).append(", \"pixels\": [").append("0.5, ".repeat(FEATURES - 1))
                    .append("0.5]}\n");
        }
        Files.writeString(nullLabel, rows.toString());
        String json = directory.resolve("images.json").toString();
        String pixels = "0.5, ".repeat(FEATURES - 1) + "0.5";
        // numbers beyond a long and beyond float32, named as the column holds them
        Path hugeLabel = directory.resolve("huge-label.json");
        Files.writeString(hugeLabel, "{\"digit\": 1.0, \"pixels\": [" + pixels + "]}\n{\"digit\": 1e19, \"pixels\": ["
                + pixels + "]}\n");
        Path hugeFeature = directory.resolve("huge-feature.json");
        Files.writeString(hugeFeature, "{\"digit\": 1, \"pixels\": [" + pixels + "]}\n{\"digit\": 2, \"pixels\": [1e39, "
                + "0.5, ".repeat(FEATURES - 2) + "0.5]}\n");
        return Stream.of(
                Arguments.of(List.of("--format", "json", "--train", hugeLabel.toString(), "--label-col", "digit",
                        "--features-col", "pixels"), hugeLabel + " row 1: label 1.0E19 is outside [0, 3), the last layer"
                        + " size"),
                Arguments.of(List.of("--format", "json", "--train", hugeFeature.toString(), "--label-col", "digit",
                        "--features-col", "pixels"), hugeFeature + " row 1: pixels[0] is 1.0E39, beyond float32's range"
                        + " (±3.4028235E38) in which examples are kept"),
                Arguments.of(List.of("--format", "xlsx", "--train", json),
                        "unknown format 'xlsx': not one of idx, csv, libsvm, parquet, table, nor a data source Spark can"
                                + " load (is its package on the classpath?)"),
                Arguments.of(List.of("--format", "json", "--train", json, "--label-col", "kind", "--features-col",
                        "pixel"), "features-col: " + json + " has no column 'pixel'"),
                Arguments.of(List.of("--format", "json", "--train", json, "--label-col", "digit"),
                        "label-col: " + json + " has no column 'digit'"),
                Arguments.of(List.of("--format", "json", "--train", words.toString(), "--label-col", "kind",
                        "--features-col", "pixels"), words + ": column pixels is array<string>, expected an array of"
                        + " numbers or an ML Vector"),
                Arguments.of(List.of("--format", "json", "--train", nullLabel.toString(), "--label-col", "kind",
                        "--features-col", "pixels"), nullLabel + " row 3: kind is null, expected a class"),
                Arguments.of(List.of("--format", "json", "--train", json, "--test", unseen.toString(), "--label-col",
                        "kind", "--features-col", "pixels"), unseen + " row 0: label 'boot' is not one of the 3 classes"
                        + " of the training data"),
                Arguments.of(List.of("--format", "table", "--train", "shop.nothing"),
                        "table shop.nothing: no such table or view in the catalog"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badInputs")
    void badInputIsOneLine(List<String> options, String expected) {
        LocalSpark.stop();
        Cli.Result result;
        List<String> logged;
        try (LogCapture log = LogCapture.start()) {
            result = train(options.toArray(String[]::new));
            logged = log.lines();
        }
        assertEquals(2, result.exitCode(), result.err());
        assertEquals(List.of(), logged, "nothing logged beside the error line");
        assertEquals(List.of("error: " + expected), result.errLines());
        assertFalse(result.err().contains("\tat "));
    }
}
