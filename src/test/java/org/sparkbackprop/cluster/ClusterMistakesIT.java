package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 27, the master half: a standalone master URL that cannot be reached (a port where
 * nothing listens, a host that does not resolve) is answered in one line naming the URL and
 * what answered, exit code 2, within seconds, in client and cluster deploy mode alike.
 */
class ClusterMistakesIT {
    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"client", "cluster"})
    void aMasterWhereNothingListensIsNamedInOneLine(String deployMode) throws Exception {
        int port = freePort();
        String master = "spark://127.0.0.1:" + port;
        assertOneLine(deployMode, master, "error: master " + master + ": nothing listens at 127.0.0.1:" + port
                + " (connection refused) (the master URL: SPARK_MASTER, or spark-submit's --master)");
    }

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"client", "cluster"})
    void aMasterHostThatDoesNotResolveIsNamedInOneLine(String deployMode) throws Exception {
        String master = "spark://no-such-master.invalid:7077";
        assertOneLine(deployMode, master, "error: master " + master + ": the host no-such-master.invalid does not"
                + " resolve (the master URL: SPARK_MASTER, or spark-submit's --master)");
    }

    private void assertOneLine(String deployMode, String master, String expected) throws Exception {
        long started = System.nanoTime();
        Scripts.Run run = Scripts.run(Map.of("SPARK_MASTER", master, "DEPLOY_MODE", deployMode),
                directory.resolve(deployMode + ".log"), 2, "submit/standalone.sh", "train", "--train",
                "data/fashion-mnist", "--epochs", "1");
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(2, run.exitCode(), run.output());
        assertEquals(List.of(expected), run.output().lines().toList());
        assertTrue(seconds < 30, "answered in " + seconds + " s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
