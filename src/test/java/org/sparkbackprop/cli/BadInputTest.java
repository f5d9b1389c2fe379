package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkbackprop.testing.Cli;
import org.sparkbackprop.testing.IdxFiles;
import org.sparkbackprop.testing.LogCapture;

/**
 * Invariant 5 and issue 6's promise, case by case: bad options, config files, data in every
 * format and model files each get exit code 2 and one line on stderr naming the file, row or
 * setting and what was expected, with no stack trace and nothing else logged (bad rows found
 * inside Spark tasks included: no "Lost task", no executor trace); and the run's outputs, which
 * hold an earlier run's content, are left exactly as they were.
 */
class BadInputTest {
    private static final String EARLIER_MODEL = "{\"an\": \"earlier model\"}\n";
    private static final String EARLIER_METRICS = "{\"an\": \"earlier metrics line\"}\n";
    private static final String EARLIER_ONNX = "an earlier ONNX file\n";

    @TempDir
    static Path directory;
    static Path idx;
    static Path model;
    static Path metrics;
    static Path onnx;

    @BeforeAll
    static void writeData() throws Exception {
        idx = directory.resolve("idx");
        IdxFiles.write(idx, "train", 200, 1, -1, 0);
        IdxFiles.write(idx, "t10k", 50, 2, -1, 0);
        model = directory.resolve("out-model.json");
        metrics = directory.resolve("out-metrics.jsonl");
        onnx = directory.resolve("out-model.onnx");
    }

    /** A file in the temporary directory with {@code content}; its path. */
    private static String file(String name, String content) throws Exception {
        Path path = directory.resolve(name);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        return path.toString();
    }

