package org.sparkbackprop.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.training.EpochMetrics;
import org.sparkbackprop.training.TrainingListener;
import org.sparkbackprop.training.TrainingPosition;
import org.sparkbackprop.training.TrainingState;

/**
 * {@code train --checkpoint-dir}: writes a checkpoint every {@code every} steps (counted over the
 * whole run) and at every epoch's end: the checkpoint policy. It carries the metrics log's lines
 * ({@code metricsLines}), so it must be told of an epoch's end after the metrics log.
 */
public final class CheckpointPolicy implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointPolicy.class);

    private final CheckpointStore store;
    private final int every;
    private final Map<String, String> fingerprint;
    private final long stepsPerEpoch;
    private final Supplier<List<String>> metricsLines;

    public CheckpointPolicy(CheckpointStore store, int every, Map<String, String> fingerprint, long stepsPerEpoch,
                       Supplier<List<String>> metricsLines) {
        this.store = store;
        this.every = every;
        this.fingerprint = Map.copyOf(fingerprint);
        this.stepsPerEpoch = stepsPerEpoch;
        this.metricsLines = metricsLines;
    }

    /**
     * The newest valid checkpoint to go on from, or null (logged) when there is none. A
     * checkpoint of other settings or data, or one past {@code epochs}, is refused naming why.
     */
    public Checkpoint resumable(int epochs) {
        Optional<Checkpoint> newest;
        try {
            newest = store.newest();
        } catch (IOException e) {
            throw new UncheckedIOException(store + ": cannot read the checkpoints (" + e.getMessage() + ")", e);
        }
        if (newest.isEmpty()) {
            LOG.info("no checkpoint in {}: training from the start", store);
            return null;
        }
        Checkpoint checkpoint = newest.get();
        List<String> differences = checkpoint.differences(fingerprint);
        if (!differences.isEmpty()) {
            throw new BadInputException("resume: the checkpoint in " + store + " is of another run; now "
                    + String.join("; ", differences));
        }
        TrainingPosition position = checkpoint.position();
        if (position.epochsDone() > epochs || position.epochsDone() == epochs && position.stepsDone() > 0) {
            throw new BadInputException("resume: the checkpoint in " + store + " is past the " + epochs
                    + " epochs asked for (--epochs); ask for more, or start afresh in another --checkpoint-dir");
        }
        LOG.info("resuming from {}: {} epochs and {} steps done", store, position.epochsDone(), position.stepsDone());
        return checkpoint;
    }

    @Override
    public void epochEnded(EpochMetrics epoch, TrainingState state) {
        write(new TrainingPosition(epoch.epoch(), 0, 0.0, 0, 0.0), state);
    }

    /** Every {@code every} steps but at an epoch's last, which {@link #epochEnded} writes with the epoch's metrics. */
    @Override
    public void stepEnded(TrainingPosition position, long steps, TrainingState state) {
        long step = position.epochsDone() * stepsPerEpoch + position.stepsDone();
        if (every > 0 && step % every == 0 && position.stepsDone() < steps) {
            write(position, state);
        }
    }

    private void write(TrainingPosition position, TrainingState state) {
        try {
            String written = store.write(new Checkpoint(position, state, fingerprint, metricsLines.get()));
            LOG.info("checkpoint written: {}", written);
        } catch (IOException e) {
            throw new UncheckedIOException(store + ": cannot write a checkpoint (" + e.getMessage() + ")", e);
        }
    }
}
