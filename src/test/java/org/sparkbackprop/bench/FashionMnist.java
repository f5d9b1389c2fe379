package org.sparkbackprop.bench;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ExamplePartition;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.input.IdxSource;

/**
 * Fashion-MNIST twice: cached on Spark's executors in as many partitions as Spark has cores,
 * and the same partitions collected into this process for the in-process side of each ratio.
 */
final class FashionMnist {
    final CachedExamples train;
    final CachedExamples test;
    final List<ExamplePartition> trainPartitions;
    final List<ExamplePartition> testPartitions;
    private final String directory;

    FashionMnist(JavaSparkContext context, String directory) {
        this.directory = directory;
        int partitions = context.defaultParallelism();
        this.train = load(context, IdxSource.Role.TRAIN, partitions);
        this.test = load(context, IdxSource.Role.TEST, partitions);
        this.trainPartitions = collect(train);
        this.testPartitions = collect(test);
    }

    CachedExamples load(JavaSparkContext context, IdxSource.Role role, int partitions) {
        return IdxSource.load(context, IdxSource.resolveImages(directory, role, context.hadoopConfiguration()),
                784, 10, partitions);
    }

    static List<ExamplePartition> collect(CachedExamples examples) {
        List<ExamplePartition> partitions = new ArrayList<>();
        for (List<ExampleBlock> blocks : examples.blocks().glom().collect()) {
            partitions.add(new ExamplePartition(blocks));
        }
        return partitions;
    }

    /** The training set as one partition in this process. */
    ExamplePartition wholeTrain() {
        List<ExampleBlock> blocks = new ArrayList<>();
        trainPartitions.forEach(partition -> blocks.addAll(partition.blocks()));
        return new ExamplePartition(blocks);
    }

    void release() {
        train.release();
        test.release();
    }
}
