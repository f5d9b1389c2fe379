package org.sparkbackprop.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.checkpoint.Checkpoint;
import org.sparkbackprop.checkpoint.CheckpointStore;
import org.sparkbackprop.data.BadInputException;
import org.sparkbackprop.training.EpochMetrics;
import org.sparkbackprop.training.TrainingListener;
import org.sparkbackprop.training.TrainingPosition;
import org.sparkbackprop.training.TrainingState;

/**
 * {@code train --checkpoint-dir}: writes a checkpoint every {@code every} steps (counted over the
 * whole run) and at every epoch's end. It carries the {@link MetricsLog}'s lines, so it must be
 * told of an epoch's end after the metrics log.
 */
final class Checkpoints implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private final CheckpointStore store;
    private final int every;
    private final Map<String, String> fingerprint;
    private final long stepsPerEpoch;
    private final MetricsLog metrics;

    Checkpoints(CheckpointStore store, int every, Map<String, String> fingerprint, long stepsPerEpoch,
                MetricsLog metrics) {
        this.store = store;
        this.every = every;
        this.fingerprint = Map.copyOf(fingerprint);
        this.stepsPerEpoch = stepsPerEpoch;
        this.metrics = metrics;
    }

    /**
     * The newest valid checkpoint to go on from, or null (logged) when there is none. A
     * checkpoint of other settings or data, or one past {@code epochs}, is refused naming why.
     */
    Checkpoint resumable(int epochs) {
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
            String written = store.write(new Checkpoint(position, state, fingerprint, metrics.lines()));
            LOG.info("checkpoint written: {}", written);
        } catch (IOException e) {
            throw new UncheckedIOException(store + ": cannot write a checkpoint (" + e.getMessage() + ")", e);
        }
    }
}
