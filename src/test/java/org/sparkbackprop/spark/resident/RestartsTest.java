package org.sparkbackprop.spark.resident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The tries after lost and failed stages: the first at once, then after pauses that double up
 * to a minute; a stage that finishes a step ends the run of failures; the tries end after the
 * limit of failures in a row.
 */
class RestartsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void failuresInARowPauseLongerAndLongerUpToAMinuteThenEndTheTries() {
        Restarts restarts = new Restarts(10);
        long now = 1_000 * SECOND;
        long[] expectedPauses = {0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000};
        for (long pause : expectedPauses) {
            assertTrue(restarts.mayTry(now));
            restarts.started();
            assertTrue(restarts.lost(now), "lost before its first step: a failure");
            assertEquals(pause, restarts.pauseMillis());
            assertFalse(pause > 0 && restarts.mayTry(now + TimeUnit.MILLISECONDS.toNanos(pause) - 1), "within the pause");
            now += TimeUnit.MILLISECONDS.toNanos(pause);
        }
        assertTrue(restarts.mayTry(now));
        restarts.failed(now);
        assertTrue(restarts.givenUp());
        assertFalse(restarts.mayTry(now + 3_600 * SECOND), "no more tries after 10 failures in a row");
    }

    @Test
    void aStageThatFinishedAStepEndsTheRowAndItsLossIsNoFailure() {
        Restarts restarts = new Restarts(3);
        long now = 5 * SECOND;
        restarts.failed(now);
        restarts.failed(now);
        assertEquals(2, restarts.failuresInARow());
        assertFalse(restarts.mayTry(now), "a second failure pauses");
        now += 2 * SECOND;
        restarts.started();
        restarts.served();
        assertEquals(0, restarts.failuresInARow());
        assertFalse(restarts.lost(now), "lost after a step: not a failure");
        assertTrue(restarts.mayTry(now), "tried again at once");
        restarts.started();
        assertTrue(restarts.lost(now), "the new stage lost before its first step");
        assertTrue(restarts.mayTry(now), "the first failure of a row is tried again at once");
        restarts.failed(now);
        restarts.failed(now + 10 * SECOND);
        assertTrue(restarts.givenUp(), "3 in a row");
    }

    @Test
    void theLimitIsAtLeastOne() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new Restarts(0));
        assertEquals("spark.backprop.resident.maxFailures must be at least 1, got 0", refused.getMessage());
    }
}
