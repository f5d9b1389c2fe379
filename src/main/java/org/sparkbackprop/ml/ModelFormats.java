package org.sparkbackprop.ml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLFormatRegister;
import org.apache.spark.sql.SparkSession;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.files.AtomicFiles;
import org.sparkbackprop.files.DriverFiles;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.onnx.OnnxModel;
import scala.Option;
import scala.collection.mutable.Map;

/**
 * The formats {@code BackpropClassificationModel.write()} saves in, as Spark's other models
 * offer theirs ({@code LinearRegressionModel}'s {@code write.format("pmml")}): Spark's
 * {@code GeneralMLWriter} finds them by {@code format+stageName} in
 * {@code META-INF/services/org.apache.spark.ml.util.MLFormatRegister}.
 */
public final class ModelFormats {
    private ModelFormats() {
    }

    /** A format of {@code BackpropClassificationModel}, named {@code format}. */
    private abstract static class OfTheModel implements MLFormatRegister {
        private final String format;

        OfTheModel(String format) {
            this.format = format;
        }

        @Override
        public String format() {
            return format;
        }

        @Override
        public String stageName() {
            return BackpropClassificationModel.class.getName();
        }

        @Override
        public void write(String path, SparkSession session, Map<String, String> options, PipelineStage stage) {
            write(path, session, options, (BackpropClassificationModel) stage);
        }

        abstract void write(String path, SparkSession session, Map<String, String> options,
                            BackpropClassificationModel model);
    }

    /** {@code write().save(path)}: the model directory (Spark ML's metadata and the network2 model file). */
    public static final class Internal extends OfTheModel {
        public Internal() {
            super("internal");
        }

        @Override
        void write(String path, SparkSession session, Map<String, String> options, BackpropClassificationModel model) {
            DefaultParamsWriter.saveMetadata(model, path, session.sparkContext(), Option.empty(), Option.empty());
            String file = qualified(new Path(path, ModelFile.IN_MODEL_DIRECTORY), session);
            try {
                ModelFile.write(model.network(), model.classNames(), file);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot write the model (" + e.getMessage() + ")", e);
            }
            if (model.hasSummary()) {
                String summaryFile = qualified(new Path(path, BackpropTrainingSummary.IN_MODEL_DIRECTORY), session);
                try {
                    AtomicFiles.write(summaryFile, out -> out.write(
                            (model.summary().toJson() + "\n").getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new UncheckedIOException(summaryFile + ": cannot write the training summary ("
                            + e.getMessage() + ")", e);
                }
            }
        }
    }

    /** The training summary saved in the model directory {@code path}; null when it has none. */
    static BackpropTrainingSummary readSummary(String path, SparkSession session) {
        String file = qualified(new Path(path, BackpropTrainingSummary.IN_MODEL_DIRECTORY), session);
        if (!DriverFiles.exists(file)) {
            return null;
        }
        try (InputStream in = DriverFiles.open(file, "training summary")) {
            return BackpropTrainingSummary.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the training summary (" + e.getMessage() + ")", e);
        }
    }

    /**
     * {@code write().format("onnx").save(path)}: the ONNX model, one file at {@code path}, in the
     * opset of the option {@code opset} ({@code write().format("onnx").option("opset", "17")}),
     * else {@value OnnxModel#DEFAULT_OPSET}.
     */
    public static final class Onnx extends OfTheModel {
        public Onnx() {
            super("onnx");
        }

        @Override
        void write(String path, SparkSession session, Map<String, String> options, BackpropClassificationModel model) {
            Option<String> opset = options.get("opset");
            String file = qualified(new Path(path), session);
            try {
                OnnxModel.write(model.network(), model.classNames(), opset.isDefined() ? parseOpset(opset.get()) : OnnxModel.DEFAULT_OPSET,
                        file);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot write the ONNX model (" + e.getMessage() + ")", e);
            }
        }

        private static int parseOpset(String given) {
            try {
                return Integer.parseInt(given.trim());
            } catch (NumberFormatException e) {
                throw new BadInputException("opset must be between " + OnnxModel.OLDEST_OPSET + " and "
                        + OnnxModel.DEFAULT_OPSET + ", got '" + given + "'");
            }
        }
    }

    /** {@code path} on the file system Spark saves to: a path without a scheme is on the default file system. */
    static String qualified(Path path, SparkSession session) {
        try {
            return path.getFileSystem(session.sparkContext().hadoopConfiguration()).makeQualified(path).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot reach its file system (" + e.getMessage() + ")", e);
        }
    }
}
