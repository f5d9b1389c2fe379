#!/usr/bin/env bash
# Runs a spark-backprop command through spark-submit in Spark local mode:
#   submit/local.sh COMMAND [OPTIONS]        e.g. submit/local.sh train --config conf/fashion-mnist.properties
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, otherwise Spark's own SparkSubmit
# from the project's Maven-resolved Spark jars. Builds the application jar when it is missing
# or older than the sources.
# Environment: SPARK_MASTER (default local[*]; spark://HOST:PORT submits in client mode to a
# standalone cluster), SPARK_DRIVER_MEMORY (default 4g), SPARK_LOCAL_IP (default 127.0.0.1),
# SPARK_PROFILE (spark-3.5: the Spark 3.5 / Scala 2.12 build, on Spark 3.5; default: Spark 4.2).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_jar
driver_memory=${SPARK_DRIVER_MEMORY:-4g}
choose_spark_submit "$driver_memory"
exec_args=("${spark_submit[@]}" --master "${SPARK_MASTER:-local[*]}" --driver-memory "$driver_memory")
if [ -n "${SPARK_HOME:-}" ]; then
  exec_args+=(--driver-java-options "-Dlog4j2.configurationFile=file:$project/conf/log4j2.properties -XX:+ExitOnOutOfMemoryError")
fi
run_or_print "${exec_args[@]}" --class org.sparkbackprop.cli.Main "$jar" "$@"
