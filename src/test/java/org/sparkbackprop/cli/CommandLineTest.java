package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkbackprop.testing.Cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.testing.Cli.Result;
import org.sparkbackprop.testing.IdxFiles;
import org.sparkbackprop.testing.LogCapture;

/**
 * The commands as users run them (spark.master is local[2] in the test JVM): a small IDX data
 * set trains, is scored the same way by evaluate, and bad input is answered with exit code 2
 * and one line that names the problem.
 */
class CommandLineTest {
    @TempDir
    static Path directory;
    static Path data;

    @BeforeAll
    static void writeData() throws Exception {
        data = directory.resolve("idx");
        IdxFiles.write(data, "train", 600, 1, -1, 0);
        IdxFiles.write(data, "t10k", 200, 2, -1, 0);
    }

    /**
     * tanh and relu (with He initialisation) train, the model file records the activation, and
     * evaluate scores with it: the same loss as the last epoch's test loss, which another
     * activation would not give. A model is refused as --init-model under another --activation.
     */
    @ParameterizedTest(name = "{0}, init {1}")
    @CsvSource({"tanh, scaled", "relu, he"})
    void otherActivationsTrainAndEvaluateWithTheRecordedActivation(String activation, String init) throws Exception {
        Path model = directory.resolve(activation + "-model.json");
        Path metrics = directory.resolve(activation + "-metrics.jsonl");
        Result train = run("train", "--train", data.toString(), "--test", data.toString(), "--layers", "784,16,10",
                "--activation", activation, "--init", init, "--epochs", "2", "--batch-size", "20", "--learning-rate", "0.1",
                "--partitions", "2", "--model-out", model.toString(), "--metrics-out", metrics.toString());
        assertEquals(0, train.exitCode(), train.err());
        assertEquals(activation, new ObjectMapper().readTree(model.toFile()).get("activation").asText());
        JsonNode last = new ObjectMapper().readTree(Files.readAllLines(metrics).get(1));
        assertTrue(last.get("test_accuracy").asDouble() > 0.5, last.toString());

        Result evaluate = run("evaluate", "--model", model.toString(), "--data", data.toString(), "--json");
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        assertEquals(last.get("test_loss").asDouble(), new ObjectMapper().readTree(evaluate.out()).get("loss").asDouble(),
                1e-12);

        String other = activation.equals("tanh") ? "relu" : "tanh";
        assertBadInput(run("train", "--train", data.toString(), "--init-model", model.toString(), "--activation", other),
                "activation " + other + " does not match " + model + ", whose activation is " + activation);
    }

    @Test
    void trainsWritesModelAndMetricsAndEvaluateAgrees() throws Exception {
        Path model = directory.resolve("model.json");
        Path metrics = directory.resolve("metrics.jsonl");
        Path config = directory.resolve("small.properties");
        Files.writeString(config, String.join("\n",
                "train = " + data, "test = " + data, "layers = 784,16,10", "epochs = 9",
                "batch-size = 20", "learning-rate = 1.0", "partitions = 3", "seed = 4"));
        Result train = run("train", "--config", config.toString(), "--epochs", "3",
                "--model-out", model.toString(), "--metrics-out", metrics.toString());
        assertEquals(0, train.exitCode(), train.err());

        List<JsonNode> epochs = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            epochs.add(new ObjectMapper().readTree(line));
        }
        assertEquals(3, epochs.size(), "the command line's --epochs wins over the config file");
        for (String key : List.of("epoch", "train_loss", "seconds", "examples_per_second", "test_loss", "test_accuracy")) {
            assertTrue(epochs.get(2).has(key), key);
        }
        assertEquals(30, epochs.get(0).get("steps").asInt(), "600 examples in batches of 20");
        double accuracy = epochs.get(2).get("test_accuracy").asDouble();
        assertTrue(accuracy > 0.9, "test accuracy " + accuracy);
        assertTrue(ModelFile.read(model.toString()).parameters().architecture().toString().startsWith("[784,16,10]"));

