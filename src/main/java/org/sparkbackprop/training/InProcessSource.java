package org.sparkbackprop.training;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ExamplePartition;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Backpropagation;
import org.sparkbackprop.network.EjmlProducts;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.MatrixProducts;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.network.Workspace;

/**
 * Gradients and scores computed in this process over examples held in memory: the reference
 * for the distributed step, and the trainer for data that fits one machine.
 *
 * <p>The examples may be split into partitions as a Spark loader splits them; each partition's
 * sum is computed on its own (on up to {@code threads} threads) and the sums are added in
 * partition order, exactly as {@code DistributedSource} adds the executors' partial sums. So
 * with the same partitions the two give the same bits.
 */
public final class InProcessSource implements GradientSource, ScoreSource {
    private final List<ExamplePartition> partitions;
    private final List<Workspace> workspaces = new ArrayList<>();
    private final ExecutorService threads;

    /** One partition, computed on the calling thread. {@code capacity} bounds the batch size. */
    public InProcessSource(ExamplePartition examples, Architecture architecture, int capacity) {
        this(List.of(examples), architecture, capacity, 1);
    }

    /** {@code partitions} in ascending, disjoint ranges of global index, computed on {@code threadCount} threads. */
    public InProcessSource(List<ExamplePartition> partitions, Architecture architecture, int capacity,
                           int threadCount) {
        this(partitions, architecture, capacity, threadCount, EjmlProducts.INSTANCE);
    }

    /** As above, with the matrix products on {@code products}. */
    public InProcessSource(List<ExamplePartition> partitions, Architecture architecture, int capacity,
                           int threadCount, MatrixProducts products) {
        if (partitions.isEmpty() || threadCount < 1) {
            throw new IllegalArgumentException("need at least one partition and one thread");
        }
        this.partitions = List.copyOf(partitions);
        for (int p = 0; p < partitions.size(); p++) {
            workspaces.add(new Workspace(architecture, capacity, products));
        }
        this.threads = threadCount == 1 || partitions.size() == 1 ? null : Executors.newFixedThreadPool(threadCount,
                runnable -> {
                    Thread thread = new Thread(runnable, "in-process-backprop");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public long exampleCount() {
        long count = 0;
        for (ExamplePartition partition : partitions) {
            count += partition.exampleCount();
        }
        return count;
    }

    @Override
    public Gradients sumGradients(Parameters parameters, long[] sortedBatch) {
        // a partition without members of the batch contributes nothing, as on Spark
        List<Gradients> sums = eachPartition(p -> {
            Workspace workspace = workspaces.get(p);
            if (partitions.get(p).copyMembers(sortedBatch, workspace) == 0) {
                return null;
            }
            Gradients partial = new Gradients(parameters.architecture());
            Backpropagation.accumulateGradients(parameters, workspace, partial);
            return partial;
        });
        return Gradients.sumInOrder(sums, parameters.architecture());
    }

    @Override
    public Scores score(Parameters parameters) {
        List<Scores> partials = eachPartition(p -> scoreAll(partitions.get(p), parameters, workspaces.get(p)));
        Scores total = new Scores();
        partials.forEach(total::add);
        return total;
    }

    @Override
    public void close() {
        if (threads != null) {
            threads.shutdownNow();
        }
    }

    /** {@code work} applied to every partition index, on the threads when there are several; results in partition order. */
    private <T> List<T> eachPartition(IntFunction<T> work) {
        List<T> results = new ArrayList<>(partitions.size());
        if (threads == null) {
            for (int p = 0; p < partitions.size(); p++) {
                results.add(work.apply(p));
            }
            return results;
        }
        List<Future<T>> pending = new ArrayList<>(partitions.size());
        for (int p = 0; p < partitions.size(); p++) {
            int partition = p;
            pending.add(threads.submit(() -> work.apply(partition)));
        }
        try {
            for (Future<T> future : pending) {
                results.add(future.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing gradients", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
        return results;
    }

    /** Scores every example of {@code examples}, a workspace-full at a time. Modifies {@code workspace}. */
    public static Scores scoreAll(ExamplePartition examples, Parameters parameters, Workspace workspace) {
        Scores scores = new Scores();
        double[] inputs = workspace.inputs().data;
        double[] targets = workspace.targets().data;
        int featureCount = workspace.architecture().inputSize();
        int targetCount = workspace.architecture().outputSize();
        for (ExampleBlock block : examples.blocks()) {
            for (int start = 0; start < block.rows(); start += workspace.capacity()) {
                int rows = Math.min(workspace.capacity(), block.rows() - start);
                workspace.resize(rows);
                for (int r = 0; r < rows; r++) {
                    block.copyRow(start + r, inputs, r * featureCount, targets, r * targetCount);
                }
                Backpropagation.score(parameters, workspace, scores);
            }
        }
        return scores;
    }
}
