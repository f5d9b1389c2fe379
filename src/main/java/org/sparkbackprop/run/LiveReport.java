package org.sparkbackprop.run;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.files.DriverFiles;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.training.EpochMetrics;
import org.sparkbackprop.training.TrainingListener;
import org.sparkbackprop.training.TrainingState;

/**
 * A training run's report ({@code --report DIR}), kept current while the run goes on: written
 * after an epoch once {@code refreshSeconds} have passed since the run started or the report was
 * last written (0: after every epoch), and when the run ends, finished or stopped. Its page says
 * which, with the epochs done, and reloads itself while the run goes on. Each file is replaced
 * atomically, so a reader never sees half of one. A run stopped by SIGTERM (a cancelled YARN
 * application, a preempted node) says so from a shutdown hook; one killed without a word
 * (SIGKILL) leaves its last write, which says "running" with the time it was written.
 */
public final class LiveReport implements TrainingListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveReport.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
    /** Seconds between refreshes unless told otherwise: a long run's report stays a minute behind at most. */
    public static final double DEFAULT_EVERY_SECONDS = 60;
    /** The running page's reload interval when the report is written after every epoch. */
    private static final int RELOAD_SECONDS = 10;

    /**
     * What a front end asks for: the directory, how often to refresh it while the run goes on
     * (seconds; 0 after every epoch), and the run's data as it names them: {@code train}, and
     * {@code validation} and {@code test} where there are such sets, to which the report adds
     * their example counts; {@code startedNanos}, when the front end started ({@code System.nanoTime}).
     */
    public record Request(String directory, double refreshSeconds, Map<String, String> data, long startedNanos) {
        public Request {
            checkRefresh(refreshSeconds);
        }

        /** {@code refreshSeconds} when it is 0 or a finite number of seconds; else bad input saying so. */
        public static double checkRefresh(double refreshSeconds) {
            if (!(refreshSeconds >= 0) || Double.isInfinite(refreshSeconds)) {
                throw new BadInputException("report-every must be 0 (every epoch) or a number of seconds, got "
                        + refreshSeconds);
            }
            return refreshSeconds;
        }
    }

    private final Request request;
    private final Output output;
    private final int epochs;
    private final MetricsLog metrics;
    private final Map<String, String> settings;
    private final long startedNanos;
    private final Thread shutdownHook = new Thread(this::shutDown, "spark-backprop report on shutdown");

    private long lastWriteNanos;
    private TrainingState lastState;
    private boolean ended;

    /**
     * A report of a run of {@code epochs} epochs whose lines {@code metrics} keeps, with these
     * {@code settings} (the report's Settings section).
     */
    LiveReport(Request request, Output output, int epochs, MetricsLog metrics, Map<String, String> settings) {
        this.request = request;
        this.output = output;
        this.epochs = epochs;
        this.metrics = metrics;
        this.settings = settings;
        this.startedNanos = request.startedNanos();
        this.lastWriteNanos = request.startedNanos();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public synchronized void epochEnded(EpochMetrics epoch, TrainingState state) {
        lastState = state;
        long now = System.nanoTime();
        if ((now - lastWriteNanos) / 1e9 >= request.refreshSeconds()) {
            int reload = request.refreshSeconds() == 0 ? RELOAD_SECONDS
                    : (int) Math.max(RELOAD_SECONDS, Math.ceil(request.refreshSeconds()));
            write("Running: " + epochsDone() + " of " + epochs + " epochs finished, as of " + now() + ". This page reloads"
                    + " every " + reload + " s.", reload, state, null, null);
        }
    }

    /** The run has ended with {@code end}; {@code keptScores} on {@code scoredSet} (null: none). */
    synchronized void finished(TrainingState end, Scores keptScores, String scoredSet) {
        ended = true;
        int epochsDone = epochsDone();
        String how = epochsDone < epochs ? "Finished: early stopping ended the run after " + epochsDone + " of "
                + epochs + " epochs." : "Finished: " + epochs + " of " + epochs + " epochs.";
        write(how, 0, end, keptScores, scoredSet);
        LOG.info("report written to {}", DriverFiles.resolve(request.directory()) + "/index.html");
    }

    /** The run has failed with {@code failure} after its finished epochs. */
    synchronized void stopped(Throwable failure) {
        if (ended) {
            return;
        }
        ended = true;
        String why = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        tryWrite("Stopped after " + epochsDone() + " of " + epochs + " epochs: " + why);
    }

    /** SIGTERM, or the JVM exiting while the run goes on. */
    private synchronized void shutDown() {
        if (ended) {
            return;
        }
        ended = true;
        int epochsDone = epochsDone();
        tryWrite("Stopped after " + epochsDone + " of " + epochs + " epochs: the driver was shut down during epoch "
                + (epochsDone + 1) + " (SIGTERM: a cancelled application, a preempted node), as of " + now() + ".");
    }

    /**
     * Writes a stopped run's page, where it has epochs to show (a run that stopped before its
     * first epoch's end leaves the directory as it was); a failure to write is logged, not thrown
     * over the failure that stopped the run.
     */
    private void tryWrite(String status) {
        if (metrics.lines().isEmpty()) {
            return;
        }
        try {
            write(status, 0, lastState, null, null);
        } catch (RuntimeException e) {
            LOG.warn("{}: could not write the stopped run's report ({})", request.directory(), e.getMessage());
        }
    }

    private void write(String status, int reloadSeconds, TrainingState state, Scores keptScores, String scoredSet) {
        RunReport.forTraining(output, metrics.epochs(), settings, state, keptScores, scoredSet,
                (System.nanoTime() - startedNanos) / 1e9).status(status, reloadSeconds).write(request.directory());
        lastWriteNanos = System.nanoTime();
    }

    /** The epochs finished, a resumed run's before its checkpoint included: the metrics' lines, which the page shows. */
    private int epochsDone() {
        return metrics.lines().size();
    }

    private static String now() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(TIME);
    }

    /** Removes the shutdown hook: the run has returned, one way or the other. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the hook runs, or has run
        }
    }
}
