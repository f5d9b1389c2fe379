package org.sparkbackprop.blas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import dev.ludovic.netlib.blas.NativeBLAS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.common.Ids;
import org.sparkbackprop.network.EjmlProducts;
import org.sparkbackprop.network.Kernel;
import org.sparkbackprop.network.MatrixProducts;

/**
 * Which kernel runs the matrix products ({@code --blas auto|native|ejml}), and the products of
 * each kernel in this JVM. The native one is BLAS {@code dgemm} through dev.ludovic.netlib, the
 * BLAS that Spark distributions ship for MLlib (its JNI library inside the blas jar, over the
 * system's {@code libblas.so.3}); it is loaded at most once per JVM. The driver chooses, and its
 * tasks use the driver's kernel wherever they run, so that every partial sum is computed alike.
 */
public final class Blas {
    private static final Logger LOG = LoggerFactory.getLogger(Blas.class);

    /** What {@code --blas} asks for. */
    public enum Choice {
        /** Native BLAS where a fast one loads, EJML otherwise. */
        AUTO("auto"),
        /** Native BLAS, or a clear error. */
        NATIVE("native"),
        /** EJML, always. */
        EJML("ejml");

        private final String id;

        Choice(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Choice fromId(String id) {
            return Ids.find(values(), Choice::id, "blas", id);
        }
    }

    /** The kernel chosen and, in words, what it is and why: logged once and written to metrics and report. */
    public record Selection(Kernel kernel, String description) {
    }

    /** Native BLAS in this JVM: its products, or why it cannot run; {@code slow} when it is the reference BLAS. */
    private record Native(MatrixProducts products, String library, boolean slow, String failure) {
    }

    private static volatile Native loaded;

    /**
     * dev.ludovic.netlib says through java.util.logging which implementation it fell back to: at
     * INFO (3.2.0, Spark 4.2's), and at WARNING that its Java vector BLAS, which is never used here,
     * needs jdk.incubator.vector (3.0.3, Spark 3.5's, whose JVM options do not add that module).
     * The log line of {@code --blas} says which kernel runs and why instead. Held here:
     * java.util.logging keeps loggers only weakly, and a collected one would lose its level.
     */
    private static final java.util.logging.Logger NETLIB_LOG = java.util.logging.Logger.getLogger("dev.ludovic.netlib");

    private Blas() {
    }

    /** Chooses for {@code choice}; an IllegalArgumentException saying what to install when native is asked for and cannot run. */
    public static Selection select(Choice choice) {
        if (choice == Choice.EJML) {
            return new Selection(Kernel.EJML, "EJML (--blas ejml)");
        }
        Native found = load();
        if (found.products() == null) {
            if (choice == Choice.NATIVE) {
                throw new IllegalArgumentException("--blas native: " + found.failure() + "; or give --blas auto");
            }
            return new Selection(Kernel.EJML, "EJML: " + found.failure());
        }
        if (found.slow() && choice == Choice.AUTO) {
            return new Selection(Kernel.EJML, "EJML: the native BLAS here is the reference implementation ("
                    + found.library() + "), slower than EJML; apt-get install libopenblas0 for a fast one");
        }
        return new Selection(Kernel.NATIVE, "native BLAS dgemm (dev.ludovic.netlib over " + found.library() + ", "
                + threads() + ")" + (choice == Choice.NATIVE ? " (--blas native)" : ""));
    }

    /** Says which kernel runs and why, once per command or fit. */
    public static void log(Selection selection) {
        LOG.info("matrix products: {}", selection.description());
        if (selection.kernel() == Kernel.NATIVE && !oneThread()) {
            LOG.warn("OPENBLAS_NUM_THREADS is not 1 in this process: OpenBLAS may start a thread per core in every task,"
                    + " more threads than cores (the submit scripts set it to 1)");
        }
    }

    /** Whether the threads setting of OpenBLAS is one thread, as it must be where tasks are the parallelism. */
    public static boolean oneThread() {
        return "1".equals(System.getenv("OPENBLAS_NUM_THREADS"));
    }

    private static String threads() {
        String threads = System.getenv("OPENBLAS_NUM_THREADS");
        return threads == null ? "OPENBLAS_NUM_THREADS not set: OpenBLAS may run a thread per core in every task"
                : "OPENBLAS_NUM_THREADS=" + threads;
    }

    /**
     * The products of {@code kernel} in this JVM. For a native kernel that cannot load here (an
     * executor on a machine without the library the driver has) an IllegalStateException saying so.
     */
    public static MatrixProducts products(Kernel kernel) {
        if (kernel == Kernel.EJML) {
            return EjmlProducts.INSTANCE;
        }
        Native found = load();
        if (found.products() == null) {
            throw new IllegalStateException("the driver chose native BLAS, and it cannot run on this machine: "
                    + found.failure() + " (on every machine), or give --blas ejml");
        }
        return found.products();
    }

    private static Native load() {
        Native found = loaded;
        if (found == null) {
            synchronized (Blas.class) {
                found = loaded;
                if (found == null) {
                    found = tryLoad();
                    loaded = found;
                }
            }
        }
        return found;
    }

    private static Native tryLoad() {
        NETLIB_LOG.setLevel(java.util.logging.Level.SEVERE);
        try {
            // without org.netlib.util the JNI library's load prints a line of its own to stderr and fails: look first
            Class.forName("org.netlib.util.booleanW", false, Blas.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return new Native(null, null, false, "dev.ludovic.netlib's native BLAS needs org.netlib.util"
                    + " (org.netlib.util.booleanW is missing): put net.sourceforge.f2j:arpack_combined_all on the"
                    + " classpath, as Spark's jars/ has it");
        }
        try {
            NativeBLAS blas = NativeBLAS.getInstance();
            String library = library();
            boolean reference = !library.toLowerCase(Locale.ROOT).contains("openblas")
                    && !library.toLowerCase(Locale.ROOT).contains("mkl") && library.contains("/blas/libblas.so");
            return new Native(new NativeProducts(blas), library, reference, null);
        } catch (NoClassDefFoundError e) {
            String missing = String.valueOf(e.getMessage());
            return new Native(null, null, false, "dev.ludovic.netlib's blas jar is not on the classpath (" + missing
                    + " is missing): put dev.ludovic.netlib:blas on it, as Spark's jars/ has it");
        } catch (RuntimeException | LinkageError e) {
            return new Native(null, null, false, "no native BLAS library loads (" + e.getMessage()
                    + "): install one, e.g. apt-get install libopenblas0");
        }
    }

    /** The BLAS library the JNI library resolved, as this process maps it (Linux), or a general name. */
    private static String library() {
        Set<String> found = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String path = line.substring(slash);
                String name = Path.of(path).getFileName().toString();
                if (name.startsWith("libblas") || name.startsWith("libopenblas") || name.startsWith("libmkl_rt")) {
                    found.add(Path.of(path).toRealPath().toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            return "the system's libblas.so.3";
        }
        return found.isEmpty() ? "the system's libblas.so.3" : String.join(" + ", found);
    }
}
