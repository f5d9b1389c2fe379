package org.sparkbackprop.spark.input;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkbackprop.data.CsvLayout;

/** Comma-separated values, through Spark's text source; the columns as {@link CsvLayout} resolves them. */
final class CsvReader extends ParsedFormatReader {
    @Override
    Parsed parse(JavaSparkContext context, String path, ReadOptions options, Request request) {
        CsvLayout layout = CsvLayout.resolve(path, TextSource.firstLine(path, context.hadoopConfiguration()),
                options.header(), options.labelCol(), options.labelCols(), options.featureCols(), options.featureScale(),
                request.labelsRequired(), request.idCol());
        return new Parsed(TextSource.csv(SparkSession.active(), path, layout, request.classes()), layout.featureCount());
    }
}
