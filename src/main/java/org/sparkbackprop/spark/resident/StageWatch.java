package org.sparkbackprop.spark.resident;

import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Hears from Spark's scheduler when a serving resident stage has lost a task. While steps run, no
 * admitted task of the stage ends by itself (each waits for the driver's STOP), so the end of any
 * of them, failed, killed or finished, means the stage is gone: an executor lost without a TCP
 * reset, a task that failed, a cancelled job. The driver, waiting on a socket that may never speak
 * again, hears it within one poll instead of at its timeout. The end of a task that was not let
 * in (a speculative copy, a retried attempt, refused) changes nothing.
 */
final class StageWatch extends SparkListener {
    private static final String JOB_GROUP = "spark.jobGroup.id";

    /** The job group of the stage being watched, and Spark's ids of its stages. */
    private volatile String group;
    private final Set<Integer> stageIds = ConcurrentHashMap.newKeySet();
    /** The stage attempt being served; -1 while its tasks are still connecting. */
    private volatile int servedAttempt = -1;
    /** The admitted task attempt of each partition of the served stage attempt. */
    private volatile int[] servedTasks = new int[0];
    private volatile String lost;
    private volatile Runnable onLost;

    /** Watches the stages of job group {@code group} from now on (before its job is submitted). */
    void watch(String group) {
        stageIds.clear();
        servedAttempt = -1;
        lost = null;
        onLost = null;
        this.group = group;
    }

    /**
     * Every task of stage attempt {@code attempt} is connected, partition p's as task attempt
     * {@code taskAttempts[p]}: one of them that ends from now on is a loss, and runs {@code onLost}.
     */
    void serving(int attempt, int[] taskAttempts, Runnable onLost) {
        this.onLost = onLost;
        this.servedTasks = taskAttempts.clone();
        this.servedAttempt = attempt;
    }

    /** Stops watching: the driver is ending the stage itself. */
    void stop() {
        group = null;
        servedAttempt = -1;
        onLost = null;
    }

    /** What ended the served stage, or null while it stands. */
    String lost() {
        return lost;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
        Properties properties = submitted.properties();
        String watched = group;
        if (watched != null && properties != null && watched.equals(properties.getProperty(JOB_GROUP))) {
            stageIds.add(submitted.stageInfo().stageId());
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (lost != null || servedAttempt < 0 || end.stageAttemptId() != servedAttempt
                || !stageIds.contains(end.stageId())) {
            return;
        }
        int partition = end.taskInfo().index();
        int[] served = servedTasks;
        if (partition >= served.length || served[partition] != end.taskInfo().attemptNumber()) {
            return;
        }
        // a task killed because Spark failed the stage carries the stage's failure text: quoted as its cause
        String reason = end.reason() instanceof TaskKilled killed ? "killed: " + ResidentSource.sparkFailure(
                killed.reason().replaceFirst("^Stage cancelled: ", ""))
                : end.reason() instanceof TaskFailedReason failed ? failed.toErrorString() : String.valueOf(end.reason());
        lost = "the task of partition " + end.taskInfo().index() + " ended ("
                + reason.lines().findFirst().orElse("") + ")";
        Runnable action = onLost;
        if (action != null) {
            action.run();
        }
    }
}
