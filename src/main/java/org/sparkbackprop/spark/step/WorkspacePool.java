package org.sparkbackprop.spark.step;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.SparkEnv;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.MatrixProducts;
import org.sparkbackprop.network.Workspace;

/**
 * Workspaces kept on an executor between steps. A task borrows one for its partition and
 * gives it back when done, so each workspace is used by one task at a time and the next
 * step reuses it instead of allocating. At most one idle workspace per concurrent task stays,
 * for the {@value #MAX_SHAPES} shapes used last: a search over layer sizes (a CrossValidator)
 * runs one shape after another, and the executor keeps only the recent ones.
 */
public final class WorkspacePool {
    private record Shape(Architecture architecture, int capacity, Kernel kernel) {
    }

    /** How many shapes keep idle workspaces; a run uses one, a parallel search a few. */
    static final int MAX_SHAPES = 4;

    /** Idle workspaces by shape, the least recently borrowed shape first; guarded by itself. */
    private static final Map<Shape, Deque<Workspace>> IDLE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Shape, Deque<Workspace>> eldest) {
            return size() > MAX_SHAPES;
        }
    };

    private WorkspacePool() {
    }

    /** Runs {@code work} with a workspace of this shape, its products on {@code kernel}, borrowed for its duration. */
    public static <T> T withWorkspace(Architecture architecture, int capacity, Kernel kernel, Function<Workspace, T> work) {
        Workspace workspace = borrow(new Shape(architecture, capacity, kernel));
        try {
            return work.apply(workspace);
        } finally {
            release(workspace);
        }
    }

    private static Workspace borrow(Shape shape) {
        Workspace idle;
        synchronized (IDLE) {
            idle = IDLE.computeIfAbsent(shape, key -> new ArrayDeque<>()).pollFirst();
        }
        return idle != null ? idle : new Workspace(shape.architecture(), shape.capacity(), products(shape.kernel()));
    }

    /** How many shapes keep idle workspaces now. */
    static int shapesKept() {
        synchronized (IDLE) {
            return IDLE.size();
        }
    }

    /**
     * The products of the driver's {@code kernel} on this executor; bad input naming this machine
     * when it cannot run them (a native library the driver has and this machine lacks), so that a
     * guarded job reports it in one line.
     */
    public static MatrixProducts products(Kernel kernel) {
        try {
            return Blas.products(kernel);
        } catch (IllegalStateException e) {
            SparkEnv env = SparkEnv.get();
            String where = env == null ? "this machine" : "executor " + env.executorId() + " on "
                    + env.blockManager().blockManagerId().host();
            throw new BadInputException("--blas: " + where + ": " + e.getMessage(), e);
        }
    }

    private static void release(Workspace workspace) {
        Shape shape = new Shape(workspace.architecture(), workspace.capacity(), workspace.products().kernel());
        synchronized (IDLE) {
            // a shape no longer among the recent ones keeps nothing: its workspace goes to the garbage collector
            Deque<Workspace> idle = IDLE.get(shape);
            if (idle != null) {
                idle.addFirst(workspace);
            }
        }
    }
}
