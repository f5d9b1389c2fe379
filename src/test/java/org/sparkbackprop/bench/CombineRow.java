package org.sparkbackprop.bench;

import static org.sparkbackprop.bench.Table.f;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.input.IdxSource;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.training.EpochOrder;

/**
 * Ordered against tree combining as the partitions grow, for the large model, whose partial
 * sums (14 MB each) make the combine count. Steps alternate between the two.
 */
final class CombineRow {
    private final boolean quick;

    CombineRow(boolean quick) {
        this.quick = quick;
    }

    void measure(JavaSparkContext context, FashionMnist fashion, Table table) {
        Architecture architecture = new Architecture(LargeModelRow.SIZES, Activation.SIGMOID, Output.SOFTMAX);
        Parameters parameters = Initialization.SCALED.initialize(architecture, 1);
        int[] partitionCounts = quick ? new int[] {2, 4} : new int[] {2, 8, 32};
        int measured = quick ? 1 : 4;
        List<String> notes = new ArrayList<>();
        String crossover = "none up to " + partitionCounts[partitionCounts.length - 1] + " partitions";
        for (int partitions : partitionCounts) {
            CachedExamples examples = fashion.load(context, IdxSource.Role.TRAIN, partitions);
            DistributedSource ordered = new DistributedSource(context, examples, LargeModelRow.BATCH, Combine.ORDERED,
                    AutoKernel.KERNEL);
            DistributedSource tree = new DistributedSource(context, examples, LargeModelRow.BATCH, Combine.TREE,
                    AutoKernel.KERNEL);
            EpochOrder order = new EpochOrder(1, 0, examples.exampleCount());
            long[] orderedNanos = new long[measured];
            long[] treeNanos = new long[measured];
            for (int i = -1; i < measured; i++) {
                long[] batch = order.batch(i + 1, LargeModelRow.BATCH);
                ordered.sumGradients(parameters, batch);
                tree.sumGradients(parameters, batch);
                if (i >= 0) {
                    orderedNanos[i] = ordered.lastStep().totalNanos();
                    treeNanos[i] = tree.lastStep().totalNanos();
                }
            }
            examples.release();
            double orderedMillis = Timing.medianMillis(orderedNanos);
            double treeMillis = Timing.medianMillis(treeNanos);
            notes.add(f("%2d partitions: a step takes %.0f ms ordered, %.0f ms as a tree", partitions,
                    orderedMillis, treeMillis));
            if (treeMillis < orderedMillis && crossover.startsWith("none")) {
                crossover = "tree faster from " + partitions + " partitions";
            }
        }
        table.info("combine", crossover, notes);
    }
}
