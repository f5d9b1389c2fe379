package org.sparkbackprop.spark.input;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** Parquet, through Spark's Parquet source; the columns as {@link ParquetSource#layout} finds them. */
final class ParquetReader extends ParsedFormatReader {
    @Override
    Parsed parse(JavaSparkContext context, String path, ReadOptions options, Request request) {
        SparkSession spark = SparkSession.active();
        ParquetSource.Layout layout = ParquetSource.layout(spark, path, options.featureCols(), options.featureScale(),
                request.labelsRequired(), request.idCol());
        int width = layout.featureCount(spark, path);
        return new Parsed(ParquetSource.parse(spark, path, layout, width, request.classes()), width);
    }
}
