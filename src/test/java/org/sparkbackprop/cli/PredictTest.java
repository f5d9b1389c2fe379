package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.data.Idx;
import org.sparkbackprop.testing.Cli;
import org.sparkbackprop.testing.IdxFiles;
import org.sparkbackprop.testing.LocalSpark;

/** predict's output read back with Spark: one row per input row, probabilities that sum to 1, evaluate's accuracy. */
class PredictTest {
    @TempDir
    static Path directory;
    static Path data;
    static Path model;

    @BeforeAll
    static void train() throws Exception {
        data = directory.resolve("idx");
        IdxFiles.write(data, "train", 600, 1, -1, 0);
        IdxFiles.write(data, "t10k", 200, 2, -1, 0);
        model = directory.resolve("model.json");
        Cli.Result result = Cli.run("train", "--train", data.toString(), "--layers", "784,16,10",
                "--epochs", "2", "--batch-size", "20", "--learning-rate", "1.0", "--model-out", model.toString());
        assertEquals(0, result.exitCode(), result.err());
    }

    @Test
    void parquetPredictionsAgreeWithEvaluate() throws Exception {
        String out = directory.resolve("predictions").toString();
        Cli.Result result = Cli.run("predict", "--model", model.toString(), "--data", data.toString(),
                "--out", out, "--partitions", "3");
        assertEquals(0, result.exitCode(), result.err());
        Cli.Result evaluate = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--json");
        double accuracy = new ObjectMapper().readTree(evaluate.out()).get("accuracy").asDouble();

        byte[] labels = labels(data.resolve("t10k-images-idx3-ubyte.gz"));
        SparkSession spark = SparkSession.builder().sparkContext(LocalSpark.context().sc()).getOrCreate();
        List<Row> rows = spark.read().parquet(out).orderBy("index").collectAsList();
        assertEquals(200, rows.size());
        int correct = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            assertEquals(i, row.getLong(row.fieldIndex("index")));
            List<Double> probability = row.getList(row.fieldIndex("probability"));
            assertEquals(10, probability.size());
            assertEquals(1.0, probability.stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
            correct += row.getInt(row.fieldIndex("prediction")) == labels[i] ? 1 : 0;
        }
        assertEquals(accuracy, correct / 200.0, 0.0, "predictions agree with evaluate's accuracy");

        Cli.Result again = Cli.run("predict", "--model", model.toString(), "--data", data.toString(), "--out", out);
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("exists"), again.err());
    }

    @Test
    void csvWithAnIdColumnCarriedThrough() throws Exception {
        Path csv = directory.resolve("test.csv");
        DataFormatsTest.kaggleCsv(data.resolve("t10k-images-idx3-ubyte.gz"), csv);
        List<String> lines = Files.readAllLines(csv);
        StringBuilder withIds = new StringBuilder("id," + lines.get(0).replace("label,", "") + "\n");
        for (int i = 1; i < lines.size(); i++) {
            withIds.append("image-").append(i).append(',').append(lines.get(i).substring(lines.get(i).indexOf(',') + 1)).append('\n');
        }
        Path unlabelled = directory.resolve("unlabelled.csv");
        Files.writeString(unlabelled, withIds);
        String out = directory.resolve("csv-predictions").toString();
        Cli.Result result = Cli.run("predict", "--model", model.toString(), "--data", unlabelled.toString(),
                "--feature-scale", "0.00392156862745098", "--id-col", "id", "--out", out, "--out-format", "csv");
        assertEquals(0, result.exitCode(), result.err());
        SparkSession spark = SparkSession.builder().sparkContext(LocalSpark.context().sc()).getOrCreate();
        List<Row> rows = spark.read().option("header", "true").csv(out).orderBy(org.apache.spark.sql.functions.col("index").cast("long")).collectAsList();
        assertEquals(200, rows.size());
        assertEquals("image-1", rows.get(0).getString(rows.get(0).fieldIndex("id")));
        String[] probability = rows.get(0).getString(rows.get(0).fieldIndex("probability")).split(";");
        assertEquals(10, probability.length);
    }

    private static byte[] labels(Path images) throws Exception {
        try (DataInputStream in = Idx.open(Files.newInputStream(Path.of(Idx.labelsPathFor(images.toString()))))) {
            int count = Idx.readHeader(in, "labels", 1).count();
            return in.readNBytes(count);
        }
    }
}
