package org.sparkbackprop.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.Output;

/**
 * Every setting shows in {@link TrainingSettings#values()}, which the checkpoint fingerprint and
 * the report are made of: changing any one setting changes what they hold. A setting added to
 * the record fails here until it is given a name there and a variation here.
 */
class TrainingSettingsTest {
    private static final Architecture BASE = new Architecture(new int[] {4, 3, 2}, Activation.SIGMOID, Output.SIGMOID,
            Loss.CROSS_ENTROPY);

    @Test
    void changingAnySettingChangesItsValues() {
        // one variation per record component, built by name; the architecture's four parts each
        Map<String, UnaryOperator<TrainingSettings.Builder>> variations = new LinkedHashMap<>();
        variations.put("initialization", settings -> settings.initialization(Initialization.NORMAL));
        variations.put("epochs", settings -> settings.epochs(11));
        variations.put("batchSize", settings -> settings.batchSize(7));
        variations.put("learningRate", settings -> settings.learningRate(0.25));
        variations.put("seed", settings -> settings.seed(2));
        variations.put("momentum", settings -> settings.momentum(0.5));
        variations.put("l2", settings -> settings.l2(0.1));
        variations.put("learningRateDecay",
                settings -> settings.learningRateDecay(new LearningRateDecay(LearningRateDecay.Schedule.STEP, 0.5, 5)));
        variations.put("earlyStopPatience", settings -> settings.earlyStopPatience(3));
        TreeSet<String> components = new TreeSet<>(Arrays.stream(TrainingSettings.class.getRecordComponents())
                .map(RecordComponent::getName).toList());
        TreeSet<String> varied = new TreeSet<>(variations.keySet());
        varied.add("architecture");
        assertEquals(components, varied, "every setting is varied here");

        Map<String, String> base = TrainingSettings.of(BASE).build().values();
        for (Map.Entry<String, UnaryOperator<TrainingSettings.Builder>> variation : variations.entrySet()) {
            Map<String, String> changed = variation.getValue().apply(TrainingSettings.of(BASE)).build().values();
            assertEquals(1, differences(base, changed), variation.getKey() + " shows in exactly one value");
        }
        for (Architecture other : new Architecture[] {
                new Architecture(new int[] {4, 5, 2}, Activation.SIGMOID, Output.SIGMOID, Loss.CROSS_ENTROPY),
                new Architecture(new int[] {4, 3, 2}, Activation.TANH, Output.SIGMOID, Loss.CROSS_ENTROPY),
                new Architecture(new int[] {4, 3, 2}, Activation.SIGMOID, Output.SOFTMAX, Loss.CROSS_ENTROPY),
                new Architecture(new int[] {4, 3, 2}, Activation.SIGMOID, Output.SIGMOID, Loss.QUADRATIC)}) {
            assertNotEquals(base, TrainingSettings.of(other).build().values(), other.toString());
        }
    }

    private static long differences(Map<String, String> base, Map<String, String> changed) {
        assertEquals(base.keySet(), changed.keySet());
        return base.keySet().stream().filter(key -> !base.get(key).equals(changed.get(key))).count();
    }
}
