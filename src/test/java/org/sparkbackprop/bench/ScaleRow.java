package org.sparkbackprop.bench;

import static org.sparkbackprop.bench.Table.f;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Output;

/**
 * The exchanges on an emulated network ({@code --rows scale}): a standalone cluster whose driver,
 * Master and 8 Workers (1 core each) are hosts of their own in Linux network namespaces, on links
 * of 1 Gbit/s each way ({@link NetworkLab}). For P = 2, 4 and 8 executors, the driver
 * ({@link ScaleDriver}, a JVM in the driver's host) runs the same resident steps of
 * [784,256,256,10] (M = 2.15 MB of weights) at 16 examples per executor with the star and the
 * sliced exchange in turn, and counts the bytes on its own link. This machine's 2 cores run every
 * JVM, so the links are real and shaped, the CPU is not a cluster's.
 */
final class ScaleRow {
    private static final int[] EXECUTORS = {2, 4, 8};
    private static final int WORKERS = 8;
    /** The links' rate: 100 Mbit/s unless BENCH_SCALE_RATE says otherwise (README, Performance: why not 1 Gbit here). */
    private static final String RATE = System.getenv().getOrDefault("BENCH_SCALE_RATE", "100mbit");
    private final boolean quick;

    ScaleRow(boolean quick) {
        this.quick = quick;
    }

