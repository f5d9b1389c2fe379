package org.sparkbackprop.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network of hosts on this machine, for measuring what crosses each host's link: Linux
 * network namespaces, one per host, each with an {@code eth0} (a veth pair) on a bridge in a
 * switch namespace of its own, every link shaped to a rate with {@code tc tbf} at both ends, and
 * addresses 10.199.0.1, 10.199.0.2, ... that exist only inside these namespaces. Needs root.
 * <p>
 * Every namespace is named {@code sbp<pid>-...} after the JVM that made it: closing the lab (and
 * a shutdown hook, should the JVM be stopped first) kills the processes started in it and
 * deletes the namespaces, which takes their links with them; a lab whose JVM was killed outright
 * is cleaned up by the next one ({@link #removeStale}).
 */
final class NetworkLab implements AutoCloseable {
    static final String SUBNET = "10.199.0.";
    private static final Pattern OURS = Pattern.compile("sbp(\\d+)-\\S+");
    /** A link of a lab, in this machine's own namespace between its creation and its move. */
    private static final Pattern OUR_LINK = Pattern.compile("\\d+: (sbp(\\d+)[hs]\\d+)[@:]");

    private final String prefix = "sbp" + ProcessHandle.current().pid();
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::removeAll, "network lab cleanup");
    private final String rate;

    /** A lab of {@code hosts} hosts whose links carry {@code rate} each way ({@code tc}'s units: {@code 1gbit}). */
    NetworkLab(int hosts, String rate) throws IOException, InterruptedException {
        this.rate = rate;
        removeStale();
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String switchNamespace = add("sw");
            run("ip", "-n", switchNamespace, "link", "add", "br0", "type", "bridge");
            run("ip", "-n", switchNamespace, "link", "set", "br0", "up");
            for (int host = 0; host < hosts; host++) {
                String namespace = add("h" + host);
                String inside = prefix + "h" + host;
                String outside = prefix + "s" + host;
                run("ip", "link", "add", inside, "type", "veth", "peer", "name", outside);
                run("ip", "link", "set", inside, "netns", namespace);
                run("ip", "link", "set", outside, "netns", switchNamespace);
                run("ip", "-n", namespace, "link", "set", inside, "name", "eth0");
                run("ip", "-n", namespace, "addr", "add", address(host) + "/24", "dev", "eth0");
                run("ip", "-n", namespace, "link", "set", "eth0", "up");
                run("ip", "-n", switchNamespace, "link", "set", outside, "master", "br0");
                run("ip", "-n", switchNamespace, "link", "set", outside, "up");
                shape(namespace, "eth0");
                shape(switchNamespace, outside);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Host {@code host}'s address. */
    static String address(int host) {
        return SUBNET + (host + 1);
    }

    /** Host {@code host}'s namespace. */
    String namespace(int host) {
        return prefix + "-h" + host;
    }

    /** The lab's namespaces, switch first. */
    List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    /**
     * Starts {@code command} on host {@code host} with {@code environment} added to this JVM's,
     * its output in {@code log}; it is killed when the lab closes.
     */
    Process start(int host, Map<String, String> environment, Path log, List<String> command) throws IOException {
        List<String> inNamespace = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
        inNamespace.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(inNamespace).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        synchronized (processes) {
            processes.add(process);
        }
        return process;
    }

    /** Bytes received and sent on host {@code host}'s link so far, as its kernel counts them. */
    long linkBytes(int host) throws IOException, InterruptedException {
        return eth0Bytes(output("ip", "netns", "exec", namespace(host), "cat", "/proc/net/dev"));
    }

    /** Bytes received and sent on {@code eth0} as {@code procNetDev}, the text of a /proc/net/dev, counts them. */
    static long eth0Bytes(String procNetDev) throws IOException {
        for (String line : procNetDev.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("eth0:")) {
                String[] fields = trimmed.substring("eth0:".length()).trim().split("\\s+");
                return Long.parseLong(fields[0]) + Long.parseLong(fields[8]);
            }
        }
        throw new IOException("no eth0 in /proc/net/dev: not in a lab's host");
    }

    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs, or has run, removeAll itself
        }
    }

    /** Deletes the namespaces and links of labs whose JVM is gone (killed before it could clean up). */
    static void removeStale() throws IOException, InterruptedException {
        for (String line : output("ip", "netns", "list").split("\n")) {
            Matcher ours = OURS.matcher(line.trim());
            if (ours.lookingAt() && !alive(ours.group(1))) {
                run("ip", "netns", "del", ours.group());
            }
        }
        for (String line : output("ip", "-o", "link", "show").split("\n")) {
            Matcher ours = OUR_LINK.matcher(line.trim());
            if (ours.lookingAt() && !alive(ours.group(2))) {
                run("ip", "link", "del", ours.group(1));
            }
        }
    }

    private static boolean alive(String pid) {
        return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    }

    private synchronized void removeAll() {
        synchronized (processes) {
            for (Process process : processes) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            for (Process process : processes) {
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            processes.clear();
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                run("ip", "netns", "del", namespaces.get(i));
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.err.println("could not delete network namespace " + namespaces.get(i) + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    private String add(String name) throws IOException, InterruptedException {
        String namespace = prefix + "-" + name;
        run("ip", "netns", "add", namespace);
        namespaces.add(namespace);
        run("ip", "-n", namespace, "link", "set", "lo", "up");
        return namespace;
    }

    /** Shapes {@code device}'s sending to the lab's rate: a token bucket with room for 1 ms of it. */
    private void shape(String namespace, String device) throws IOException, InterruptedException {
        run("tc", "-n", namespace, "qdisc", "add", "dev", device, "root", "tbf", "rate", rate, "burst", "256kb",
                "latency", "50ms");
    }

    static void run(String... command) throws IOException, InterruptedException {
        output(command);
    }

    static String output(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output.trim());
        }
        return output;
    }
}
