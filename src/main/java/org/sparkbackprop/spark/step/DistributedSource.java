package org.sparkbackprop.spark.step;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ContextCleaner;
import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ExamplePartition;
import org.sparkbackprop.network.Backpropagation;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.training.GradientSource;
import org.sparkbackprop.training.InProcessSource;
import org.sparkbackprop.training.ScoreSource;
import scala.Tuple2;

/**
 * Gradients and scores computed by the executors over cached examples. One step:
 * broadcast the parameters → every partition sums the gradients of its members of the batch
 * in one pass per layer → the partial sums come back in partition order and are added in
 * that order, so the result does not depend on which task finished first → the broadcast is
 * destroyed. The batch is sent as its sorted global indices; each partition finds its
 * members by binary search, never scanning its data.
 */
public final class DistributedSource implements GradientSource, ScoreSource {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedSource.class);
    /**
     * Rows an executor scores at a time where no batch size is given ({@code evaluate}, and the
     * Spark ML model's): the grouping of the loss sums, so the same for both.
     */
    public static final int SCORING_ROWS = 1024;
    /** False once this JVM's Spark lacked the cleaner's call ({@link #removeShuffle}). */
    private static volatile boolean cleanerCallable = true;

    private final JavaSparkContext context;
    private final CachedExamples examples;
    private final int batchCapacity;
    private final Combine combine;
    private final Kernel kernel;
    private StepProfile lastStep;

    /** {@code batchCapacity}: the largest batch a step will be asked for; workspaces are sized by it. */
    public DistributedSource(JavaSparkContext context, CachedExamples examples, int batchCapacity) {
        this(context, examples, batchCapacity, Combine.ORDERED, Kernel.EJML);
    }

    public DistributedSource(JavaSparkContext context, CachedExamples examples, int batchCapacity, Combine combine) {
        this(context, examples, batchCapacity, combine, Kernel.EJML);
    }

    /** {@code kernel}: what runs the matrix products in every task, wherever it runs. */
    public DistributedSource(JavaSparkContext context, CachedExamples examples, int batchCapacity, Combine combine,
                             Kernel kernel) {
        this.context = context;
        this.examples = examples;
        this.batchCapacity = batchCapacity;
        this.combine = combine;
        this.kernel = kernel;
    }

    public Combine combine() {
        return combine;
    }

    public Kernel kernel() {
        return kernel;
    }

    @Override
    public long exampleCount() {
        return examples.exampleCount();
    }

    /** Names the step's Spark jobs "epoch E step S/N", which the Spark UI shows beside each job. */
    @Override
    public void stepStarting(int epoch, long step, long steps) {
        context.setJobDescription("epoch " + epoch + " step " + step + "/" + steps);
    }

    /** Where the last {@link #sumGradients} call spent its time; null before the first. */
    public StepProfile lastStep() {
        return lastStep;
    }

    @Override
    public Gradients sumGradients(Parameters parameters, long[] sortedBatch) {
        long started = System.nanoTime();
        Broadcast<Parameters> broadcast = context.broadcast(parameters);
        long broadcasted = System.nanoTime();
        long collected = broadcasted;
        long combined = broadcasted;
        long computeNanos = 0;
        try {
            PartitionGradients gradients = new PartitionGradients(broadcast, sortedBatch, batchCapacity, kernel);
            List<PartialSums> partials = combine == Combine.ORDERED ? runOnEveryPartition(gradients)
                    : combineInTree(gradients);
            collected = System.nanoTime();
            List<Gradients> sums = new ArrayList<>(partials.size());
            for (PartialSums partial : partials) {
                sums.add(partial.sums);
                computeNanos = Math.max(computeNanos, partial.computeNanos);
            }
            Gradients total = Gradients.sumInOrder(sums, parameters.architecture());
            combined = System.nanoTime();
            return total;
        } finally {
            broadcast.destroy();
            long released = System.nanoTime();
            lastStep = new StepProfile(broadcasted - started, collected - broadcasted, computeNanos,
                    combined - collected, released - combined);
        }
    }

    @Override
    public Scores score(Parameters parameters) {
        context.setJobDescription("scoring " + examples.exampleCount() + " examples");
        Broadcast<Parameters> broadcast = context.broadcast(parameters);
        try {
            Scores total = new Scores();
            for (Scores partial : runOnEveryPartition(new PartitionScores(broadcast, batchCapacity, kernel))) {
                total.add(partial);
            }
            return total;
        } finally {
            broadcast.destroy();
        }
    }

    /**
     * Runs {@code function} on every partition of the cached blocks as one job and returns its
     * results in partition order, without the partitions that had none. {@code SparkContext.runJob}
     * with a named function class, not an RDD transformation: a transformation wraps the function
     * in Scala closures, which Spark's ClosureCleaner reads back from their class files with ASM on
     * every job (a quarter of a small job's driver time); a named class is no closure to clean.
     */
    private <U> List<U> runOnEveryPartition(FlatMapFunction<Iterator<ExampleBlock>, U> function) {
        Object[] results = (Object[]) context.sc().runJob(examples.blocks().rdd(), new OnePartition<>(function),
                scala.reflect.ClassTag$.MODULE$.apply(Object.class));
        List<U> found = new ArrayList<>(results.length);
        for (Object result : results) {
            if (result != null) {
                @SuppressWarnings("unchecked")
                U typed = (U) result;
                found.add(typed);
            }
        }
        return found;
    }

    /** A partition's blocks through a function that gives at most one result; null for none. */
    private static final class OnePartition<U>
            extends scala.runtime.AbstractFunction2<TaskContext, scala.collection.Iterator<ExampleBlock>, U>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        private final FlatMapFunction<Iterator<ExampleBlock>, U> function;

        OnePartition(FlatMapFunction<Iterator<ExampleBlock>, U> function) {
            this.function = function;
        }

        @Override
        public U apply(TaskContext task, scala.collection.Iterator<ExampleBlock> blocks) {
            List<ExampleBlock> list = new ArrayList<>();
            while (blocks.hasNext()) {
                list.add(blocks.next());
            }
            try {
                Iterator<U> results = function.call(list.iterator());
                return results.hasNext() ? results.next() : null;
            } catch (Exception e) {
                throw e instanceof RuntimeException unchecked ? unchecked : new IllegalStateException(e);
            }
        }
    }

    /**
     * {@link Combine#TREE}: partition p's sum goes to combine task ⌊p / f⌋, which adds its f sums
     * in partition order; the combine tasks' sums come back in task order. f makes the combine
     * tasks as many as Spark's cores (at most half the partitions).
     */
    private List<PartialSums> combineInTree(PartitionGradients gradients) {
        int partitions = examples.partitions();
        int combiners = Math.max(1, Math.min(context.defaultParallelism(), (partitions + 1) / 2));
        int fanIn = (partitions + combiners - 1) / combiners;
        JavaRDD<Tuple2<Integer, IndexedSums>> keyed = examples.blocks()
                .mapPartitionsWithIndex((index, blocks) -> {
                    Iterator<PartialSums> sums = gradients.call(blocks);
                    return sums.hasNext() ? List.of(new Tuple2<>(index / fanIn, new IndexedSums(index, sums.next())))
                            .iterator() : Collections.<Tuple2<Integer, IndexedSums>>emptyIterator();
                }, false);
        JavaPairRDD<Integer, Iterable<IndexedSums>> grouped = JavaPairRDD.fromJavaRDD(keyed).groupByKey(combiners);
        List<Tuple2<Integer, PartialSums>> combined;
        try {
            combined = grouped.mapValues(DistributedSource::sumInPartitionOrder).collect();
        } finally {
            removeShuffle(grouped);
        }
        List<Tuple2<Integer, PartialSums>> ordered = new ArrayList<>(combined);
        ordered.sort(Comparator.comparing(Tuple2::_1));
        List<PartialSums> partials = new ArrayList<>(ordered.size());
        ordered.forEach(pair -> partials.add(pair._2()));
        return partials;
    }

    /**
     * Deletes the step's shuffle files now. Left alone they stay on the executors' disks until the
     * driver's garbage collector lets Spark's ContextCleaner notice the RDD is gone, which for a
     * long-lived old generation can be thousands of steps of P partial sums each. Spark has no
     * public call for this; the cleaner's own is used, as the cleaner would. It is internal API,
     * the same in Spark 3.5 and 4.2 (the builds compile against each); a Spark without it is told
     * once, and its cleaner then deletes the files when it notices the RDD is gone.
     */
    private void removeShuffle(JavaPairRDD<?, ?> shuffled) {
        // groupByKey's RDD maps the values of the shuffled one: walk down to the shuffle
        Dependency<?> dependency = shuffled.rdd().dependencies().head();
        while (!(dependency instanceof ShuffleDependency<?, ?, ?>)) {
            dependency = dependency.rdd().dependencies().head();
        }
        scala.Option<ContextCleaner> cleaner = context.sc().cleaner();
        if (cleaner.isEmpty() || !cleanerCallable) {
            return;
        }
        try {
            cleaner.get().doCleanupShuffle(((ShuffleDependency<?, ?, ?>) dependency).shuffleId(), false);
        } catch (LinkageError e) {
            cleanerCallable = false;
            LOG.warn("Spark {} cannot delete a step's shuffle files at once ({}): its ContextCleaner deletes them once"
                    + " the driver's garbage collector has freed the step's RDDs", context.version(), e);
        }
    }

    private static PartialSums sumInPartitionOrder(Iterable<IndexedSums> group) {
        List<IndexedSums> sums = new ArrayList<>();
        group.forEach(sums::add);
        sums.sort(Comparator.comparingInt(IndexedSums::partition));
        List<Gradients> gradients = new ArrayList<>(sums.size());
        long computeNanos = 0;
        for (IndexedSums indexed : sums) {
            gradients.add(indexed.sums.sums);
            computeNanos = Math.max(computeNanos, indexed.sums.computeNanos);
        }
        return new PartialSums(Gradients.sumInOrder(gradients, gradients.get(0).architecture()), computeNanos);
    }

    private static ExamplePartition partitionOf(Iterator<ExampleBlock> blocks) {
        List<ExampleBlock> list = new ArrayList<>();
        blocks.forEachRemaining(list::add);
        return new ExamplePartition(list);
    }

    /** One partition's Σ of gradients and how long its executor took to compute them. */
    /** For Kryo registration: what a step's tasks send back, alone and in arrays. */
    public static java.util.List<Class<?>> shippedClasses() {
        return java.util.List.of(PartialSums.class, PartialSums[].class, IndexedSums.class);
    }

    static final class PartialSums implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        final Gradients sums;
        final long computeNanos;

        PartialSums(Gradients sums, long computeNanos) {
            this.sums = sums;
            this.computeNanos = computeNanos;
        }
    }

    /** A partition's sums with the partition's index, on their way to a combine task. */
    static final class IndexedSums implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        final int partition;
        final PartialSums sums;

        IndexedSums(int partition, PartialSums sums) {
            this.partition = partition;
            this.sums = sums;
        }

        int partition() {
            return partition;
        }
    }

    /** One partition's Σ of gradients over its members of the batch; nothing when it has none. */
    private static final class PartitionGradients implements FlatMapFunction<Iterator<ExampleBlock>, PartialSums> {
        private static final long serialVersionUID = 1L;

        private final Broadcast<Parameters> parameters;
        private final long[] sortedBatch;
        private final int capacity;
        private final Kernel kernel;

        PartitionGradients(Broadcast<Parameters> parameters, long[] sortedBatch, int capacity, Kernel kernel) {
            this.parameters = parameters;
            this.sortedBatch = sortedBatch;
            this.capacity = capacity;
            this.kernel = kernel;
        }

        @Override
        public Iterator<PartialSums> call(Iterator<ExampleBlock> blocks) {
            Parameters current = parameters.value();
            ExamplePartition partition = partitionOf(blocks);
            return WorkspacePool.withWorkspace(current.architecture(), capacity, kernel, workspace -> {
                long started = System.nanoTime();
                if (partition.copyMembers(sortedBatch, workspace) == 0) {
                    return Collections.<PartialSums>emptyIterator();
                }
                Gradients sums = new Gradients(current.architecture());
                Backpropagation.accumulateGradients(current, workspace, sums);
                return List.of(new PartialSums(sums, System.nanoTime() - started)).iterator();
            });
        }
    }

    /** One partition's scores over all its examples. */
    private static final class PartitionScores implements FlatMapFunction<Iterator<ExampleBlock>, Scores> {
        private static final long serialVersionUID = 1L;

        private final Broadcast<Parameters> parameters;
        private final int capacity;
        private final Kernel kernel;

        PartitionScores(Broadcast<Parameters> parameters, int capacity, Kernel kernel) {
            this.parameters = parameters;
            this.capacity = capacity;
            this.kernel = kernel;
        }

        @Override
        public Iterator<Scores> call(Iterator<ExampleBlock> blocks) {
            Parameters current = parameters.value();
            ExamplePartition partition = partitionOf(blocks);
            return WorkspacePool.withWorkspace(current.architecture(), capacity, kernel,
                    workspace -> List.of(InProcessSource.scoreAll(partition, current, workspace)).iterator());
        }
    }
}
