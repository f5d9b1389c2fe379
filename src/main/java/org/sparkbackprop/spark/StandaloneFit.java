package org.sparkbackprop.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.DeployMessages;
import org.apache.spark.deploy.master.Master;
import org.apache.spark.deploy.master.WorkerInfo;
import org.apache.spark.deploy.master.WorkerState;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcEndpointRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.common.BadInputException;
import scala.reflect.ClassTag$;

/**
 * Executors that no Worker of a standalone cluster can ever hold, named in one line as soon as
 * the application has registered: Spark would wait forever, repeating "Initial job has not
 * accepted any resources" every 15 s. The master's own view of its Workers (what its web UI
 * shows, asked over Spark's RPC, authenticated as the application is) tells an executor larger
 * than every alive Worker (bad settings: fails) from a cluster whose Workers could hold it but are
 * busy now (logged once, and the run waits as Spark does). When the master cannot tell, or no
 * Worker is alive yet, nothing is said.
 */
public final class StandaloneFit {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneFit.class);
    private static final String STANDALONE = "spark://";

    private StandaloneFit() {
    }

    /** Fails naming the setting when {@code context}'s executors fit no alive Worker of its standalone master. */
    public static void check(SparkContext context) {
        String master = context.master();
        if (master == null || !master.startsWith(STANDALONE)) {
            return;
        }
        List<WorkerInfo> alive = aliveWorkers(master);
        if (alive.isEmpty()) {
            return;
        }
        SparkConf conf = context.getConf();
        long memory = conf.getSizeAsMb("spark.executor.memory", "1g");
        int cores = conf.getInt("spark.executor.cores", 1);
        int largestMemory = alive.stream().mapToInt(WorkerInfo::memory).max().orElseThrow();
        int mostCores = alive.stream().mapToInt(WorkerInfo::cores).max().orElseThrow();
        String workers = alive.size() + (alive.size() == 1 ? " Worker" : " Workers") + " alive";
        if (memory > largestMemory) {
            throw new BadInputException("spark.executor.memory " + conf.get("spark.executor.memory", "1g")
                    + " (EXECUTOR_MEMORY): no Worker of " + master + " can ever start such an executor: the largest"
                    + " offers " + largestMemory + " MB (" + workers + ")");
        }
        if (cores > mostCores) {
            throw new BadInputException("spark.executor.cores " + cores + " (EXECUTOR_CORES): no Worker of " + master
                    + " can ever start such an executor: the most cores one offers is " + mostCores + " (" + workers + ")");
        }
        if (alive.stream().noneMatch(worker -> worker.memory() >= memory && worker.cores() >= cores)) {
            throw new BadInputException("spark.executor.memory " + conf.get("spark.executor.memory", "1g")
                    + " and spark.executor.cores " + cores + ": no Worker of " + master + " offers both (" + workers + ")");
        }
        if (alive.stream().noneMatch(worker -> worker.memoryFree() >= memory && worker.coresFree() >= cores)) {
            LOG.warn("the cluster is busy: its Workers can hold executors of {} MB and {} cores, but none has them free"
                    + " now; waiting until other applications release them", memory, cores);
        }
    }

    /** The alive Workers, as the first master of {@code master} that answers sees them; none when none answers. */
    private static List<WorkerInfo> aliveWorkers(String master) {
        for (String address : master.substring(STANDALONE.length()).split(",")) {
            try {
                RpcEndpointRef endpoint = SparkEnv.get().rpcEnv()
                        .setupEndpointRef(RpcAddress.fromSparkURL(STANDALONE + address.trim()), Master.ENDPOINT_NAME());
                DeployMessages.MasterStateResponse state = endpoint.askSync(DeployMessages.RequestMasterState$.MODULE$,
                        ClassTag$.MODULE$.apply(DeployMessages.MasterStateResponse.class));
                List<WorkerInfo> alive = new ArrayList<>();
                for (WorkerInfo worker : state.workers()) {
                    if (worker.state() == WorkerState.ALIVE()) {
                        alive.add(worker);
                    }
                }
                return alive;
            } catch (RuntimeException e) {
                // a standby master, or one that cannot tell: Spark's own waiting stays as it is
                LOG.debug("cannot ask {} for its Workers", address, e);
            }
        }
        return List.of();
    }
}
