package org.sparkbackprop.spark.step;

import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.spark.input.BadInputInTasks;
import org.sparkbackprop.spark.input.CachedExamples;

/**
 * Before the first step: every executor that holds a partition can run the driver's kernel. A
 * machine without the native BLAS the driver chose would otherwise fail its first step's task
 * again and again, with Spark's traces; here it is bad input, one line naming the executor.
 */
public final class KernelCheck {
    private KernelCheck() {
    }

    /** One small job over {@code examples}' partitions; nothing to do for EJML, or in local mode, where the driver looked. */
    public static void onExecutors(JavaSparkContext context, CachedExamples examples, Kernel kernel) {
        if (kernel == Kernel.EJML || context.isLocal()) {
            return;
        }
        BadInputInTasks badInput = BadInputInTasks.of(context.sc());
        examples.blocks().mapPartitions(badInput.guard(new Probe(kernel))).count();
        badInput.throwIfFound();
    }

    private record Probe(Kernel kernel) implements FlatMapFunction<Iterator<ExampleBlock>, Object> {
        @Override
        public Iterator<Object> call(Iterator<ExampleBlock> blocks) {
            WorkspacePool.products(kernel);
            return Collections.emptyIterator();
        }
    }
}
