#!/usr/bin/env bash
# Submits a spark-backprop command to YARN:
#   submit/yarn.sh COMMAND [OPTIONS]     e.g. submit/yarn.sh train --train hdfs:///data/fashion-mnist \
#                                              --model-out hdfs:///models/fashion.json
# Needs HADOOP_CONF_DIR (or YARN_CONF_DIR) naming the cluster's configuration, as spark-submit does.
# Needs SPARK_HOME: a Spark 4.2 distribution (Scala 2.13) with YARN support, or Spark 3.5 (Scala 2.12)
# with SPARK_PROFILE=spark-3.5. Without it, the project's Maven-resolved Spark with spark-yarn
# (target/spark-yarn-classpath.txt, or target/spark-3.5/..., test scope) is
# used and the containers read its jars from this machine's paths: only for a YARN whose nodes see
# this machine's files, as the integration tests' MiniYARNCluster does.
# Environment:
#   DEPLOY_MODE       cluster (default: the driver runs in the YARN application master) or client
#   NUM_EXECUTORS     executors (default 2, or none when SPARK_CONF turns dynamic allocation on);
#                     partitions ≈ NUM_EXECUTORS × EXECUTOR_CORES
#   EXECUTOR_CORES    cores per executor (default 2)
#   EXECUTOR_MEMORY   heap per executor (default 2g): it caches its partitions of the data
#   DRIVER_MEMORY     heap of the driver (default 1g)
#   QUEUE             YARN queue (default: the cluster's default)
#   MAX_APP_ATTEMPTS  application attempts (default: the cluster's, usually 2; with --checkpoint-dir
#                     and --resume a second attempt goes on from the last checkpoint)
#   SPARK_CONF        Spark properties file (default conf/spark-cluster.conf)
#   DRY_RUN           print the spark-submit command instead of running it
# In cluster mode the driver runs on a cluster machine: data and outputs must be on a file system
# the cluster reaches (hdfs://, s3a://; an output without a scheme is refused), and the local files
# the command reads (--config, --init-model, --model) are shipped with --files. The script waits for
# the application and, when it failed, prints the driver's error line and exits with its exit code
# (2 bad input, 3 diverged, 1 otherwise); spark-submit's whole output is kept in a file it names.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

extra_classpath=""
if [ -z "${SPARK_HOME:-}" ] && [ -z "${DRY_RUN:-}" ]; then
  ensure_jar
  yarn_classpath_file="$build_dir/spark-yarn-classpath.txt"
  if [ ! -s "$yarn_classpath_file" ] || [ ! -f "$(cat "$yarn_classpath_file")" ]; then
    echo "error: set SPARK_HOME to a Spark $spark_line distribution (Scala $scala_binary) built with YARN support" >&2
    exit 2
  fi
  extra_classpath=$(cat "$yarn_classpath_file")
fi
if [ -z "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ] && [ -z "${DRY_RUN:-}" ]; then
  echo "error: set HADOOP_CONF_DIR to the directory of the YARN cluster's configuration (yarn-site.xml, core-site.xml)" >&2
  exit 2
fi

[ -z "${DRY_RUN:-}" ] && check_yarn_resource_manager "${YARN_CONF_DIR:-$HADOOP_CONF_DIR}"

deploy_mode=${DEPLOY_MODE:-cluster}
case "$deploy_mode" in
  client|cluster) ;;
  *) echo "error: DEPLOY_MODE must be client or cluster, got '$deploy_mode'" >&2; exit 2 ;;
esac
driver_memory=${DRIVER_MEMORY:-1g}
ensure_jar
choose_spark_submit "$driver_memory" "$extra_classpath"
spark_conf=${SPARK_CONF:-$project/conf/spark-cluster.conf}
executor_count_args --num-executors "$spark_conf"
args=("${spark_submit[@]}" --master yarn --deploy-mode "$deploy_mode"
  --properties-file "$spark_conf" "${executor_count_args[@]}" --executor-cores "${EXECUTOR_CORES:-2}"
  --executor-memory "${EXECUTOR_MEMORY:-2g}" --driver-memory "$driver_memory")
openblas_env_confs spark.executorEnv spark.yarn.appMasterEnv
args+=("${openblas_confs[@]}")
[ -n "${QUEUE:-}" ] && args+=(--queue "$QUEUE")
[ -n "${MAX_APP_ATTEMPTS:-}" ] && args+=(--conf "spark.yarn.maxAppAttempts=$MAX_APP_ATTEMPTS")
if [ -n "$extra_classpath" ]; then
  # the Maven-resolved jars, read by the containers where they lie on this machine
  args+=(--conf "spark.yarn.jars=$( { tr ':' '\n' < "$spark_classpath_file"; echo; echo "$extra_classpath"; } \
    | grep -v '^$' | sed 's#^#local:#' | paste -sd, -)")
fi

[ "$deploy_mode" = client ] && run_client_mode "$@"

# Cluster mode: the driver runs in the application master and reads the local files the command
# names (--config, --init-model, --model) from its working directory, where --files puts them.
args+=(--conf spark.yarn.submit.waitAppCompletion=true)
prepare_cluster_mode "" "$@"

# spark-submit's YARN client reports the application's progress and, at its end, the diagnostics
# (our driver's error line when it failed; see Main). Its output goes to a file; the application's
# id and state changes are shown as they come.
submit_log=$(mktemp "${TMPDIR:-/tmp}/spark-backprop-yarn-XXXXXX.log")
export SPARK_SUBMIT_OPTS="${SPARK_SUBMIT_OPTS:-} -Dlog4j2.configurationFile=file:$project/conf/log4j2.properties"
set +e
"${args[@]}" --class org.sparkbackprop.cli.Main "$jar" "${command_args[@]}" 2>&1 | tee "$submit_log" \
  | { grep --line-buffered -o 'Application report for .*' | uniq >&2; }
status=${PIPESTATUS[0]}
set -e
application=$(grep -o 'application_[0-9]*_[0-9]*' "$submit_log" | head -n 1 || true)
if [ "$status" -eq 0 ]; then
  echo "application ${application:-?} finished" >&2
  rm -f "$submit_log"
  exit 0
fi
# a container larger than any YARN allocates: YARN's client refuses it before the application starts
too_large=$(grep -o 'Required [A-Za-z]* memory .* is above the max threshold ([0-9]* MB) of this cluster' "$submit_log" \
  | head -n 1 || true)
if [ -n "$too_large" ]; then
  case "$too_large" in
    "Required executor"*) setting="spark.executor.memory ${EXECUTOR_MEMORY:-2g} (EXECUTOR_MEMORY)" ;;
    *) setting="spark.driver.memory $driver_memory (DRIVER_MEMORY)" ;;
  esac
  echo "error: $setting: YARN can never start such a container: $too_large (yarn.scheduler.maximum-allocation-mb)" >&2
  rm -f "$submit_log"
  exit 2
fi
failure=$(grep -o 'exit code [0-9]*: error: .*' "$submit_log" | tail -n 1 || true)
if [ -n "$failure" ]; then
  echo "${failure#*: }" >&2
  code=${failure#exit code }
  exit "${code%%:*}"
fi
echo "error: application ${application:-(not submitted)} failed; spark-submit's output: $submit_log" >&2
grep -m 1 -o 'diagnostics: .*' "$submit_log" >&2 || tail -n 5 "$submit_log" >&2
exit 1
