package org.sparkbackprop.cli;

import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.spark.CachedExamples;
import org.sparkbackprop.spark.IdxSource;

/** Loads a data set named on the command line in the format given or inferred. */
final class DataOptions {
    private DataOptions() {
    }

    static CachedExamples load(JavaSparkContext context, String path, InputFormat format, IdxSource.Role role,
                               int inputSize, int classes, int partitions) {
        InputFormat chosen = format != null ? format : InputFormat.inferFrom(path);
        return switch (chosen) {
            case IDX -> IdxSource.load(context, IdxSource.resolveImages(path, role, context.hadoopConfiguration()),
                    inputSize, classes, partitions);
        };
    }
}