    static Stream<Arguments> cases() throws Exception {
        String csvHeader = "label,a,b,c,d\n";
        String goodModel = "{\"sizes\": [2, 2], \"weights\": [[[0.1, 0.2], [0.3, 0.4]]], \"biases\": [[[0.0], [0.1]]]}";
        List<Case> cases = new ArrayList<>();
        // options
        cases.add(train("--batch-size", "0").expect("batch-size must be a positive integer, got 0"));
        cases.add(train("--learning-rate", "-0.1").expect("learning-rate must be a positive number, got -0.1"));
        cases.add(train("--learning-rate", "NaN").expect("learning-rate must be a positive number, got NaN"));
        cases.add(train("--momentum", "1").expect("momentum must be in [0, 1), got 1.0"));
        cases.add(train("--l2", "-2").expect("l2 must be 0 or a positive number, got -2.0"));
        cases.add(train("--epochs", "-3").expect("epochs must be a positive integer, got -3"));
        cases.add(train("--partitions", "0").expect("partitions must be a positive integer, got 0"));
        cases.add(train("--output", "relu").expect("unknown output 'relu', expected one of: softmax, sigmoid"));
        cases.add(train("--format", "xls").expect("unknown format 'xls': not one of idx, csv, libsvm, parquet, table, nor a data"
                + " source Spark can load (is its package on the classpath?)"));
        cases.add(train("--cache", "tape").expect("unknown cache 'tape', expected one of: memory, disk"));
        cases.add(train("--combine", "sideways").expect("unknown combine 'sideways', expected one of: ordered, tree"));
        cases.add(train("--exchange", "mesh").expect("unknown exchange 'mesh', expected one of: star, sliced, auto"));
        cases.add(train("--layers", "784,0,10").expect("layers must all be positive, got 784,0,10"));
        cases.add(train("--feature-scale", "0").expect("feature-scale must be a positive number, got 0.0"));
        cases.add(train("--checkpoint-every", "-1").expect("checkpoint-every must be 0 or a positive integer, got -1"));
        cases.add(train("--resume").expect("resume needs --checkpoint-dir"));
        cases.add(train("--loss", "quadratic").expect("loss quadratic needs output sigmoid (its delta (a − y) ∘ σ'(z) is"
                + " that of sigmoid outputs), got output softmax"));
        cases.add(train("--loss", "hinge").expect("unknown loss 'hinge', expected one of: cross-entropy, quadratic"));
        cases.add(train("--lr-decay", "step", "--lr-decay-rate", "2").expect("lr-decay-rate must be in (0, 1], got 2.0"));
        cases.add(train("--lr-decay", "step", "--lr-decay-every", "0")
                .expect("lr-decay-every must be a positive integer, got 0"));
        cases.add(train("--lr-decay", "cosine").expect("unknown lr-decay 'cosine', expected one of: none, step, exponential"));
        cases.add(train("--validation-fraction", "1").expect("validation-fraction must be in (0, 1), got 1.0"));
        cases.add(train("--report-every", "-1", "--report", directory.resolve("no-such").toString())
                .expect("report-every must be 0 (every epoch) or a number of seconds, got -1.0"));
        cases.add(train("--early-stop-patience", "-1")
                .expect("early-stop-patience must be 0 (off) or a positive integer, got -1"));
        cases.add(train("--early-stop-patience", "2")
                .expect("early-stop-patience needs a loss to watch: give --validation-fraction or --test"));
        cases.add(train("--validation-fraction", "0.001").expect("validation-fraction 0.001 of the 200 examples of "));
        cases.add(train("--keep-checkpoints", "0", "--checkpoint-dir", directory.resolve("kept").toString())
                .expect("keep-checkpoints must be a positive integer, got 0"));
        cases.add(train("--checkpoint-dir", file("a-file", "not a directory"))
                .expect("--checkpoint-dir " + directory.resolve("a-file") + ": is a file, expected a directory"));
        cases.add(train("--test", directory.resolve("no-test").toString())
                .expect("--test " + directory.resolve("no-test") + ": no such file or directory"));
        // config files
        cases.add(train("--config", file("typo.properties", "lerning-rate = 0.1\n"))
                .expect("lerning-rate is not a setting of 'train'"));
        cases.add(train("--config", file("value.properties", "batch-size = many\n")).expect("batch-size"));
        cases.add(train("--config", directory.resolve("missing.properties").toString())
                .expect("missing.properties: config file not found"));
        // data, in every format
        cases.add(on(file("csv/short.csv", csvHeader + "1,0,0,0,0\n2,0,0,0\n"), "--layers", "4,3,3")
                .expect("short.csv line 3: 4 columns, expected 5"));
        cases.add(on(file("csv/word.csv", csvHeader + "1,0,zero,0,0\n"), "--layers", "4,3,3")
                .expect("word.csv line 2: column b holds 'zero', expected a number"));
        cases.add(on(file("csv/label.csv", csvHeader + "1,0,0,0,0\n7,0,0,0,0\n"), "--layers", "4,3,3")
                .expect("label.csv line 3: label 7 is outside [0, 3)"));
        cases.add(on(file("csv/huge-label.csv", csvHeader + "1,0,0,0,0\n1e19,0,0,0,0\n"), "--layers", "4,3,3")
                .expect("huge-label.csv line 3: label 1e19 is outside [0, 3), the last layer size"));
        cases.add(on(file("csv/infinite-label.csv", csvHeader + "1,0,0,0,0\n+Infinity,0,0,0,0\n"), "--layers", "4,3,3")
                .expect("infinite-label.csv line 3: label +Infinity is not a class index (an integer in [0, 3))"));
        cases.add(on(file("csv/huge-feature.csv", csvHeader + "1,0,1e39,0,0\n"), "--layers", "4,3,3")
                .expect("huge-feature.csv line 2: column b is 1e39, beyond float32's range (±3.4028235E38) in which"
                        + " examples are kept"));
        cases.add(on(file("csv/empty.csv", ""), "--layers", "4,3,3").expect("empty.csv: empty file"));
        cases.add(on(file("svm/zero.svm", "1 1:0.5\n0 0:1\n"), "--layers", "4,3,3", "--num-features", "4")
                .expect("zero.svm line 2: feature index 0 is outside [1, 4]"));
        cases.add(on(file("svm/bad-pair.svm", "1 1:0.5\n0 2=1\n"), "--layers", "4,3,3", "--num-features", "4")
                .expect("bad-pair.svm line 2"));
        cases.add(on(file("idx/truncated-images-idx3-ubyte", "\u0000\u0000\u0008\u0003"), "--layers", "784,3,10")
                .expect("truncated-images-idx3-ubyte"));
        cases.add(train("--layers", "100,10,10").expect("layers: the input size is 100 but"));
        // found inside Spark tasks, while the executors read their ranges of records
        cases.add(on(IdxFiles.write(directory.resolve("idx-label"), "train", 200, 1, 150, 12).toString())
                .expect("train-labels-idx1-ubyte.gz: label 12 at row 150"));
        cases.add(on(cutShort(directory.resolve("idx-cut"), 200, 120).toString())
                .expect("train-images-idx3-ubyte.gz: file ends at image"));
        cases.add(on(directory.resolve("nowhere.csv").toString()).expect("nowhere.csv: no such file or directory"));
        // model files
        cases.add(train("--init-model", directory.resolve("none.json").toString()).expect("none.json: model file not found"));
        String truncated = file("models/truncated.json", goodModel.substring(0, 40));
        cases.add(withModel(truncated).expect("truncated.json: not a valid JSON model file"));
        cases.add(withModel(file("models/text.json", "weights, sizes and biases\n"))
                .expect("text.json: not a valid JSON model file"));
        cases.add(withModel(file("models/array.json", "[1, 2, 3]\n"))
                .expect("array.json: expected a JSON object with sizes, weights and biases"));
        cases.add(withModel(file("models/rows.json", goodModel.replace("[[0.1, 0.2], [0.3, 0.4]]", "[[0.1, 0.2]]")))
                .expect("rows.json: weights[0] must have 2 rows to match \"sizes\""));
        cases.add(withModel(file("models/infinite.json", goodModel.replace("0.3", "1e999")))
                .expect("infinite.json: weights[0][1][0] is"));
        cases.add(withModel(file("models/output.json", goodModel.replace("}", ", \"output\": \"tanh\"}")))
                .expect("output.json: unknown output 'tanh'"));
        cases.add(withModel(file("models/version.json", goodModel.replace("}", ", \"format\": \"spark-backprop-model/9\"}")))
                .expect("version.json: model format \"spark-backprop-model/9\" is not supported"));
        cases.add(withModel(file("models/sizes.json", goodModel.replace("[2, 2]", "[2, -2]")))
                .expect("sizes.json: \"sizes\"[1] is -2, expected a positive integer"));
        // export
        String good = file("models/good.json", goodModel);
        cases.add(new Case(List.of("export", "--model", directory.resolve("nowhere.json").toString()))
                .expect("nowhere.json: model file not found"));
        Files.createDirectories(directory.resolve("empty-model-directory"));
        cases.add(new Case(List.of("export", "--model", directory.resolve("empty-model-directory").toString()))
                .expect("empty-model-directory: a directory without a model, expected a model file or a saved Spark ML"
                        + " model's directory (which holds network2.json)"));
        cases.add(new Case(List.of("export", "--model", good, "--out", directory.resolve("no-such/m.onnx").toString()))
                .expect("--out " + directory.resolve("no-such/m.onnx") + ": the directory " + directory.resolve("no-such")
                        + " does not exist"));
        cases.add(new Case(List.of("export", "--model", good, "--opset", "12"))
                .expect("opset must be between 13 and 21, got 12"));
        cases.add(new Case(List.of("export", "--model", truncated)).expect("truncated.json: not a valid JSON model file"));
        return cases.stream().map(Case::arguments);
    }

