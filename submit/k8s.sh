#!/usr/bin/env bash
# Submits a spark-backprop command to Kubernetes in cluster mode:
#   K8S_MASTER=k8s://https://HOST:443 SPARK_IMAGE=registry/spark:4.2.0 submit/k8s.sh COMMAND [OPTIONS]
# The image must be a Spark 4.2 image (Scala 2.13, Java 17) with the application jar at
# APP_JAR_IN_IMAGE (default /opt/spark-backprop/ and the jar's name), e.g. built FROM apache/spark
# with COPY target/spark-backprop.jar /opt/spark-backprop/; with SPARK_PROFILE=spark-3.5, a Spark 3.5
# image (Scala 2.12, Java 17) and target/spark-3.5/spark-backprop-spark-3.5.jar.
# Needs SPARK_HOME: a Spark distribution of the same line with Kubernetes support.
# Environment:
#   K8S_MASTER        the API server, k8s://https://... (required)
#   SPARK_IMAGE       the container image for driver and executors (required)
#   NAMESPACE         namespace (default: default)
#   SERVICE_ACCOUNT   service account allowed to create executor pods (default: spark)
#   NUM_EXECUTORS     executor pods (default 2, or none when SPARK_CONF turns dynamic allocation on);
#                     partitions ≈ NUM_EXECUTORS × EXECUTOR_CORES
#   EXECUTOR_CORES    cores per executor (default 2)
#   EXECUTOR_MEMORY   heap per executor (default 2g)
#   DRIVER_MEMORY     heap of the driver (default 1g)
#   SPARK_CONF        Spark properties file (default conf/spark-cluster.conf)
#   K8S_UPLOAD_PATH   where spark-submit uploads the local files the command reads (--config,
#                     --init-model, --model) for the driver pod: s3a://bucket/path, hdfs://...
#   DRY_RUN           print the spark-submit command instead of running it
# Data and outputs must live where the pods can reach them (s3a://, hdfs://, a mounted volume).
# spark-submit waits for the driver pod and exits non-zero when it failed
# (spark.kubernetes.submission.waitAppCompletion).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The project's own Spark jars hold no Kubernetes support: a Spark distribution's spark-submit is needed.
if [ -z "${SPARK_HOME:-}" ] && [ -z "${DRY_RUN:-}" ]; then
  echo "error: set SPARK_HOME to a Spark $spark_line distribution (Scala $scala_binary) built with Kubernetes support" >&2
  exit 2
fi

: "${K8S_MASTER:?set K8S_MASTER to the API server, e.g. k8s://https://127.0.0.1:6443}"
[ -z "${DRY_RUN:-}" ] && check_kubernetes_api "$K8S_MASTER"
: "${SPARK_IMAGE:?set SPARK_IMAGE to a Spark $spark_line image (Scala $scala_binary) holding the application jar}"
driver_memory=${DRIVER_MEMORY:-1g}
ensure_jar
choose_spark_submit "$driver_memory"
driver_options="$(module_options | tr '\n' ' ')-XX:+ExitOnOutOfMemoryError"
# The driver runs in a pod: the local files the command names (--config, --init-model, --model)
# are uploaded to K8S_UPLOAD_PATH with --files and read from the driver's working directory.
ship_local_inputs "$@"
set -- "${command_args[@]}"
upload=()
if [ -n "$ship_files" ]; then
  if [ -z "${K8S_UPLOAD_PATH:-}" ] && [ -z "${DRY_RUN:-}" ]; then
    echo "error: $ship_files: local files for the driver pod need K8S_UPLOAD_PATH, a directory the pods" \
      "can read (s3a://bucket/uploads, hdfs://...); or give their hdfs:// or s3a:// URIs instead" >&2
    exit 2
  fi
  upload=(--files "$ship_files" --conf "spark.kubernetes.file.upload.path=${K8S_UPLOAD_PATH:-}")
fi
openblas_env_confs spark.executorEnv spark.kubernetes.driverEnv
spark_conf=${SPARK_CONF:-$project/conf/spark-cluster.conf}
executor_count_args --num-executors "$spark_conf"
run_or_print "${spark_submit[@]}" --master "$K8S_MASTER" --deploy-mode cluster \
  --properties-file "$spark_conf" "${executor_count_args[@]}" \
  --conf "spark.kubernetes.container.image=$SPARK_IMAGE" \
  --conf "spark.kubernetes.namespace=${NAMESPACE:-default}" \
  --conf "spark.kubernetes.authenticate.driver.serviceAccountName=${SERVICE_ACCOUNT:-spark}" \
  --conf "spark.kubernetes.submission.waitAppCompletion=true" \
  --conf "spark.driver.extraJavaOptions=$driver_options" \
  --executor-cores "${EXECUTOR_CORES:-2}" --executor-memory "${EXECUTOR_MEMORY:-2g}" \
  --driver-memory "$driver_memory" "${upload[@]}" "${openblas_confs[@]}" \
  --class org.sparkbackprop.cli.Main "local://${APP_JAR_IN_IMAGE:-/opt/spark-backprop/$(basename "$jar")}" "$@"
