package org.sparkbackprop.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real HDFS (a NameNode and a DataNode) and a real YARN (a ResourceManager and a NodeManager)
 * in this JVM, on 127.0.0.1, from Hadoop's own test clusters; their client configuration is
 * written to a directory for spark-submit's HADOOP_CONF_DIR. Containers run as processes of this
 * machine, so they read the Maven-resolved jars where they lie.
 */
final class MiniHadoop implements AutoCloseable {
    private final MiniDFSCluster hdfs;
    private final MiniYARNCluster yarn;
    private final Path configurationDirectory;

    private MiniHadoop(MiniDFSCluster hdfs, MiniYARNCluster yarn, Path configurationDirectory) {
        this.hdfs = hdfs;
        this.yarn = yarn;
        this.configurationDirectory = configurationDirectory;
    }

    /**
     * Starts both: HDFS under {@code directory}, with the client configuration in conf/; YARN
     * under target/test/data, where MiniYARNCluster puts its NodeManager's folders whatever one asks.
     */
    static MiniHadoop start(Path directory) throws IOException {
        Configuration configuration = new Configuration();
        configuration.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, directory.resolve("dfs").toString());
        configuration.set("dfs.replication", "1");
        MiniDFSCluster hdfs = new MiniDFSCluster.Builder(configuration).numDataNodes(1).build();
        MiniYARNCluster yarn = null;
        try {
            hdfs.waitActive();
            YarnConfiguration yarnConfiguration = new YarnConfiguration(hdfs.getConfiguration(0));
            yarnConfiguration.set("yarn.resourcemanager.scheduler.class",
                    "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
            yarnConfiguration.setInt("yarn.scheduler.minimum-allocation-mb", 256);
            yarnConfiguration.setInt("yarn.nodemanager.resource.memory-mb", 8192);
            yarnConfiguration.setInt("yarn.nodemanager.resource.cpu-vcores", 8);
            // the machine's load and disk are not the cluster's business here
            yarnConfiguration.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
            yarnConfiguration.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
            yarnConfiguration.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
            yarn = new MiniYARNCluster("spark-backprop", 1, 1, 1);
            yarn.init(yarnConfiguration);
            yarn.start();
            Path conf = directory.resolve("conf");
            Files.createDirectories(conf);
            // what a client needs, the ResourceManager's addresses; not the test clusters' own settings
            // (their rack mapping class, say, which a Spark container cannot load)
            Configuration yarnClient = new Configuration(false);
            for (Map.Entry<String, String> setting : yarn.getConfig()) {
                if (setting.getKey().startsWith("yarn.resourcemanager.")) {
                    yarnClient.set(setting.getKey(), setting.getValue());
                }
            }
            try (OutputStream out = Files.newOutputStream(conf.resolve("yarn-site.xml"))) {
                yarnClient.writeXml(out);
            }
            Configuration client = new Configuration(false);
            client.set("fs.defaultFS", hdfs.getFileSystem().getUri().toString());
            client.set("dfs.replication", "1");
            try (OutputStream out = Files.newOutputStream(conf.resolve("core-site.xml"))) {
                client.writeXml(out);
            }
            return new MiniHadoop(hdfs, yarn, conf);
        } catch (IOException | RuntimeException e) {
            if (yarn != null) {
                yarn.stop();
            }
            hdfs.shutdown();
            throw e;
        }
    }

    /** hdfs://host:port of the NameNode. */
    String hdfsUri() throws IOException {
        return hdfs.getFileSystem().getUri().toString();
    }

    FileSystem fileSystem() throws IOException {
        return hdfs.getFileSystem();
    }

    /** What submit/yarn.sh needs to reach this YARN. */
    Map<String, String> yarnEnvironment() {
        return Map.of("HADOOP_CONF_DIR", configurationDirectory.toString());
    }

    /**
     * Where the NodeManager keeps its containers' logs ({@code application_*}/{@code container_*}/stderr):
     * MiniYARNCluster chooses these folders itself.
     */
    List<Path> containerLogDirectories() {
        return Arrays.stream(yarn.getNodeManager(0).getConfig().getTrimmedStrings(YarnConfiguration.NM_LOG_DIRS))
                .map(directory -> Path.of(java.net.URI.create(directory).getPath())).toList();
    }

    @Override
    public void close() {
        try {
            yarn.stop();
        } finally {
            hdfs.shutdown();
        }
    }
}
