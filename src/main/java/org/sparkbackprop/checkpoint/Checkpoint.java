package org.sparkbackprop.checkpoint;

import java.util.List;
import java.util.Map;
import org.sparkbackprop.training.TrainingPosition;
import org.sparkbackprop.training.TrainingState;

/**
 * What training needs to go on where it stopped: the position, the state there (parameters,
 * the optimizer's velocity, early stopping's best epoch), the fingerprint of the settings and
 * data it ran with (setting → value), and the metrics lines of the epochs done.
 */
public record Checkpoint(TrainingPosition position, TrainingState state, Map<String, String> fingerprint,
                         List<String> metrics) {

    public Checkpoint {
        fingerprint = Map.copyOf(fingerprint);
        metrics = List.copyOf(metrics);
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
