package org.sparkbackprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale row's emulated network: its hosts reach each other over shaped links and nothing
 * else, its link counters count, and its namespaces and processes are gone after every exit:
 * a close, a failure while it is built, a JVM stopped with SIGTERM, and one killed outright
 * (cleaned up by the next lab).
 */
class NetworkLabTest {
    @Test
    void hostsReachEachOtherOverShapedLinksAndCloseRemovesEverything(@TempDir Path logs) throws Exception {
        List<String> namespaces;
        Process sleeper;
        try (NetworkLab lab = new NetworkLab(2, "1gbit")) {
            namespaces = lab.namespaces();
            assertEquals(3, namespaces.size());
            assertTrue(present(namespaces), NetworkLab.output("ip", "netns", "list"));
            // a closed port on a host that is there answers at once (refused); one not on the bridge does not
            assertTrue(connect(lab, 0, NetworkLab.address(1)).contains("Connection refused"));
            assertTrue(!connect(lab, 0, "10.199.0.77").contains("Connection refused"));
            for (int host = 0; host < 2; host++) {
                String qdisc = NetworkLab.output("tc", "-n", lab.namespace(host), "qdisc", "show", "dev", "eth0");
                assertTrue(qdisc.contains("tbf") && qdisc.contains("rate 1Gbit"), qdisc);
            }
            long before = lab.linkBytes(0);
            connect(lab, 0, NetworkLab.address(1));
            assertTrue(lab.linkBytes(0) > before, "the SYN and the RST crossed host 0's link");
            sleeper = lab.start(1, Map.of(), logs.resolve("sleep.log"), List.of("sleep", "600"));
            assertTrue(sleeper.isAlive());
        }
        assertTrue(!sleeper.isAlive(), "a process of the lab is killed with it");
        assertTrue(absent(namespaces), NetworkLab.output("ip", "netns", "list"));
    }

    @Test
    void aLabThatCannotBeBuiltLeavesNothing() throws Exception {
        String before = NetworkLab.output("ip", "netns", "list");
        assertThrows(IOException.class, () -> new NetworkLab(2, "not-a-rate"));
        assertEquals(before, NetworkLab.output("ip", "netns", "list"));
        assertTrue(!NetworkLab.output("ip", "-o", "link", "show").contains("sbp" + ProcessHandle.current().pid()));
    }

    /** A JVM that builds a lab, says so and waits: stopped with SIGTERM it cleans up; killed, the next lab does. */
    @Test
    void aStoppedJvmCleansUpAndAKilledOnesLabIsRemovedByTheNext(@TempDir Path logs) throws Exception {
        for (boolean killed : new boolean[] {false, true}) {
            Path log = logs.resolve("lab-" + killed + ".log");
            Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), HoldALab.class.getName())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            String prefix = "sbp" + jvm.pid() + "-";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("ready") && jvm.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(NetworkLab.output("ip", "netns", "list").contains(prefix), Files.readString(log));
            if (killed) {
                jvm.destroyForcibly().waitFor();
                assertTrue(NetworkLab.output("ip", "netns", "list").contains(prefix), "SIGKILL leaves the lab");
                new NetworkLab(1, "1gbit").close();
            } else {
                jvm.destroy();
                jvm.waitFor(30, TimeUnit.SECONDS);
            }
            assertTrue(!NetworkLab.output("ip", "netns", "list").contains(prefix),
                    (killed ? "the next lab" : "the shutdown hook") + " removed it: " + NetworkLab.output("ip", "netns", "list"));
        }
    }

    /** Run by the test above in a JVM of its own. */
    static final class HoldALab {
        public static void main(String[] args) throws Exception {
            NetworkLab lab = new NetworkLab(2, "1gbit");
            System.out.println("ready " + lab.namespaces());
            System.out.flush();
            Thread.sleep(600_000);
        }
    }

    private static String connect(NetworkLab lab, int host, String address) throws Exception {
        Process bash = new ProcessBuilder("ip", "netns", "exec", lab.namespace(host), "timeout", "3", "bash", "-c",
                "exec 3<>/dev/tcp/" + address + "/9").redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes());
        bash.waitFor();
        return output;
    }

    private static boolean present(List<String> namespaces) throws Exception {
        String listed = NetworkLab.output("ip", "netns", "list");
        return namespaces.stream().allMatch(listed::contains);
    }

    private static boolean absent(List<String> namespaces) throws Exception {
        String listed = NetworkLab.output("ip", "netns", "list");
        return namespaces.stream().noneMatch(listed::contains);
    }
}
