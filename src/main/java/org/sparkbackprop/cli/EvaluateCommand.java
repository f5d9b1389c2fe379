package org.sparkbackprop.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.IntStream;
import java.util.concurrent.Callable;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.run.RunReport;
import org.sparkbackprop.run.ScoresJson;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.input.IdxSource;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.spark.step.KernelCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evaluate}: the loss and accuracy of a saved model on a data set, computed on the executors. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scores a saved model on a data set: loss, accuracy, per-class precision, recall and F1, "
                + "the confusion matrix; for multi-label models subset accuracy, Hamming loss, micro- and macro-F1.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataSetOptions dataSet;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    BlasOption blas;

    @Option(names = "--data", paramLabel = "PATH", description = "The data: a file or directory in any format of --format (a directory in MNIST's layout: its t10k set).")
    String data;




    @Option(names = "--json", description = "Print the scores as one JSON object.")
    boolean json;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Also write a report here: the confusion matrix (per-label F1 for multi-label models) as a"
                    + " PNG chart and index.html with the results.")
    String report;


    @Override
    public Integer call() {
        if (data == null) {
            throw new BadInputException("evaluate: --data is required (the data to score)");
        }
        DataPaths.requireKeptInClusterMode("--report", report);
        dataSet.requireExists("--data", data);
        dataSet.validate();
        ModelOptions.Loaded model = modelOptions.load("evaluate");
        Parameters parameters = model.parameters();
        Blas.Selection kernel = blas.select();
        long started = System.nanoTime();
        Scores scores = SparkRun.with("spark-backprop evaluate", context -> {
            CachedExamples examples = DataSetReader.load(context, data, dataSet, IdxSource.Role.TEST,
                    parameters.architecture().inputSize(), parameters.architecture().outputSize(),
                    dataSet.partitions(context), model.classNames());
            KernelCheck.onExecutors(context, examples, kernel.kernel());
            Blas.log(kernel);
            Scores result = new DistributedSource(context, examples, DistributedSource.SCORING_ROWS, Combine.ORDERED, kernel.kernel())
                    .score(parameters);
            examples.release();
            return result;
        });
        print(scores, parameters.architecture().output(), model.classNames(), spec.commandLine().getOut());
        if (report != null) {
            RunReport.forEvaluation(modelOptions.model, data, parameters.architecture().output(), scores,
                    (System.nanoTime() - started) / 1e9).write(report);
        }
        return ExitCodes.OK;
    }

    private void print(Scores scores, Output modelOutput, List<String> classNames, PrintWriter out) {
        boolean multiLabel = modelOutput.multiLabel();
        if (json) {
            out.println(ScoresJson.of(scores, multiLabel, classNames));
            out.flush();
            return;
        }
        out.printf("examples        %d%n", scores.examples());
        out.printf("loss            %.6f%n", scores.loss());
        if (multiLabel) {
            out.printf("subset accuracy %.6f%n", scores.accuracy());
            out.printf("Hamming loss    %.6f%n", scores.hammingLoss());
            out.printf("micro-F1        %.6f%n", scores.microF1());
            out.printf("macro-F1        %.6f%n", scores.macroF1());
        } else {
            out.printf("accuracy        %.6f%n", scores.accuracy());
        }
        int width = 7;
        for (int k = 0; k < scores.classes(); k++) {
            width = Math.max(width, name(k, classNames).length());
        }
        out.printf("%n%-" + width + "s %9s %9s %9s %9s%n", multiLabel ? "label" : "class", "precision", "recall", "F1",
                "support");
        for (int k = 0; k < scores.classes(); k++) {
            Scores.ClassScores c = scores.classScores(k);
            out.printf("%-" + width + "s %9.4f %9.4f %9.4f %9d%n", name(k, classNames), c.precision(), c.recall(), c.f1(),
                    c.support());
        }
        if (!multiLabel) {
            if (classNames != null) {
                out.printf("%nclasses: %s%n", String.join(", ", IntStream.range(0, classNames.size())
                        .mapToObj(k -> k + " " + classNames.get(k)).toList()));
            }
            out.printf("%nconfusion matrix (rows: actual class, columns: predicted class)%n");
            for (int actual = 0; actual < scores.classes(); actual++) {
                StringBuilder row = new StringBuilder(String.format("%-4d", actual));
                for (int predicted = 0; predicted < scores.classes(); predicted++) {
                    row.append(String.format(" %6d", scores.confusion(actual, predicted)));
                }
                out.println(row);
            }
        }
        out.flush();
    }

    /** Class k's name: its name where the labels were names, else k. */
    private static String name(int k, List<String> classNames) {
        return classNames != null ? classNames.get(k) : Integer.toString(k);
    }
}
