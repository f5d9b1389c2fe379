package org.sparkbackprop.spark.input;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.LibSvmParser;

/** LIBSVM's {@code label index:value ...}, through Spark's text source; as wide as --num-features, or the largest index. */
final class LibSvmReader extends ParsedFormatReader {
    @Override
    Parsed parse(JavaSparkContext context, String path, ReadOptions options, Request request) {
        if (request.idCol() != null) {
            throw new BadInputException("id-col: LIBSVM rows have no columns; predictions carry their row index");
        }
        SparkSession spark = SparkSession.active();
        TextSource.firstLine(path, context.hadoopConfiguration());
        int width = options.numFeatures() != null ? options.numFeatures() : TextSource.libsvmWidth(spark, path);
        LibSvmParser parser = new LibSvmParser(width, options.featureScale());
        return new Parsed(TextSource.libsvm(spark, path, parser, request.classes()), width);
    }
}
