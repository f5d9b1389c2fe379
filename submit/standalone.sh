#!/usr/bin/env bash
# Submits a spark-backprop command to a Spark standalone cluster:
#   SPARK_MASTER=spark://HOST:7077 submit/standalone.sh COMMAND [OPTIONS]
# Environment:
#   SPARK_MASTER          the master URL (required)
#   DEPLOY_MODE           client (default: the driver runs here) or cluster (on a Worker)
#   TOTAL_EXECUTOR_CORES  cores for the whole application (default: all the cluster offers)
#   EXECUTOR_CORES        cores per executor (default: all of a Worker's)
#   EXECUTOR_MEMORY       heap per executor (default 1g): it caches its partitions of the data
#   DRIVER_MEMORY         heap of the driver (default 1g): weights, gradients, metrics
#   SPARK_CONF            Spark properties file (default conf/spark-cluster.conf)
#   MASTER_WEBUI_PORT     the master's web UI port (default 8080), read in cluster mode
#   DRY_RUN               print the spark-submit command instead of running it
# In cluster mode the script waits for the driver and exits non-zero with the driver's error
# when it failed (spark-submit itself exits 0 either way). Data paths are read by the executors:
# use a shared file system (hdfs://, s3a://, NFS) on a real cluster. In cluster mode the driver
# runs on a Worker: the local files the command reads (--config, --init-model, --model) are
# shipped with --files, outputs must name a file system every machine reaches (hdfs://...,
# s3a://..., file:///shared/...; a path without a scheme is refused), and the application jar
# must be reachable from the Workers too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

: "${SPARK_MASTER:?set SPARK_MASTER to the master URL, e.g. spark://127.0.0.1:7077}"
deploy_mode=${DEPLOY_MODE:-client}
driver_memory=${DRIVER_MEMORY:-1g}
case "$deploy_mode" in
  client|cluster) ;;
  *) echo "error: DEPLOY_MODE must be client or cluster, got '$deploy_mode'" >&2; exit 2 ;;
esac

check_standalone_master "$SPARK_MASTER"
ensure_jar
choose_spark_submit "$driver_memory"
args=("${spark_submit[@]}" --master "$SPARK_MASTER" --deploy-mode "$deploy_mode"
  --properties-file "${SPARK_CONF:-$project/conf/spark-cluster.conf}"
  --driver-memory "$driver_memory" --executor-memory "${EXECUTOR_MEMORY:-1g}")
# a Worker's executors have the Worker's environment; the submitter's OpenBLAS kernel goes along
openblas_env_confs spark.executorEnv
args+=("${openblas_confs[@]}")
[ -n "${TOTAL_EXECUTOR_CORES:-}" ] && args+=(--total-executor-cores "$TOTAL_EXECUTOR_CORES")
[ -n "${EXECUTOR_CORES:-}" ] && args+=(--executor-cores "$EXECUTOR_CORES")

[ "$deploy_mode" = client ] && run_client_mode "$@"

# Cluster mode: a Worker starts the driver JVM, which reads the local files the command names
# (--config, --init-model, --model) from spark.files.
args+=(--conf spark.standalone.submit.waitAppCompletion=true)
prepare_cluster_mode " -Dlog4j2.configurationFile=file:$project/conf/log4j2.properties" "$@"

submit_log=$(mktemp)
trap 'rm -f "$submit_log"' EXIT
"${args[@]}" --class org.sparkbackprop.cli.Main "$jar" "${command_args[@]}" 2>&1 | tee "$submit_log" >&2
driver=$(grep -o 'driver-[0-9]*-[0-9]*' "$submit_log" | head -n 1 || true)
if [ -z "$driver" ]; then
  echo "error: the driver was not submitted (spark-submit's output above says why)" >&2
  exit 1
fi

# The master's view of the driver: its final state and the Worker that ran it.
master_host=$(echo "$SPARK_MASTER" | sed -E 's#^spark://([^:/,]+).*#\1#')
master_json="http://$master_host:${MASTER_WEBUI_PORT:-8080}/json/"
driver_info() {
  curl -sf "$master_json" | python3 -c '
import json, sys
master = json.load(sys.stdin)
driver = next((d for d in master.get("activedrivers", []) + master.get("completeddrivers", [])
               if d["id"] == sys.argv[1]), None)
if driver is None:
    print("UNKNOWN")
else:
    worker = next((w for w in master["workers"] if w["id"] == driver.get("worker")), {})
    print(driver["state"], worker.get("webuiaddress", ""))
' "$driver"
}
for _ in $(seq 1 600); do
  read -r driver_state worker_ui < <(driver_info || echo "UNKNOWN")
  case "$driver_state" in
    SUBMITTED|RUNNING|RELAUNCHING) sleep 1 ;;
    *) break ;;
  esac
done
if [ "$driver_state" = FINISHED ]; then
  echo "driver $driver finished" >&2
  exit 0
fi
echo "driver $driver ended $driver_state" >&2
if [ -n "${worker_ui:-}" ]; then
  # The driver's own one-line error, from its stderr on the Worker that ran it.
  curl -sfL "$worker_ui/log/?driverId=$driver&logType=stderr&byteLength=1000000" | grep '^error: ' >&2 \
    || echo "the driver's log: $worker_ui/logPage/?driverId=$driver&logType=stderr" >&2
fi
exit 1
