package org.sparkbackprop.run;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.training.EpochMetrics;
import org.sparkbackprop.training.TrainingListener;
import org.sparkbackprop.training.TrainingPosition;
import org.sparkbackprop.training.TrainingState;

/**
 * Where an epoch is, step by step: on a terminal a progress bar per epoch (steps done of the
 * epoch's, elapsed / ETA, running loss, examples per second), drawn by the progressbar library on
 * stderr; otherwise a plain log line now and then, so that logs stay readable. Must be told of
 * an epoch's end before the listener that logs the epoch's line.
 */
public final class Progress implements TrainingListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
    /** Plain lines: at most one per this long. */
    private static final Duration LOG_EVERY = Duration.ofSeconds(30);

    private final int epochs;
    private final ProgressBarConsumer terminal;
    private final Consumer<String> log;
    private final long logEveryNanos;
    private final LongSupplier nanoTime;
    private ProgressBar bar;
    private int barEpoch;
    private long lastLogged;

    private Progress(int epochs, ProgressBarConsumer terminal, Consumer<String> log, Duration logEvery,
                     LongSupplier nanoTime) {
        this.epochs = epochs;
        this.terminal = terminal;
        this.log = log;
        this.logEveryNanos = logEvery.toNanos();
        this.nanoTime = nanoTime;
        this.lastLogged = nanoTime.getAsLong();
    }

    /** A bar on stderr when this process runs on a terminal, log lines otherwise. */
    public static Progress forThisProcess(int epochs) {
        return System.console() != null ? onTerminal(epochs, new ConsoleProgressBarConsumer(System.err))
                : inLog(epochs, LOG::info, LOG_EVERY, System::nanoTime);
    }

    public static Progress onTerminal(int epochs, ProgressBarConsumer terminal) {
        return new Progress(epochs, terminal, null, Duration.ZERO, System::nanoTime);
    }

    /**
     * The terminal as one bar sees it: its frames go through, its close does not. progressbar
     * 0.10.1 ends the bar's line in its periodic refresh, which a bar closed before its first
     * refresh never gets to; {@link Progress#close()} ends the line itself.
     */
    private record BarLine(ProgressBarConsumer terminal) implements ProgressBarConsumer {
        @Override
        public int getMaxRenderedLength() {
            return terminal.getMaxRenderedLength();
        }

        @Override
        public void accept(String frame) {
            terminal.accept(frame);
        }

        @Override
        public void close() {
        }
    }

    public static Progress inLog(int epochs, Consumer<String> log, Duration every, LongSupplier nanoTime) {
        return new Progress(epochs, null, log, every, nanoTime);
    }

    @Override
    public void stepEnded(TrainingPosition position, long steps, TrainingState state) {
        int epoch = position.epochsDone() + 1;
        double loss = position.lossSum() / position.examples();
        double examplesPerSecond = position.examples() / position.seconds();
        if (terminal != null) {
            if (bar == null || barEpoch != epoch) {
                close();
                bar = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + epochs).setInitialMax(steps)
                        .setConsumer(new BarLine(terminal)).setUpdateIntervalMillis(200).build();
                barEpoch = epoch;
            }
            bar.stepTo(position.stepsDone());
            bar.setExtraMessage(String.format("loss %.4f, %,.0f ex/s", loss, examplesPerSecond));
            return;
        }
        long now = nanoTime.getAsLong();
        if (now - lastLogged >= logEveryNanos && position.stepsDone() < steps) {
            lastLogged = now;
            double secondsLeft = position.seconds() / position.stepsDone() * (steps - position.stepsDone());
            log.accept(String.format("epoch %d/%d: step %d/%d, loss %.4f, %,.0f examples/s, about %s left", epoch,
                    epochs, position.stepsDone(), steps, loss, examplesPerSecond,
                    describe(Duration.ofMillis(Math.round(secondsLeft * 1000)))));
        }
    }

    @Override
    public void epochEnded(EpochMetrics metrics, TrainingState state) {
        close();
        lastLogged = nanoTime.getAsLong();
    }

    /** Finishes the epoch's bar, if one is drawn: its last frame, then the end of its line. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            terminal.close();
            bar = null;
        }
    }

    private static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 3600 ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%d:%02d", seconds / 60, seconds % 60);
    }
}
