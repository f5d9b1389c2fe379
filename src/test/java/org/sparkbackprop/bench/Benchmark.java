package org.sparkbackprop.bench;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkbackprop.spark.SparkDefaults;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code submit/bench.sh}: where spark-backprop stands, as ratios measured in one run on one
 * machine, so that a noisy, shared machine slows both sides of each ratio alike. Every row
 * prints the measured value, the goal and whether it is met; the lines under a row say what
 * went into it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures kernel speed, step overhead, the README run and what its live report costs, Spark"
                + " efficiency, time to accuracy, a large model's step and"
                + " the two ways of combining, the resident step on a standalone cluster against local[2], the speed after an executor's loss, and (--rows scale, as"
                + " root) the star and sliced exchanges on an emulated network of 2 to 8 executors.")
public final class Benchmark implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "data/fashion-mnist", description = "Fashion-MNIST in the IDX layout (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--quick", description = "Small counts everywhere: checks that every row runs, measures nothing worth quoting.")
    boolean quick;

    @Option(names = "--target-accuracy", defaultValue = "0.87", description = "Test accuracy for the time-to-accuracy row (default: ${DEFAULT-VALUE}).")
    double targetAccuracy;

    @Option(names = "--mllib-max-iterations", defaultValue = "100",
            description = "The most L-BFGS iterations MLlib gets; above 100, a second fit with this many when 100 fall short"
                    + " of the target (default: ${DEFAULT-VALUE}).")
    int mllibMaxIterations;

    @Option(names = "--rows", split = ",", defaultValue = "kernel,overhead,readme,report,efficiency,outofcore,accuracy,large,combine,cluster,recovery",
            description = "Rows to measure (default: ${DEFAULT-VALUE}; scale, which needs root, only when named).")
    List<String> rows;

    private final Table table = new Table();

    public static void main(String[] args) {
        System.exit(new CommandLine(new Benchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        // the master comes from spark.master, which submit/bench.sh sets (local[2] unless SPARK_MASTER says otherwise)
        SparkSession session = SparkDefaults.apply(SparkSession.builder().appName("spark-backprop bench"))
                .config("spark.ui.enabled", "false").getOrCreate();
        JavaSparkContext context = JavaSparkContext.fromSparkContext(session.sparkContext());
        try {
            table.header(String.format(Locale.ROOT, "spark-backprop benchmark: %d cores, %s, Spark %s, Java %s%s",
                    Runtime.getRuntime().availableProcessors(), context.master(), context.version(),
                    System.getProperty("java.version"), quick ? " (--quick: not for quoting)" : ""));
            table.header("matrix products (the step rows' kernel): " + AutoKernel.SELECTION.description());
            FashionMnist fashion = new FashionMnist(context, data);
            if (rows.contains("kernel")) {
                new KernelRow(quick).measure(fashion, table);
            }
            if (rows.contains("overhead")) {
                new StepOverheadRow(quick).measure(context, fashion, table);
            }
            if (rows.contains("readme")) {
                new ReadmeRunRow(quick).measure(context, fashion, data, table);
            }
            if (rows.contains("report")) {
                new LiveReportRow(quick).measure(context, fashion, table);
            }
            if (rows.contains("efficiency")) {
                new SparkEfficiencyRow(quick).measure(context, fashion, table);
            }
            if (rows.contains("outofcore")) {
                new OutOfCoreRow(quick).measure(context, fashion, data, table);
            }
            if (rows.contains("accuracy")) {
                new TimeToAccuracyRow(quick, targetAccuracy, mllibMaxIterations).measure(session, context, fashion, table);
            }
            if (rows.contains("large")) {
                new LargeModelRow(quick).measure(context, fashion, table);
            }
            if (rows.contains("combine")) {
                new CombineRow(quick).measure(context, fashion, table);
            }
            fashion.release();
        } finally {
            session.stop();
        }
        if (rows.contains("cluster")) {
            // a SparkContext of its own per side, so after this JVM's local one is gone
            new ClusterStepRow(quick).measure(data, table);
        }
        if (rows.contains("recovery")) {
            new LossRecoveryRow(quick).measure(data, table);
        }
        if (rows.contains("scale")) {
            // not among the default rows: it needs root, for the network namespaces
            new ScaleRow(quick).measure(data, table);
        }
        table.print(System.out);
        return 0;
    }
}
