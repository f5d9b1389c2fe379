package org.sparkbackprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.Properties;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.testing.LocalSpark;

/**
 * What counts as lost for good, event by event: every executor lost while a job waits, and
 * none back within the timeout; not an executor that came back, one dynamic allocation removed
 * for being idle, or a loss while nothing waits (until a job does).
 */
class LostExecutorsTest {
    private static final long TIMEOUT_MILLIS = 300;
    private static SparkContext context;

    @BeforeAll
    static void start() {
        context = LocalSpark.context("local[2]", Map.of(LostExecutors.TIMEOUT, TIMEOUT_MILLIS + "ms")).sc();
    }

    @AfterAll
    static void stop() {
        LocalSpark.stop();
    }

    @Test
    void everyExecutorLostWhileAJobWaitsIsLostForGoodAfterTheTimeout() throws Exception {
        try (LostExecutors watch = LostExecutors.watch(context)) {
            watch.onExecutorAdded(added("1"));
            watch.onExecutorAdded(added("2"));
            watch.onJobStart(jobStart(7));
            watch.onExecutorRemoved(removed("1", "worker lost"));
            watch.onExecutorRemoved(removed("2", "Command exited with code 137"));
            assertNull(watch.verdict(null), "not before the timeout");
            Thread.sleep(3 * TIMEOUT_MILLIS);
            assertEquals("every executor was lost (2 losses, the last executor 2: Command exited with code 137) and none"
                    + " came back within 300 ms (spark.backprop.executorsLostTimeout): no Worker or node is left to start"
                    + " one", watch.verdict(null).getMessage());
        }
    }

    @Test
    void anExecutorBackInTimeOrOneRemovedForIdlenessIsNoLoss() throws Exception {
        try (LostExecutors watch = LostExecutors.watch(context)) {
            watch.onExecutorAdded(added("1"));
            watch.onJobStart(jobStart(1));
            watch.onExecutorRemoved(removed("1", "worker lost"));
            watch.onExecutorAdded(added("2"));
            watch.onExecutorRemoved(removed("2", "Executor killed by driver."));
            Thread.sleep(3 * TIMEOUT_MILLIS);
            assertNull(watch.verdict(null));
        }
    }

    @Test
    void aLossWhileNothingWaitsCountsOnlyOnceAJobWaits() throws Exception {
        try (LostExecutors watch = LostExecutors.watch(context)) {
            watch.onExecutorAdded(added("1"));
            watch.onJobStart(jobStart(1));
            watch.onJobEnd(null);
            watch.onExecutorRemoved(removed("1", "worker lost"));
            Thread.sleep(3 * TIMEOUT_MILLIS);
            assertNull(watch.verdict(null), "nothing waited for an executor");
            watch.onJobStart(jobStart(2));
            Thread.sleep(3 * TIMEOUT_MILLIS);
            assertNotNull(watch.verdict(null), "a job waits, and no executor is left");
        }
    }

    private static SparkListenerExecutorAdded added(String id) {
        return new SparkListenerExecutorAdded(0L, id, null);
    }

    private static SparkListenerExecutorRemoved removed(String id, String reason) {
        return new SparkListenerExecutorRemoved(0L, id, reason);
    }

    @SuppressWarnings("unchecked")
    private static SparkListenerJobStart jobStart(int id) {
        // Nil: an immutable Seq in Scala 2.13 and a Seq in 2.12, so the one cast compiles for both builds
        scala.collection.immutable.Seq<StageInfo> stages =
                (scala.collection.immutable.Seq<StageInfo>) (Object) scala.collection.immutable.Nil$.MODULE$;
        return new SparkListenerJobStart(id, 0L, stages, new Properties());
    }
}
