package org.sparkbackprop.checkpoint;

import java.util.List;
import java.util.Map;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.training.BestEpoch;
import org.sparkbackprop.training.TrainingPosition;
import org.sparkbackprop.training.TrainingState;

/**
 * What training needs to go on where it stopped: the position, the parameters there, the
 * optimizer's velocity (null while zero, always without momentum), early stopping's best epoch
 * (null without), the fingerprint of the settings and data it ran with (setting → value), and
 * the metrics lines of the epochs done.
 */
public record Checkpoint(TrainingPosition position, Parameters parameters, Parameters velocity, BestEpoch best,
                         Map<String, String> fingerprint, List<String> metrics) {

    public Checkpoint {
        fingerprint = Map.copyOf(fingerprint);
        metrics = List.copyOf(metrics);
    }

    public Checkpoint(TrainingPosition position, TrainingState state, Map<String, String> fingerprint,
                      List<String> metrics) {
        this(position, state.parameters(), state.velocity(), state.best(), fingerprint, metrics);
    }

    /** The state to go on with. */
    public TrainingState state() {
        return new TrainingState(parameters, velocity, best);
    }

    /**
     * The settings whose values differ between this checkpoint's fingerprint and {@code current},
     * described as "NAME VALUE here, not VALUE"; empty when they agree.
     */
    public List<String> differences(Map<String, String> current) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(fingerprint.keySet());
        names.addAll(current.keySet());
        List<String> differences = new java.util.ArrayList<>();
        for (String name : names) {
            String then = fingerprint.getOrDefault(name, "(unset)");
            String now = current.getOrDefault(name, "(unset)");
            if (!then.equals(now)) {
                differences.add(name + " " + now + ", not " + then);
            }
        }
        return differences;
    }
}
