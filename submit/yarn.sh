#!/usr/bin/env bash
# Submits a spark-backprop command to YARN:
#   submit/yarn.sh COMMAND [OPTIONS]     e.g. submit/yarn.sh train --train hdfs:///data/mnist --model-out model.json
# Needs HADOOP_CONF_DIR (or YARN_CONF_DIR) naming the cluster's configuration, as spark-submit does.
# Needs SPARK_HOME: a Spark 4.2.0 distribution (Scala 2.13) with YARN support.
# Environment:
#   DEPLOY_MODE       cluster (default: the driver runs in the YARN application master) or client
#   NUM_EXECUTORS     executors (default 2); partitions ≈ NUM_EXECUTORS × EXECUTOR_CORES
#   EXECUTOR_CORES    cores per executor (default 2)
#   EXECUTOR_MEMORY   heap per executor (default 2g): it caches its partitions of the data
#   DRIVER_MEMORY     heap of the driver (default 1g)
#   QUEUE             YARN queue (default: the cluster's default)
#   SPARK_CONF        Spark properties file (default conf/spark-cluster.conf)
#   DRY_RUN           print the spark-submit command instead of running it
# In cluster mode, input and output paths are resolved on the cluster: use hdfs:// (or another
# shared file system) for data, and read the model back from where the driver wrote it.
# spark-submit on YARN waits for the application and exits non-zero when it failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The project's own Spark jars hold no YARN support: a Spark distribution's spark-submit is needed.
if [ -z "${SPARK_HOME:-}" ] && [ -z "${DRY_RUN:-}" ]; then
  echo "error: set SPARK_HOME to a Spark 4.2.0 distribution (Scala 2.13) built with YARN support" >&2
  exit 2
fi

deploy_mode=${DEPLOY_MODE:-cluster}
driver_memory=${DRIVER_MEMORY:-1g}
ensure_jar
choose_spark_submit "$driver_memory"
args=("${spark_submit[@]}" --master yarn --deploy-mode "$deploy_mode"
  --properties-file "${SPARK_CONF:-$project/conf/spark-cluster.conf}"
  --num-executors "${NUM_EXECUTORS:-2}" --executor-cores "${EXECUTOR_CORES:-2}"
  --executor-memory "${EXECUTOR_MEMORY:-2g}" --driver-memory "$driver_memory")
[ -n "${QUEUE:-}" ] && args+=(--queue "$QUEUE")
if [ "$deploy_mode" = cluster ]; then
  # the driver runs in the application master: it reads the local files the command names
  # (--config, --init-model, --model) from its working directory, where --files puts them
  ship_local_inputs "$@"
  [ -n "$ship_files" ] && args+=(--files "$ship_files")
  set -- "${command_args[@]}"
  driver_options="$(module_options | tr '\n' ' ')-XX:+ExitOnOutOfMemoryError"
  args+=(--conf "spark.driver.extraJavaOptions=$driver_options" --conf spark.yarn.submit.waitAppCompletion=true)
fi
run_or_print "${args[@]}" --class org.sparkbackprop.cli.Main "$jar" "$@"