        Result evaluate = run("evaluate", "--model", model.toString(), "--data", data.toString(), "--json");
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        JsonNode scores = new ObjectMapper().readTree(evaluate.out());
        assertEquals(200, scores.get("examples").asInt());
        assertEquals(accuracy, scores.get("accuracy").asDouble(), 0.0);
        assertEquals(epochs.get(2).get("test_loss").asDouble(), scores.get("loss").asDouble(), 1e-12);
        long diagonal = 0;
        long total = 0;
        for (int actual = 0; actual < 10; actual++) {
            for (int predicted = 0; predicted < 10; predicted++) {
                long count = scores.get("confusion_matrix").get(actual).get(predicted).asLong();
                total += count;
                diagonal += actual == predicted ? count : 0;
            }
        }
        assertEquals(200, total);
        assertEquals(accuracy, diagonal / 200.0, 0.0, "the confusion matrix's diagonal is the accuracy");
        assertEquals(10, scores.get("per_class").size());
        Result table = run("evaluate", "--model", model.toString(), "--data", data.toString());
        assertEquals(0, table.exitCode(), table.err());
        assertTrue(table.out().contains("confusion matrix") && table.out().contains("precision"), table.out());

        Result again = run("train", "--config", config.toString(), "--epochs", "1", "--init-model", model.toString(),
                "--layers", "784,16,12");
        assertBadInput(again, "layers 784,16,12 do not match " + model);
    }

    @Test
    void aLabelOutOfRangeNamesFileAndRowAndLeavesTheModelFileAlone() throws Exception {
        Path bad = directory.resolve("bad-labels");
        IdxFiles.write(bad, "train", 300, 3, 217, 12);
        Path model = directory.resolve("kept.json");
        Files.writeString(model, "an earlier model");
        Result result = run("train", "--train", bad.toString(), "--layers", "784,8,10", "--model-out", model.toString());
        assertBadInput(result, "train-labels-idx1-ubyte.gz: label 12 at row 217 is outside [0, 10)");
        assertEquals("an earlier model", Files.readString(model));
    }

    @Test
    void aWildLearningRateStopsWithExitCode3AndLeavesEarlierFilesAlone() throws Exception {
        Path model = directory.resolve("earlier-model.json");
        Path metrics = directory.resolve("earlier-metrics.jsonl");
        Files.writeString(model, "an earlier model");
        Files.writeString(metrics, "earlier metrics\n");
        // the first steps make the weights ~1e307, and then a forward pass overflows: the loss is not finite
        Path checkpoints = directory.resolve("diverging-checkpoints");
        Result result = run("train", "--train", data.toString(), "--layers", "784,8,10", "--epochs", "2",
                "--batch-size", "50", "--learning-rate", "1e307", "--model-out", model.toString(),
                "--metrics-out", metrics.toString(), "--checkpoint-dir", checkpoints.toString(), "--checkpoint-every", "1");
        assertEquals(3, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), "one line: " + result.err());
        assertTrue(result.err().startsWith("error: training diverged in epoch 1, step 3 of 12: the batch loss is Infinity;"
                + " try a smaller --learning-rate (it is 1.0E307)"), result.err());
        assertEquals("an earlier model", Files.readString(model));
        assertEquals("earlier metrics\n", Files.readString(metrics));
        // the last good checkpoint, after step 2, is there and reads back: its numbers are finite
        try (var files = Files.list(checkpoints)) {
            assertEquals(List.of("checkpoint-000000-0000000001.json", "checkpoint-000000-0000000002.json"),
                    files.map(file -> file.getFileName().toString()).sorted().toList());
        }
        assertTrue(ModelFile.parse("checkpoint", new ObjectMapper().readTree(
                checkpoints.resolve("checkpoint-000000-0000000002.json").toFile()).get("model")).weights().length > 0);
    }

    @Test
    void resumingFromACheckpointGivesTheModelOfAnUninterruptedRun() throws Exception {
        Path all = directory.resolve("checkpoints-all");
        Path model = directory.resolve("uninterrupted.json");
        Path metrics = directory.resolve("uninterrupted.jsonl");
        Result full = run(resumable("--checkpoint-dir", all.toString(), "--keep-checkpoints", "100",
                "--model-out", model.toString(), "--metrics-out", metrics.toString()));
        assertEquals(0, full.exitCode(), full.err());
        // 12 steps an epoch: every 5th step of the run, and every epoch's end
        List<String> names;
        try (var files = Files.list(all)) {
            names = files.map(file -> file.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("checkpoint-000000-0000000005.json", "checkpoint-000000-0000000010.json",
                "checkpoint-000001-0000000000.json", "checkpoint-000001-0000000003.json",
                "checkpoint-000001-0000000008.json", "checkpoint-000002-0000000000.json",
                "checkpoint-000002-0000000001.json", "checkpoint-000002-0000000006.json",
                "checkpoint-000002-0000000011.json", "checkpoint-000003-0000000000.json"), names);

        for (String name : List.of("checkpoint-000001-0000000003.json", "checkpoint-000002-0000000000.json")) {
            Path one = Files.createDirectories(directory.resolve("resume-" + name));
            Files.copy(all.resolve(name), one.resolve(name));
            Path resumedModel = one.resolve("model.json");
            Path resumedMetrics = one.resolve("metrics.jsonl");
            Result resumed = run(resumable("--checkpoint-dir", one.toString(), "--resume",
                    "--model-out", resumedModel.toString(), "--metrics-out", resumedMetrics.toString()));
            assertEquals(0, resumed.exitCode(), resumed.err());
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(model), Files.readAllBytes(resumedModel)),
                    "resumed from " + name + ": the uninterrupted run's model bytes");
            assertEquals(withoutTimes(metrics), withoutTimes(resumedMetrics), "and its metrics");
        }

        Path last = directory.resolve("resume-checkpoint-000002-0000000000.json");
        assertBadInput(run(resumable(3, 40, "--checkpoint-dir", last.toString(), "--resume")),
                "resume: the checkpoint in file:" + last + " is of another run; now batch-size 40, not 50");
        // the checkpoints were made with --blas auto, native here: the bits of the other kernel differ
        assertBadInput(run(resumable("--checkpoint-dir", last.toString(), "--resume", "--blas", "ejml")),
                "resume: the checkpoint in file:" + last + " is of another run; now blas ejml, not native");
        assertBadInput(run(resumable(2, 50, "--checkpoint-dir", last.toString(), "--resume")),
                "is past the 2 epochs asked for (--epochs)");
        assertBadInput(run(resumable("--resume")), "resume needs --checkpoint-dir");
    }

    private static String[] resumable(String... more) {
        return resumable(3, 50, more);
    }

    private static String[] resumable(int epochs, int batchSize, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--train", data.toString(), "--test", data.toString(),
                "--layers", "784,10,10", "--epochs", Integer.toString(epochs), "--batch-size", Integer.toString(batchSize),
                "--learning-rate", "1", "--momentum", "0.5", "--l2", "1.5", "--partitions", "2", "--checkpoint-every", "5"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** The metrics lines without the fields that time the run. */
    private static List<String> withoutTimes(Path metrics) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            com.fasterxml.jackson.databind.node.ObjectNode node =
                    (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(line);
            node.remove(List.of("seconds", "examples_per_second", "test_seconds"));
            lines.add(node.toString());
        }
        return lines;
    }

    @Test
    void layersThatDoNotMatchTheData() {
        assertBadInput(run("train", "--train", data.toString(), "--layers", "100,30,10"),
                "layers: the input size is 100 but");
    }

    @Test
    void badOptionsAreNamed() throws Exception {
        String train = data.toString();
        assertBadInput(run("train", "--train", train, "--output", "tanh"), "unknown output 'tanh', expected one of: softmax, sigmoid");
        assertBadInput(run("train", "--train", train, "--init", "zeros"), "unknown init 'zeros'");
        assertBadInput(run("train", "--train", train, "--batch-size", "0"), "batch-size must be a positive integer, got 0");
        assertBadInput(run("train", "--train", train, "--batch-size", "-5"), "batch-size must be a positive integer, got -5");
        assertBadInput(run("train", "--train", train, "--learning-rate", "0"), "learning-rate must be a positive number, got 0.0");
        assertBadInput(run("train", "--train", train, "--learning-rate", "-1"), "learning-rate must be a positive number, got -1.0");
        assertBadInput(run("train", "--train", train, "--epochs", "0"), "epochs must be a positive integer, got 0");
        assertBadInput(run("train", "--train", train, "--partitions", "0"), "partitions must be a positive integer, got 0");
        assertBadInput(run("train", "--train", train, "--layers", "784,x,10"), "'--layers'");
        assertBadInput(run("train", "--train", train, "--layers", "784"), "layers must name at least an input and an output size");
        assertBadInput(run("train", "--train", train, "--layers", "784,10,1"), "output softmax needs at least 2 classes");
        assertBadInput(run("train", "--train", "/no/such/data"), "--train /no/such/data: no such file or directory");
        assertBadInput(run("train", "--train", train, "--test", "/no/such/test"), "--test /no/such/test: no such file or directory");
        assertBadInput(run("train"), "--train is required");
        assertBadInput(run("train", "--train", train, "--init-model", "/no/model.json"), "/no/model.json: model file not found");
        assertBadInput(run("evaluate", "--data", train), "--model is required");
        assertBadInput(run("train", "--train", train, "--bogus"), "Unknown option: '--bogus'");

        Path config = directory.resolve("typo.properties");
        Files.writeString(config, "bacth-size = 10\n");
        assertBadInput(run("train", "--config", config.toString()), "bacth-size is not a setting of 'train'");
        assertBadInput(run("train", "--config", directory.resolve("none.properties").toString()), "none.properties: config file not found");
    }

    @Test
    void treeCombiningRepeatsItsModelAndStaysCloseToOrdered() throws Exception {
        List<byte[]> trees = new ArrayList<>();
        for (String combine : List.of("tree", "tree", "ordered")) {
            Path model = directory.resolve("combine-" + trees.size() + ".json");
            Result result = run("train", "--train", data.toString(), "--layers", "784,12,10", "--epochs", "1",
                    "--batch-size", "40", "--partitions", "5", "--combine", combine, "--model-out", model.toString());
            assertEquals(0, result.exitCode(), result.err());
            trees.add(Files.readAllBytes(model));
        }
        assertTrue(java.util.Arrays.equals(trees.get(0), trees.get(1)), "the same run twice: the same model bytes");
        double difference = ModelFile.read(directory.resolve("combine-0.json").toString()).parameters()
                .maxAbsDifference(ModelFile.read(directory.resolve("combine-2.json").toString()).parameters());
        assertTrue(difference < 1e-9, "tree and ordered differ only by rounding: " + difference);
        assertBadInput(run("train", "--train", data.toString(), "--combine", "sideways"),
                "unknown combine 'sideways', expected one of: ordered, tree");
    }

    @Test
    void gradcheckPrintsEachLayersErrorsAndAVerdict() {
        for (List<String> run : List.of(List.of("softmax", "cross-entropy", "sigmoid"),
                List.of("sigmoid", "cross-entropy", "sigmoid"), List.of("sigmoid", "quadratic", "sigmoid"),
                List.of("softmax", "cross-entropy", "tanh"), List.of("sigmoid", "cross-entropy", "tanh"),
                List.of("softmax", "cross-entropy", "relu"), List.of("sigmoid", "cross-entropy", "relu"))) {
            Result result = run("gradcheck", "--layers", "12,9,6,4", "--output", run.get(0), "--loss", run.get(1),
                    "--activation", run.get(2), "--init", run.get(2).equals("relu") ? "he" : "normal", "--seed", "3");
            assertTrue(result.out().startsWith("gradcheck [12,9,6,4] " + run.get(2) + " → " + run.get(0)), result.out());
            assertEquals(0, result.exitCode(), result.err() + result.out());
            List<String> lines = result.out().lines().toList();
            assertEquals(6, lines.size(), result.out());
            for (int layer = 1; layer <= 3; layer++) {
                assertTrue(lines.get(1 + layer).startsWith(layer + " ") && lines.get(1 + layer).endsWith("ok"),
                        lines.get(1 + layer));
            }
            assertTrue(lines.get(5).startsWith("backpropagation matches the derivative in every layer"), result.out());
        }
        assertBadInput(run("gradcheck", "--examples", "0"), "examples must be a positive integer, got 0");
        assertBadInput(run("gradcheck", "--loss", "quadratic"), "loss quadratic needs output sigmoid");
    }

    /** Every option of every command, as picocli declares it, is in the command's help, as a whole word. */
    @Test
    void helpListsEveryDeclaredOption() {
        picocli.CommandLine main = new picocli.CommandLine(new Main());
        assertTrue(main.getSubcommands().keySet().containsAll(List.of("train", "evaluate", "predict", "gradcheck")));
        for (var command : main.getSubcommands().entrySet()) {
            Result help = run(command.getKey(), "--help");
            assertEquals(0, help.exitCode(), help.err());
            for (picocli.CommandLine.Model.OptionSpec option : command.getValue().getCommandSpec().options()) {
                if (option.hidden()) {
                    continue;
                }
                // a negatable option shows as --[no-]name
                String name = option.negatable() ? "--[no-]" + option.longestName().substring(2) : option.longestName();
                assertTrue(java.util.regex.Pattern.compile("(^|[\\s,])" + java.util.regex.Pattern.quote(name)
                        + "([=\\s,]|$)", java.util.regex.Pattern.MULTILINE).matcher(help.out()).find(),
                        command.getKey() + " --help lists " + name);
            }
        }
    }

    @Test
    void residentAndJobStepsWriteTheSameModelBytesOnLocal1AndLocal2() throws Exception {
        List<byte[]> models = new ArrayList<>();
        for (String master : List.of("local[1]", "local[2]")) {
            String partitions = master.equals("local[1]") ? "1" : "2";
            String before = System.getProperty("spark.master");
            System.setProperty("spark.master", master);
            try {
                for (String mode : List.of("resident", "job")) {
                    Path model = directory.resolve("steps-" + mode + "-" + partitions + ".json");
                    List<String> logged;
                    Result train;
                    try (LogCapture log = LogCapture.start()) {
                        train = run("train", "--train", data.toString(), "--test", data.toString(), "--layers", "784,12,10",
                                "--epochs", "2", "--batch-size", "25", "--partitions", partitions, "--step-mode", mode,
                                "--model-out", model.toString());
                        logged = log.lines();
                    }
                    assertEquals(0, train.exitCode(), train.err());
                    assertTrue(logged.stream().noneMatch(line -> line.contains("steps run as Spark jobs")
                            || line.contains("resident tasks")), "no fallback, no lost task: " + logged);
                    models.add(Files.readAllBytes(model));
                }
            } finally {
                System.setProperty("spark.master", before);
            }
            assertArrayEquals(models.get(models.size() - 2), models.get(models.size() - 1),
                    master + ": resident steps write the job steps' model, byte for byte");
        }

        try (LogCapture log = LogCapture.start()) {
            Result threePartitions = run("train", "--train", data.toString(), "--layers", "784,12,10", "--epochs", "1",
                    "--batch-size", "25", "--partitions", "3", "--model-out", directory.resolve("steps-3.json").toString());
            assertEquals(0, threePartitions.exitCode(), threePartitions.err());
            assertTrue(log.lines().contains("INFO org.sparkbackprop.spark.resident.ResidentSource: steps run as Spark jobs: a resident"
                    + " stage runs all 3 partitions' tasks at once, and Spark has 2 task slots (give --partitions 2, or more"
                    + " executor cores)"), log.lines().toString());
        }
    }

    @Test
    void pathsGivenAsFileUrisAreReadAndWrittenWhereTheyPoint() throws Exception {
        Path out = directory.resolve("uri");
        Path config = directory.resolve("uri.properties");
        Files.writeString(config, "layers = 784,8,10\nbatch-size = 20\nseed = 2\n");
        String model = "file://" + out.resolve("m.json");
        String metrics = "file://" + out.resolve("metrics.jsonl");
        Result train = run("train", "--config", "file://" + config, "--train", data.toString(), "--test", data.toString(),
                "--epochs", "1", "--model-out", model, "--metrics-out", metrics, "--report", "file://" + out.resolve("report"),
                "--checkpoint-dir", "file://" + out.resolve("checkpoints"));
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(Files.isRegularFile(out.resolve("m.json")), "the model is where the URI points");
        assertEquals(1, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        assertTrue(Files.isRegularFile(out.resolve("report/index.html")));
        assertTrue(Files.list(out.resolve("checkpoints")).findAny().isPresent());
        assertFalse(Files.exists(Path.of("file:")), "no folder named 'file:' under the working directory");
        try (var files = Files.list(out)) {
            assertEquals(List.of(), files.map(file -> file.getFileName().toString())
                    .filter(name -> name.startsWith(".") || name.endsWith(".crc")).toList(), "no temporary or .crc files");
        }

        Result evaluate = run("evaluate", "--model", model, "--data", data.toString(), "--json");
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        Result again = run("train", "--init-model", model, "--train", data.toString(), "--epochs", "1",
                "--batch-size", "20", "--model-out", model);
        assertEquals(0, again.exitCode(), again.err());
        Result compare = run("compare", "--run", "first=" + metrics, "--report", "file://" + out.resolve("compared"));
        assertEquals(0, compare.exitCode(), compare.err());
        assertTrue(Files.isRegularFile(out.resolve("compared/index.html")));
    }

    @Test
    void clusterDeployModeRefusesDriverOutputsWithoutASchemeBeforeReadingAnyData() {
        String missingData = directory.resolve("no-data-here").toString();
        for (String property : List.of("spark.submit.deployMode=cluster", "spark.kubernetes.submitInDriver=true")) {
            String[] setting = property.split("=");
            System.setProperty(setting[0], setting[1]);
            try {
                for (String option : List.of("--model-out", "--metrics-out", "--report", "--checkpoint-dir")) {
                    String relative = "cluster-out/" + option.substring(2);
                    Result refused = run("train", "--train", missingData, option, relative);
                    assertBadInput(refused, option + " " + relative + ": in cluster deploy mode the driver runs on a cluster"
                            + " machine, not on the one that submitted, and a path without a scheme would be written to that"
                            + " machine's disk and lost; give hdfs://..., s3a://..., or file:///... on a disk every machine shares");
                }
                assertBadInput(run("evaluate", "--model", "m.json", "--data", missingData, "--report", "r"),
                        "--report r: in cluster deploy mode");
                Result withScheme = run("train", "--train", missingData, "--model-out", "file://" + directory.resolve("kept.json"));
                assertBadInput(withScheme, "--train " + missingData + ": no such file or directory");
            } finally {
                System.clearProperty(setting[0]);
            }
        }
        assertFalse(Files.exists(Path.of("cluster-out")), "nothing written");
    }

    private static void assertBadInput(Result result, String expected) {
        assertEquals(2, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), "one line: " + result.err());
        assertTrue(result.err().startsWith("error: ") && result.err().contains(expected),
                "expected '" + expected + "' in: " + result.err());
    }
}
