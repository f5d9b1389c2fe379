package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exchanges on a real standalone cluster of four Workers (1 core each, executors in JVMs of
 * their own, all on 127.0.0.1): {@code train --partitions 4} with {@code --exchange star} and
 * with {@code --exchange sliced} stays resident, the sliced tasks connecting to each other, and
 * writes the model local[2] writes with 4 partitions, bit for bit. Sliced runs through executor
 * losses: {@link ExecutorLossIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {
    private static final Path STATE = Path.of("target/it-scale-out").toAbsolutePath();
    private final ClusterRuns.Standalone cluster = new ClusterRuns.Standalone(STATE, 47077, 48080);
    private Path data;
    /** local[2]'s model with 4 partitions. */
    private byte[] localModel;

    @BeforeAll
    void startCluster() throws Exception {
        ClusterRuns.deleteRecursively(STATE);
        Files.createDirectories(STATE);
        data = ClusterRuns.subset(STATE.resolve("fashion-subset"));
        cluster.start(4);
        Scripts.Run local = Scripts.run(Map.of("SPARK_MASTER", "local[2]", "SPARK_DRIVER_MEMORY", "1g"),
                STATE.resolve("local.log"), 5, train("local.json"));
        assertEquals(0, local.exitCode(), local.output());
        localModel = Files.readAllBytes(STATE.resolve("local.json"));
    }

    @AfterAll
    void stopCluster() throws Exception {
        cluster.stop();
    }

    @ParameterizedTest(name = "--exchange {0}")
    @ValueSource(strings = {"star", "sliced"})
    @Order(0)
    void fourExecutorsStayResidentAndWriteTheLocalModel(String exchange) throws Exception {
        Scripts.Run run = Scripts.run(Map.of("SPARK_MASTER", cluster.master()), STATE.resolve(exchange + ".log"), 5,
                standalone(train(exchange + ".json", "--exchange", exchange)));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(!run.output().contains("steps run as Spark jobs") && !run.output().contains("resident tasks")
                        && !run.output().contains("could not connect to each other"),
                "the steps ran on resident tasks in the four executors, connected to each other for sliced steps:\n"
                        + run.output());
        assertEquals(exchange.equals("sliced"),
                run.output().contains("sliced steps: the 4 tasks are connected to each other"), run.output());
        assertArrayEquals(localModel, Files.readAllBytes(STATE.resolve(exchange + ".json")),
                "--exchange " + exchange + " on four executors vs local[2]");
    }

    private String[] train(String model, String... more) {
        List<String> options = new ArrayList<>(List.of("--model-out", STATE.resolve(model).toString()));
        options.addAll(List.of(more));
        return ClusterRuns.train(data.toString(), options.toArray(String[]::new));
    }

    private static String[] standalone(String... command) {
        return ClusterRuns.through("submit/standalone.sh", command);
    }
}
