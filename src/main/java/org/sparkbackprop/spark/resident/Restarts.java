package org.sparkbackprop.spark.resident;

import java.util.concurrent.TimeUnit;

/**
 * When the driver starts a resident stage again after one was lost or could not start. A
 * failure is a stage that could not start, or one lost before it finished a step; a stage that
 * finishes a step ends the run of failures. The first try after a loss or a failure may come
 * at once (an executor's loss can race the stage started to replace it); after a second failure
 * in a row the next waits {@value #FIRST_PAUSE_MILLIS} ms, twice that after a third, and so on up
 * to {@value #LAST_PAUSE_MILLIS} ms. After
 * {@code maxFailures} failures in a row there are no more tries: the stage keeps failing in a
 * loop (a task that fails on every start, a cluster that refuses it), and the remaining steps
 * run as jobs. Whether Spark has the slots for a try is the caller's question.
 */
final class Restarts {
    /** How many failed resident stages in a row end the tries for the rest of the run. */
    static final String MAX_FAILURES = "spark.backprop.resident.maxFailures";
    static final int DEFAULT_MAX_FAILURES = 5;
    static final long FIRST_PAUSE_MILLIS = 1_000;
    static final long LAST_PAUSE_MILLIS = 60_000;

    private final int maxFailures;
    private int failuresInARow;
    private long pauseMillis;
    /** No try before this {@link System#nanoTime()}, when {@link #pauseMillis} is not 0. */
    private long notBeforeNanos;
    /** Whether the running stage has finished a step. */
    private boolean served;

    Restarts(int maxFailures) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException(MAX_FAILURES + " must be at least 1, got " + maxFailures);
        }
        this.maxFailures = maxFailures;
    }

    /** Whether a stage may be tried at {@code nowNanos}: not given up, and not within a pause. */
    boolean mayTry(long nowNanos) {
        return !givenUp() && (pauseMillis == 0 || nowNanos - notBeforeNanos >= 0);
    }

    /** Whether the tries have ended for the rest of the run. */
    boolean givenUp() {
        return failuresInARow >= maxFailures;
    }

    int failuresInARow() {
        return failuresInARow;
    }

    int maxFailures() {
        return maxFailures;
    }

    /** A stage started: it has finished no step yet. */
    void started() {
        served = false;
    }

    /** The running stage finished a step: the run of failures, if any, is over. */
    void served() {
        served = true;
        failuresInARow = 0;
        pauseMillis = 0;
    }

    /**
     * The running stage was lost at {@code nowNanos}: a failure unless it had finished a step.
     * Returns whether it was one.
     */
    boolean lost(long nowNanos) {
        if (served) {
            served = false;
            return false;
        }
        failed(nowNanos);
        return true;
    }

    /** A stage could not start at {@code nowNanos}, or was lost before it finished a step: a failure. */
    void failed(long nowNanos) {
        served = false;
        failuresInARow++;
        pauseMillis = failuresInARow == 1 ? 0 : pauseMillis == 0 ? FIRST_PAUSE_MILLIS
                : Math.min(LAST_PAUSE_MILLIS, 2 * pauseMillis);
        notBeforeNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(pauseMillis);
    }

    /** The pause after the last failure, in milliseconds; 0 after the first of a row, or none. */
    long pauseMillis() {
        return pauseMillis;
    }
}