    /**
     * IDX files in {@code folder} whose images header announces {@code announced} images but
     * whose gzip holds only {@code present} of them: the driver sees a good header, the executor
     * reading the last range finds the end. Returns the images file.
     */
    private static Path cutShort(Path folder, int announced, int present) throws Exception {
        IdxFiles.write(folder, "train", announced, 3, -1, 0);
        Path images = folder.resolve("train-images-idx3-ubyte.gz");
        byte[] whole;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(images))) {
            whole = in.readAllBytes();
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(images))) {
            out.write(whole, 0, 16 + present * 784);
        }
        return images;
    }

    /** A train command on the IDX data with some options, and small --layers and --epochs unless they are among them. */
    private static Case train(String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--train", idx.toString()));
        List<String> given = List.of(options);
        if (!given.contains("--layers")) {
            args.addAll(List.of("--layers", "784,6,10"));
        }
        if (!given.contains("--epochs")) {
            args.addAll(List.of("--epochs", "1"));
        }
        args.addAll(given);
        return new Case(args);
    }

    /** A train command on {@code data} with {@code options}. */
    private static Case on(String data, String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--train", data, "--epochs", "1"));
        args.addAll(List.of(options));
        return new Case(args);
    }

    /** An evaluate command with the model file {@code path}. */
    private static Case withModel(String path) {
        return new Case(new ArrayList<>(List.of("evaluate", "--model", path, "--data", idx.toString())));
    }

    private record Case(List<String> args, String expected) {
        Case(List<String> args) {
            this(args, null);
        }

        Case expect(String message) {
            return new Case(args, message);
        }

        Arguments arguments() {
            return Arguments.of(String.join(" ", args.subList(0, Math.min(args.size(), 8))), this);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersInOneLineWithExitCode2AndTouchesNoOutput(String description, Case badCase) throws Exception {
        Files.writeString(model, EARLIER_MODEL);
        Files.writeString(metrics, EARLIER_METRICS);
        List<String> args = new ArrayList<>(badCase.args());
        Files.writeString(onnx, EARLIER_ONNX);
        if (args.get(0).equals("train")) {
            args.addAll(List.of("--model-out", model.toString(), "--metrics-out", metrics.toString()));
        }
        if (args.get(0).equals("export") && !args.contains("--out")) {
            args.addAll(List.of("--out", onnx.toString()));
        }
        Cli.Result result;
        List<String> logged;
        try (LogCapture log = LogCapture.start()) {
            result = Cli.run(args.toArray(String[]::new));
            logged = log.lines();
        }
        assertEquals(2, result.exitCode(), result.err());
        assertEquals(List.of(), logged, "the whole output is the error line: nothing logged beside it");
        assertEquals("", result.out(), "nothing on stdout");
        assertEquals(1, result.errLines().size(), "one line: " + result.err());
        assertTrue(result.err().startsWith("error: ") && result.err().contains(badCase.expected()),
                "expected '" + badCase.expected() + "' in: " + result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace");
        assertEquals(EARLIER_MODEL, Files.readString(model), "the earlier model file is untouched");
        assertEquals(EARLIER_METRICS, Files.readString(metrics), "the earlier metrics file is untouched");
        assertEquals(EARLIER_ONNX, Files.readString(onnx), "the earlier ONNX file is untouched");
        assertFalse(Files.exists(directory.resolve("no-such")), "no directory made for an output that was refused");
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of(), files.filter(file -> file.getFileName().toString().endsWith(".tmp")).toList(),
                    "nothing half-written");
        }
    }
}
