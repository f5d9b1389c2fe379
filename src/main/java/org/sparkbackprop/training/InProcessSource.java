package org.sparkbackprop.training;

import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ExamplePartition;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Backpropagation;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.network.Workspace;

/**
 * Gradients and scores computed in this process over examples held in memory: the reference
 * for the distributed step, and the trainer for data that fits one machine.
 */
public final class InProcessSource implements GradientSource, ScoreSource {
    private final ExamplePartition examples;
    private final Workspace workspace;

    /** {@code capacity} bounds the batch size; scoring runs in slices of that many rows. */
    public InProcessSource(ExamplePartition examples, Architecture architecture, int capacity) {
        this.examples = examples;
        this.workspace = new Workspace(architecture, capacity);
    }

    @Override
    public long exampleCount() {
        return examples.exampleCount();
    }

    @Override
    public Gradients sumGradients(Parameters parameters, long[] sortedBatch) {
        Gradients sums = new Gradients(parameters.architecture());
        examples.copyMembers(sortedBatch, workspace);
        Backpropagation.accumulateGradients(parameters, workspace, sums);
        return sums;
    }

    @Override
    public Scores score(Parameters parameters) {
        return scoreAll(examples, parameters, workspace);
    }

    /** Scores every example of {@code examples}, a workspace-full at a time. Modifies {@code workspace}. */
    public static Scores scoreAll(ExamplePartition examples, Parameters parameters, Workspace workspace) {
        Scores scores = new Scores();
        double[] inputs = workspace.inputs().data;
        double[] targets = workspace.targets().data;
        int featureCount = workspace.architecture().inputSize();
        int targetCount = workspace.architecture().outputSize();
        for (ExampleBlock block : examples.blocks()) {
            for (int start = 0; start < block.rows(); start += workspace.capacity()) {
                int rows = Math.min(workspace.capacity(), block.rows() - start);
                workspace.resize(rows);
                for (int r = 0; r < rows; r++) {
                    block.copyRow(start + r, inputs, r * featureCount, targets, r * targetCount);
                }
                Backpropagation.score(parameters, workspace, scores);
            }
        }
        return scores;
    }
}
