package org.sparkbackprop.spark;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.sparkbackprop.common.BadInputException;

/**
 * A standalone master that cannot be reached, named in one line before Spark tries: Spark's own
 * client retries for a minute, printing a stack trace each time, and then fails with a line that
 * names neither the URL nor the cause. The master's host must resolve and its port answer a TCP
 * connection within {@link #CONNECT_TIMEOUT_MILLIS}; of a high-availability list
 * ({@code spark://h1:7077,h2:7077}) one answering is enough. The same for YARN's ResourceManager,
 * as the {@code yarn-site.xml} on the classpath (spark-submit's HADOOP_CONF_DIR) names it.
 */
public final class MasterReach {
    /** How long one master's port has to accept a connection. */
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final String STANDALONE = "spark://";

    private MasterReach() {
    }

    /**
     * Fails naming {@code master} and what answered when it is a standalone master none of whose
     * addresses answers, or YARN whose ResourceManagers none answers.
     */
    public static void check(String master) {
        if ("yarn".equals(master)) {
            checkResourceManager();
            return;
        }
        if (master == null || !master.startsWith(STANDALONE)) {
            return;
        }
        List<String> answers = new ArrayList<>();
        for (String address : master.substring(STANDALONE.length()).split(",")) {
            String problem = problemReaching(address.trim());
            if (problem == null) {
                return;
            }
            answers.add(problem);
        }
        throw new BadInputException("master " + master + ": " + String.join("; ", answers)
                + " (the master URL: SPARK_MASTER, or spark-submit's --master)");
    }

    private static void checkResourceManager() {
        Configuration yarn = new Configuration();
        if (yarn.getResource("yarn-site.xml") == null) {
            return;
        }
        yarn.addResource("yarn-site.xml");
        List<String> settings = new ArrayList<>();
        if (yarn.getBoolean("yarn.resourcemanager.ha.enabled", false)) {
            for (String id : yarn.getTrimmedStrings("yarn.resourcemanager.ha.rm-ids")) {
                settings.add("." + id);
            }
        } else {
            settings.add("");
        }
        List<String> answers = new ArrayList<>();
        for (String suffix : settings) {
            String setting = "yarn.resourcemanager.address" + suffix;
            String address = yarn.get(setting);
            if (address == null) {
                setting = "yarn.resourcemanager.hostname" + suffix;
                address = yarn.get(setting, "0.0.0.0") + ":8032";
            }
            String problem = problemReaching(address);
            if (problem == null) {
                return;
            }
            answers.add(problem + " (" + setting + " in " + yarn.getResource("yarn-site.xml") + ")");
        }
        throw new BadInputException("YARN ResourceManager: " + String.join("; ", answers));
    }

    /** Why {@code hostAndPort} cannot be reached, or null when it accepts a connection. */
    private static String problemReaching(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        String host = colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
        int port;
        try {
            port = colon < 0 ? 7077 : Integer.parseInt(hostAndPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            return "'" + hostAndPort + "' is not HOST:PORT";
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            return "the host " + host + " does not resolve";
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, CONNECT_TIMEOUT_MILLIS);
            return null;
        } catch (ConnectException e) {
            return "nothing listens at " + host + ":" + port + " (connection refused)";
        } catch (SocketTimeoutException e) {
            return host + ":" + port + " did not answer within " + CONNECT_TIMEOUT_MILLIS / 1000 + " s";
        } catch (IOException e) {
            return host + ":" + port + " cannot be reached (" + e.getMessage() + ")";
        }
    }
}
