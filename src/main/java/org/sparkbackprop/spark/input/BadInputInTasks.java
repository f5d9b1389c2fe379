package org.sparkbackprop.spark.input;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.CollectionAccumulator;
import org.sparkbackprop.common.BadInputException;

/**
 * Bad input found inside Spark tasks, carried back to the driver as data instead of as a task
 * failure. Bad input is deterministic: a retry ({@code spark.task.maxFailures}, 4 on a cluster)
 * would read the same row and fail the same way, and each failure would have Spark log the
 * whole stack trace twice. So a guarded partition that meets bad input stops reading, records
 * the problem in an accumulator, and ends normally; the driver looks after the job and fails
 * with the problem of the lowest partition, the same one on any cluster. Guarded data is only
 * ever used after that look.
 * <p>
 * One per run: a run reads, looks and trains on one driver thread (the command's, or each
 * {@code fit}'s), so each thread has its own, and two fits in parallel (a CrossValidator with
 * {@code setParallelism(2)}) neither report nor reset each other's bad input.
 */
public final class BadInputInTasks implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ThreadLocal<BadInputInTasks> OF_THREAD = new ThreadLocal<>();

    /** What a task found: its partition and the problem, with the task's stack trace for --verbose. */
    record Found(int partition, BadInputException problem) implements Serializable {
    }

    /** The context the accumulator is registered with; the driver's only. */
    private final transient SparkContext context;
    private final CollectionAccumulator<Found> found;

    private BadInputInTasks(SparkContext context) {
        this.context = context;
        this.found = context.collectionAccumulator("bad input");
    }

    /** The one of this thread's run on {@code context}, registered with it on first use. */
    public static BadInputInTasks of(SparkContext context) {
        BadInputInTasks current = OF_THREAD.get();
        if (current == null || current.context != context) {
            current = new BadInputInTasks(context);
            OF_THREAD.set(current);
        }
        return current;
    }

    /**
     * {@code read}, run so that bad input it meets ends its partition early and is recorded
     * instead of failing the task.
     */
    public <A, T> FlatMapFunction<Iterator<A>, T> guard(FlatMapFunction<Iterator<A>, T> read) {
        return new Guarded<>(this, read);
    }

    /**
     * Fails, on the driver, with the problem found in the lowest partition, if any was found
     * since the last look (which forgets what it reports).
     */
    public void throwIfFound() {
        List<Found> problems = found.value();
        if (!problems.isEmpty()) {
            Found first = problems.stream().min(Comparator.comparingInt(Found::partition)).orElseThrow();
            found.reset();
            throw new BadInputException(first.problem().getMessage(), first.problem());
        }
    }

    private void record(BadInputException badInput) {
        TaskContext task = TaskContext.get();
        found.add(new Found(task == null ? 0 : task.partitionId(), badInput));
    }

    /** A guarded function: calls {@code read} and walks its iterator, stopping at bad input. */
    private record Guarded<A, T>(BadInputInTasks badInput, FlatMapFunction<Iterator<A>, T> read)
            implements FlatMapFunction<Iterator<A>, T> {

        @Override
        public Iterator<T> call(Iterator<A> input) throws Exception {
            Iterator<T> results;
            try {
                results = read.call(input);
            } catch (BadInputException e) {
                badInput.record(e);
                return java.util.Collections.emptyIterator();
            }
            // reads one result ahead, so bad input met computing a result ends the partition at hasNext()
            return new Iterator<>() {
                private T ahead;
                private boolean hasAhead;
                private boolean stopped;

                @Override
                public boolean hasNext() {
                    if (hasAhead) {
                        return true;
                    }
                    if (stopped) {
                        return false;
                    }
                    try {
                        if (!results.hasNext()) {
                            stopped = true;
                            return false;
                        }
                        ahead = results.next();
                        hasAhead = true;
                        return true;
                    } catch (BadInputException e) {
                        stop(e);
                        return false;
                    }
                }

                @Override
                public T next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    T result = ahead;
                    ahead = null;
                    hasAhead = false;
                    return result;
                }

                private void stop(BadInputException e) {
                    stopped = true;
                    hasAhead = false;
                    badInput.record(e);
                }
            };
        }
    }
}