    /** Runs with no SparkContext in this JVM: each P's driver is a JVM of its own in the lab. */
    void measure(String data, Table table) throws Exception {
        Path state = Path.of("target/bench-scale").toAbsolutePath();
        Files.createDirectories(state.resolve("logs"));
        Path project = Path.of("").toAbsolutePath();
        Path sparkHome = sparkHome(project, state);
        List<String> moduleOptions = Files.readAllLines(project.resolve("conf/jvm-module-options")).stream()
                .map(String::trim).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long parameterBytes = Long.BYTES * new Architecture(ScaleDriver.SIZES, Activation.SIGMOID, Output.SOFTMAX)
                .parameterCount();
        Map<Integer, List<Session>> sessions = new LinkedHashMap<>();
        String failure = null;
        // host 0: the driver; host 1: the Master; hosts 2..9: the Workers
        try (NetworkLab lab = new NetworkLab(2 + WORKERS, RATE)) {
            String masterUrl = "spark://" + NetworkLab.address(1) + ":7077";
            List<String> daemon = new ArrayList<>(List.of(java));
            daemon.addAll(moduleOptions);
            daemon.addAll(List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError",
                    "-Dlog4j2.configurationFile=file:" + project.resolve("conf/log4j2-daemons.properties"),
                    "-cp", sparkHome.resolve("jars") + "/*"));
            List<String> master = new ArrayList<>(daemon);
            master.addAll(List.of("org.apache.spark.deploy.master.Master", "--host", NetworkLab.address(1), "--port",
                    "7077", "--webui-port", "8080"));
            lab.start(1, environment(sparkHome, 1), state.resolve("logs/master.log"), master);
            awaitLine(state.resolve("logs/master.log"), "I have been elected leader", 60);
            for (int worker = 0; worker < WORKERS; worker++) {
                int host = 2 + worker;
                List<String> command = new ArrayList<>(daemon);
                command.addAll(List.of("org.apache.spark.deploy.worker.Worker", "--host", NetworkLab.address(host),
                        "--cores", "1", "--memory", "1g", "--work-dir", state.resolve("work/worker-" + worker).toString(),
                        "--webui-port", "0", masterUrl));
                lab.start(host, environment(sparkHome, host), state.resolve("logs/worker-" + worker + ".log"), command);
            }
            for (int worker = 0; worker < WORKERS; worker++) {
                awaitLine(state.resolve("logs/worker-" + worker + ".log"), "Successfully registered with master", 120);
            }
            for (int executors : EXECUTORS) {
                Path out = state.resolve("sessions-" + executors + ".txt");
                Files.deleteIfExists(out);
                List<String> driver = new ArrayList<>(List.of(java));
                driver.addAll(moduleOptions);
                driver.addAll(List.of("-Xmx3g", "-XX:+ExitOnOutOfMemoryError",
                        "-Dlog4j2.configurationFile=file:" + project.resolve("conf/log4j2.properties"),
                        "-cp", System.getProperty("java.class.path"), ScaleDriver.class.getName(), masterUrl,
                        Integer.toString(executors), Path.of(data).toAbsolutePath().toString(),
                        project.resolve("target/spark-backprop.jar").toString(), out.toString(),
                        quick ? "2" : "5", quick ? "4" : "20", quick ? "1" : "2"));
                Path log = state.resolve("logs/driver-" + executors + ".log");
                Files.deleteIfExists(log);
                Process process = lab.start(0, environment(sparkHome, 0), log, driver);
                if (!process.waitFor(20, TimeUnit.MINUTES) || process.exitValue() != 0 || !Files.exists(out)) {
                    failure = "the driver with " + executors + " executors failed: see " + log;
                    break;
                }
                sessions.put(executors, Files.readAllLines(out).stream().map(Session::parse).toList());
            }
        }
        if (failure != null) {
            table.row("scale", "not run", "sliced flat as executors are added", false, List.of(failure));
            return;
        }
        report(sessions, parameterBytes, table);
    }

    /** One session of the driver: an exchange's median step, its link's bytes per step, and the weights' digest. */
    private record Session(String exchange, long medianNanos, long bytesPerStep, long slicedSteps, String digest) {
        static Session parse(String line) {
            String[] fields = line.split(" ");
            return new Session(fields[0], Long.parseLong(fields[1]), Long.parseLong(fields[2]), Long.parseLong(fields[3]),
                    fields[4]);
        }

        double millis() {
            return medianNanos / 1e6;
        }
    }

    private static void report(Map<Integer, List<Session>> sessions, long parameterBytes, Table table) {
        double megabytes = parameterBytes / 1e6;
        List<String> curve = new ArrayList<>();
        boolean bytesMet = true;
        boolean sameBits = true;
        boolean allSliced = true;
        Map<Integer, double[]> steps = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Session>> entry : sessions.entrySet()) {
            List<Session> star = entry.getValue().stream().filter(s -> s.exchange().equals("star")).toList();
            List<Session> sliced = entry.getValue().stream().filter(s -> s.exchange().equals("sliced")).toList();
            double starMillis = median(star.stream().mapToDouble(Session::millis).toArray());
            double slicedMillis = median(sliced.stream().mapToDouble(Session::millis).toArray());
            double starBytes = median(star.stream().mapToDouble(Session::bytesPerStep).toArray());
            double slicedBytes = median(sliced.stream().mapToDouble(Session::bytesPerStep).toArray());
            steps.put(entry.getKey(), new double[] {starMillis, slicedMillis});
            bytesMet &= sliced.stream().allMatch(s -> s.bytesPerStep() <= 2.2 * parameterBytes);
            sameBits &= entry.getValue().stream().map(Session::digest).distinct().count() == 1;
            allSliced &= sliced.stream().allMatch(s -> s.slicedSteps() > 0);
            curve.add(f("P = %d: star %.1f ms a step, %.1f MB through the driver's link (%.2f M); sliced %.1f ms,"
                            + " %.1f MB (%.2f M); weights %s", entry.getKey(), starMillis, starBytes / 1e6,
                    starBytes / parameterBytes, slicedMillis, slicedBytes / 1e6, slicedBytes / parameterBytes,
                    entry.getValue().get(0).digest().substring(0, 16)));
        }
        String setup = f("[784,256,256,10] (M = %.2f MB), %d examples per executor a step, resident; driver, Master and"
                + " Workers (1 core) each a host of their own on %s links (network namespaces, tc tbf); medians of"
                + " sessions alternating star, sliced", megabytes, ScaleDriver.PER_EXECUTOR_BATCH, RATE);
        List<String> notes = new ArrayList<>(List.of(setup));
        notes.addAll(curve);
        table.row("scale: driver bytes", "sliced <= " + f("%.2f", maxSlicedRatio(sessions, parameterBytes)) + " M a step",
                "<= 2.2 M at every P", bytesMet && allSliced, notes);
        double[] two = steps.get(2);
        double[] eight = steps.get(8);
        double flat = eight[1] / two[1];
        table.row("scale: sliced, flat", f("%.2f x its P = 2 step at P = 8", flat), "<= 1.3", flat <= 1.3, List.of(
                f("sliced %.1f ms at P = 8 against %.1f ms at P = 2: every executor and the bridge share this machine's"
                        + " 2 cores, which bound it here, not the links", eight[1], two[1])));
        double versusStar = eight[1] / eight[0];
        table.row("scale: sliced vs star", f("%.2f x the star step at P = 8", versusStar), "<= 0.35",
                versusStar <= 0.35, List.of(f("sliced %.1f ms, star %.1f ms at P = 8", eight[1], eight[0])));
        table.row("scale: same bits", sameBits ? "yes" : "NO", "every session of a P ends with the same weights", sameBits,
                List.of("the digests above: the same in every run of the row"));
    }

    private static double maxSlicedRatio(Map<Integer, List<Session>> sessions, long parameterBytes) {
        return sessions.values().stream().flatMap(List::stream).filter(s -> s.exchange().equals("sliced"))
                .mapToDouble(s -> (double) s.bytesPerStep() / parameterBytes).max().orElse(Double.NaN);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static Map<String, String> environment(Path sparkHome, int host) {
        return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13",
                "SPARK_LOCAL_IP", NetworkLab.address(host), "OPENBLAS_NUM_THREADS", "1");
    }

    /** A SPARK_HOME whose jars/ links the project's Spark jars, as submit/local-cluster.sh makes one. */
    private static Path sparkHome(Path project, Path state) throws IOException {
        Path home = state.resolve("spark-home");
        Path jars = home.resolve("jars");
        if (!Files.isDirectory(jars)) {
            Files.createDirectories(jars);
            String classpath = Files.readString(project.resolve("target/spark-classpath.txt")).trim();
            for (String entry : classpath.split(":")) {
                Path target = Path.of(entry);
                Path link = jars.resolve(target.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, target);
                }
            }
        }
        return home;
    }

    private static void awaitLine(Path log, String text, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.exists(log) || !Files.readString(log).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no \"" + text + "\" in " + log + " within " + seconds + " s");
            }
            Thread.sleep(200);
        }
    }
}
