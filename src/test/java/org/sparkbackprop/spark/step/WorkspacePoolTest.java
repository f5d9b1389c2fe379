package org.sparkbackprop.spark.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Workspace;

/**
 * The pool reuses a workspace step after step, and keeps idle ones for the few shapes used last
 * only: a search over twelve layer sizes leaves {@value WorkspacePool#MAX_SHAPES} behind, not twelve.
 */
class WorkspacePoolTest {
    private static Workspace borrowed(int hidden) {
        Architecture architecture = new Architecture(new int[] {6, hidden, 3}, Activation.SIGMOID, Output.SOFTMAX);
        return WorkspacePool.withWorkspace(architecture, 16, Kernel.EJML, Function.identity());
    }

    @Test
    void aShapeUsedAgainReusesItsWorkspaceAndOnlyTheRecentShapesKeepOne() {
        Workspace first = borrowed(101);
        assertSame(first, borrowed(101), "the next step reuses the workspace");
        for (int hidden = 102; hidden < 114; hidden++) {
            borrowed(hidden);
            assertTrue(WorkspacePool.shapesKept() <= WorkspacePool.MAX_SHAPES, WorkspacePool.shapesKept() + " shapes kept");
        }
        assertEquals(WorkspacePool.MAX_SHAPES, WorkspacePool.shapesKept());
        assertNotSame(first, borrowed(101), "a shape not used for long was let go");
        assertSame(borrowed(113), borrowed(113));
    }
}
