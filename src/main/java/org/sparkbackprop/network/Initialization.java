package org.sparkbackprop.network;

import java.util.SplittableRandom;
import org.sparkbackprop.common.Ids;

/** How weights and biases start. Seeded: the same seed gives the same bits on any machine. */
public enum Initialization {
    /** Weights and biases N(0, 1), as in the tutorial's network.py. */
    NORMAL("normal"),
    /** Weights N(0, 1)/√n_in, biases N(0, 1): network2's default_weight_initializer. */
    SCALED("scaled"),
    /** Weights N(0, 1)·√(2/n_in), biases 0: He et al. (2015), for relu, which zeroes half of each layer's inputs. */
    HE("he");

    private final String id;

    Initialization(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Initialization fromId(String id) {
        return Ids.find(values(), Initialization::id, "init", id);
    }

    /**
     * New parameters for {@code architecture}. Layer l draws its weights in network2's order
     * (neuron by neuron, input by input) from the stream derive(seed, l, 0) and its biases from
     * derive(seed, l, 1), so a layer's numbers do not depend on the sizes of the others.
     */
    public Parameters initialize(Architecture architecture, long seed) {
        Parameters parameters = new Parameters(architecture);
        for (int l = 1; l <= architecture.weightLayers(); l++) {
            int inputs = architecture.size(l - 1);
            int neurons = architecture.size(l);
            double scale = switch (this) {
                case NORMAL -> 1.0;
                case SCALED -> 1.0 / Math.sqrt(inputs);
                case HE -> Math.sqrt(2.0 / inputs);
            };
            SplittableRandom weightStream = new SplittableRandom(Seeds.derive(seed, l, 0));
            for (int neuron = 0; neuron < neurons; neuron++) {
                for (int input = 0; input < inputs; input++) {
                    parameters.setWeight(l, neuron, input, weightStream.nextGaussian() * scale);
                }
            }
            if (this == HE) {
                continue;
            }
            SplittableRandom biasStream = new SplittableRandom(Seeds.derive(seed, l, 1));
            for (int neuron = 0; neuron < neurons; neuron++) {
                parameters.setBias(l, neuron, biasStream.nextGaussian());
            }
        }
        return parameters;
    }
}
