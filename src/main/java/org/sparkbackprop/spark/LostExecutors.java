package org.sparkbackprop.spark;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.sparkbackprop.common.BadInputException;

/**
 * Resources lost for good: every executor lost while work waits for one, and none back within
 * {@value #TIMEOUT} (default {@value #DEFAULT_TIMEOUT_SECONDS} s). Spark would wait forever for
 * an executor that no Worker or node is left to start; this watch then cancels the application's
 * jobs (and any it starts after), so that the run ends with one line saying what was lost. An
 * executor that dynamic allocation removed for being idle is not a loss, and an application that
 * never had an executor is waiting, not lost.
 */
public final class LostExecutors extends SparkListener implements AutoCloseable {
    /** How long every executor may be gone, while a job waits, before the run stops. */
    public static final String TIMEOUT = "spark.backprop.executorsLostTimeout";
    // long enough for a busy YARN queue or a spot fleet to start a replacement; a stuck run still ends
    static final long DEFAULT_TIMEOUT_SECONDS = 300;

    private final SparkContext context;
    private final long timeoutMillis;
    private final Set<String> executors = ConcurrentHashMap.newKeySet();
    private final AtomicInteger runningJobs = new AtomicInteger();
    private final ScheduledExecutorService timer;
    private volatile int lost;
    private volatile String lastLoss;
    private volatile ScheduledFuture<?> pending;
    private volatile String verdict;

    private LostExecutors(SparkContext context) {
        this.context = context;
        this.timeoutMillis = context.getConf().getTimeAsMs(TIMEOUT, DEFAULT_TIMEOUT_SECONDS + "s");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spark-backprop lost executors");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Watches {@code context}'s executors until closed; local mode has none to lose, and is not watched. */
    public static LostExecutors watch(SparkContext context) {
        LostExecutors watch = new LostExecutors(context);
        if (!context.isLocal()) {
            context.addSparkListener(watch);
            // those registered before the listener; one removed meanwhile stays, which can only delay a verdict
            scala.collection.Iterable<String> registered = context.getExecutorIds();
            for (scala.collection.Iterator<String> ids = registered.iterator(); ids.hasNext(); ) {
                watch.executors.add(ids.next());
            }
        }
        return watch;
    }

    /** The cluster's resources lost for good: the run cannot go on on the cluster as it is. */
    public static final class LostForGood extends BadInputException {
        private static final long serialVersionUID = 1L;

        LostForGood(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What was lost for good, when it was, as the failure {@code cause} of the run became; else null. */
    public LostForGood verdict(Throwable cause) {
        return verdict == null ? null : new LostForGood(verdict, cause);
    }

    @Override
    public void onExecutorAdded(SparkListenerExecutorAdded added) {
        executors.add(added.executorId());
        ScheduledFuture<?> waiting = pending;
        if (waiting != null) {
            waiting.cancel(false);
            pending = null;
        }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        executors.remove(removed.executorId());
        if (removed.reason() != null && removed.reason().contains("killed by driver")) {
            return;
        }
        lost++;
        lastLoss = "executor " + removed.executorId() + ": " + removed.reason();
        armIfNoneLeft();
    }

    @Override
    public void onJobStart(SparkListenerJobStart started) {
        runningJobs.incrementAndGet();
        if (verdict != null) {
            context.cancelJob(started.jobId());
            return;
        }
        armIfNoneLeft();
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd ended) {
        runningJobs.decrementAndGet();
    }

    private synchronized void armIfNoneLeft() {
        if (lost > 0 && executors.isEmpty() && pending == null && verdict == null) {
            pending = timer.schedule(this::decide, timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void decide() {
        pending = null;
        if (!executors.isEmpty()) {
            return;
        }
        if (runningJobs.get() == 0) {
            // nothing waits for an executor now; the next job arms the watch again
            return;
        }
        verdict = "every executor was lost (" + lost + (lost == 1 ? " loss" : " losses") + ", the last " + lastLoss
                + ") and none came back within " + (timeoutMillis % 1000 == 0 ? timeoutMillis / 1000 + " s"
                : timeoutMillis + " ms") + " (" + TIMEOUT + "): no Worker or node is"
                + " left to start one";
        context.cancelAllJobs();
    }

    @Override
    public void close() {
        context.removeSparkListener(this);
        timer.shutdownNow();
    }
}
