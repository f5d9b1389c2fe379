package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.testing.Cli;
import org.sparkbackprop.testing.IdxFiles;
import org.sparkbackprop.testing.LocalSpark;

class ConvertAndSynthTest {
    @TempDir
    Path directory;

    @Test
    void convertedCsvScoresExactlyAsTheCsv() throws Exception {
        Path idx = directory.resolve("idx");
        IdxFiles.write(idx, "t10k", 300, 2, -1, 0);
        Path csv = directory.resolve("test.csv");
        DataFormatsTest.kaggleCsv(idx.resolve("t10k-images-idx3-ubyte.gz"), csv);
        String parquet = directory.resolve("test.parquet").toString();
        Cli.Result converted = Cli.run("convert", "--in", csv.toString(), "--out", parquet,
                "--feature-scale", "0.00392156862745098", "--partitions", "3");
        assertEquals(0, converted.exitCode(), converted.err());
        SparkSession spark = SparkSession.builder().sparkContext(LocalSpark.context().sc()).getOrCreate();
        assertEquals(List.of("features", "label"), List.of(spark.read().parquet(parquet).columns()));

        Path model = directory.resolve("model.json");
        Cli.Result trained = Cli.run("train", "--layers", "784,8,10",
                "--train", idx.resolve("t10k-images-idx3-ubyte.gz").toString(), "--epochs", "1", "--model-out", model.toString());
        assertEquals(0, trained.exitCode(), trained.err());
        JsonNode fromCsv = evaluate(model, csv.toString(), "--feature-scale", "0.00392156862745098");
        JsonNode fromParquet = evaluate(model, parquet);
        assertEquals(300, fromParquet.get("examples").asInt());
        assertEquals(fromCsv.get("accuracy").asDouble(), fromParquet.get("accuracy").asDouble(), 0.0);
        assertEquals(fromCsv.get("loss").asDouble(), fromParquet.get("loss").asDouble(), 1e-9);
    }

    @Test
    void convertsMultiLabelLibsvmToLabelArrays() throws Exception {
        Path svm = directory.resolve("multi.svm");
        Files.writeString(svm, "0,2 1:0.5 3:1\n1 2:0.25\n 1:1\n");
        String parquet = directory.resolve("multi.parquet").toString();
        Cli.Result converted = Cli.run("convert", "--in", svm.toString(), "--out", parquet);
        assertEquals(0, converted.exitCode(), converted.err());
        SparkSession spark = SparkSession.builder().sparkContext(LocalSpark.context().sc()).getOrCreate();
        List<Row> rows = spark.read().parquet(parquet).collectAsList();
        assertEquals(3, rows.size());
        assertTrue(rows.stream().anyMatch(row -> row.getList(row.fieldIndex("labels")).equals(List.of(0, 2))));
        assertTrue(rows.stream().anyMatch(row -> row.getList(row.fieldIndex("labels")).isEmpty()));
    }

    @Test
    void synthIsSeededLearnableAndIndependentOfPartitions() throws Exception {
        String two = directory.resolve("synth-2").toString();
        String five = directory.resolve("synth-5").toString();
        for (String[] run : new String[][] {{two, "2"}, {five, "5"}}) {
            Cli.Result result = Cli.run("synth", "--rows", "3000", "--features", "20",
                    "--classes", "4", "--seed", "9", "--noise", "1", "--partitions", run[1], "--out", run[0]);
            assertEquals(0, result.exitCode(), result.err());
        }
        SparkSession spark = SparkSession.builder().sparkContext(LocalSpark.context().sc()).getOrCreate();
        List<String> rowsTwo = spark.read().parquet(two).collectAsList().stream().map(Row::toString).sorted().toList();
        List<String> rowsFive = spark.read().parquet(five).collectAsList().stream().map(Row::toString).sorted().toList();
        assertEquals(3000, rowsTwo.size());
        assertEquals(rowsTwo, rowsFive, "the same rows on 2 and 5 partitions");

        Path metrics = directory.resolve("synth.jsonl");
        Cli.Result trained = Cli.run("train", "--train", two, "--test", five, "--layers", "20,16,4",
                "--epochs", "3", "--batch-size", "50", "--learning-rate", "1.0", "--metrics-out", metrics.toString());
        assertEquals(0, trained.exitCode(), trained.err());
        List<String> lines = Files.readAllLines(metrics);
        double accuracy = new ObjectMapper().readTree(lines.get(lines.size() - 1)).get("test_accuracy").asDouble();
        assertTrue(accuracy > 0.9, "synthetic data is learnable: " + accuracy);
    }

    private static JsonNode evaluate(Path model, String data, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("evaluate", "--model", model.toString(), "--data", data, "--json"));
        args.addAll(List.of(options));
        Cli.Result result = Cli.run(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.err());
        return new ObjectMapper().readTree(result.out());
    }
}
