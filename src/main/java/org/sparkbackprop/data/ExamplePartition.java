package org.sparkbackprop.data;

import java.util.Arrays;
import java.util.List;
import org.sparkbackprop.network.Workspace;

/**
 * The examples of one partition: blocks in ascending, disjoint ranges of global index.
 * Finding the members of a batch costs O(B log n), never a scan of the partition.
 */
public final class ExamplePartition {
    private final List<ExampleBlock> blocks;
    private final long[] blockFirstIndices;

    public ExamplePartition(List<ExampleBlock> blocks) {
        this.blocks = List.copyOf(blocks);
        this.blockFirstIndices = new long[blocks.size()];
        for (int b = 0; b < blocks.size(); b++) {
            blockFirstIndices[b] = blocks.get(b).firstIndex();
            if (b > 0 && blockFirstIndices[b] <= blocks.get(b - 1).lastIndex()) {
                throw new IllegalArgumentException("blocks must hold ascending, disjoint ranges of global index");
            }
        }
    }

    public List<ExampleBlock> blocks() {
        return blocks;
    }

    public long exampleCount() {
        long count = 0;
        for (ExampleBlock block : blocks) {
            count += block.rows();
        }
        return count;
    }

    /** The global indices of {@code sortedBatch} that this partition holds, ascending. */
    public long[] members(long[] sortedBatch) {
        return Arrays.stream(sortedBatch).filter(index -> locate(index) != null).toArray();
    }

    /**
     * Copies the examples of this partition whose global indices are in {@code sortedBatch}
     * into {@code workspace}, in ascending global index, and resizes it to their number.
     * Returns that number. Modifies {@code workspace}.
     */
    public int copyMembers(long[] sortedBatch, Workspace workspace) {
        if (sortedBatch.length > workspace.capacity()) {
            throw new IllegalArgumentException("a batch of " + sortedBatch.length
                    + " does not fit a workspace of " + workspace.capacity());
        }
        double[] inputs = workspace.inputs().data;
        double[] targets = workspace.targets().data;
        int featureCount = workspace.architecture().inputSize();
        int targetCount = workspace.architecture().outputSize();
        workspace.resize(workspace.capacity());
        int members = 0;
        for (long index : sortedBatch) {
            Location location = locate(index);
            if (location != null) {
                location.block().copyRow(location.row(), inputs, members * featureCount, targets,
                        members * targetCount);
                members++;
            }
        }
        workspace.resize(members);
        return members;
    }

    private record Location(ExampleBlock block, int row) {
    }

    /** Where global index {@code index} is held here, or null: a binary search over blocks, then rows. */
    private Location locate(long index) {
        int block = Arrays.binarySearch(blockFirstIndices, index);
        if (block < 0) {
            block = -block - 2;
        }
        if (block < 0) {
            return null;
        }
        ExampleBlock candidate = blocks.get(block);
        int row = candidate.rowOf(index);
        return row < 0 ? null : new Location(candidate, row);
    }
}
