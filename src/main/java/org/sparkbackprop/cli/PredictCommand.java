package org.sparkbackprop.cli;

import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.ParsedExample;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.spark.input.IdxSource;
import org.sparkbackprop.spark.output.Predictions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code predict}: a saved model's predictions for a data set, computed on the executors and written by Spark. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Writes a saved model's predictions for a data set: prediction and probability per row.")
final class PredictCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PredictCommand.class);

    @Mixin
    DataSetOptions dataSet;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    BlasOption blas;

    @Option(names = "--data", paramLabel = "PATH", description = "The data to predict; labels are not needed (CSV, Parquet, LIBSVM).")
    String data;

    @Option(names = "--out", paramLabel = "DIR", description = "A new directory for the predictions.")
    String out;

    @Option(names = "--out-format", paramLabel = "FORMAT", defaultValue = "parquet",
            description = "parquet (default) or csv (probabilities as ';'-separated lists).")
    String outFormat;

    @Option(names = "--threshold", defaultValue = "0.5",
            description = "Multi-label models: a class is predicted at probability ≥ this (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--id-col", paramLabel = "NAME", description = "A column of the input carried through to the output as 'id'.")
    String idCol;


    @Override
    public Integer call() {
        if (data == null || out == null) {
            throw new BadInputException("predict: --data and --out are required");
        }
        if (!outFormat.equals("parquet") && !outFormat.equals("csv")) {
            throw new BadInputException("out-format must be parquet or csv, got '" + outFormat + "'");
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw new BadInputException("threshold must be in (0, 1), got " + threshold);
        }
        dataSet.validate();
        dataSet.requireExists("--data", data);
        ModelOptions.Loaded model = modelOptions.load("predict");
        Parameters parameters = model.parameters();
        Blas.Selection kernel = blas.select();
        long rows = SparkRun.with("spark-backprop predict", context -> {
            SparkSession spark = SparkSession.active();
            int inputSize = parameters.architecture().inputSize();
            // labels are not needed to predict (IDX has them always, one-hot over the model's classes)
            JavaPairRDD<Long, ParsedExample> examples = DataSetReader.rows(context, data, dataSet, IdxSource.Role.TEST,
                    inputSize, parameters.architecture().outputSize(), false, idCol,
                    dataSet.partitions(context));
            return Predictions.write(spark, examples, parameters, model.classNames(), kernel.kernel(), threshold, idCol != null, out, outFormat);
        });
        LOG.info("{} predictions written to {}", rows, out);
        Blas.log(kernel);
        return ExitCodes.OK;
    }
}
