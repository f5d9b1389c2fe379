#!/usr/bin/env bash
# Runs a spark-backprop command through spark-submit in Spark local mode:
#   submit/local.sh COMMAND [OPTIONS]        e.g. submit/local.sh train --config conf/fashion-mnist.properties
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, otherwise Spark's own SparkSubmit
# from the project's Maven-resolved Spark jars. Builds the application jar when it is missing
# or older than the sources.
# Environment: SPARK_MASTER (default local[*]), SPARK_DRIVER_MEMORY (default 4g),
# SPARK_LOCAL_IP (default 127.0.0.1).
set -euo pipefail

project=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$project/target/spark-backprop.jar"
spark_classpath="$project/target/spark-classpath.txt"

if [ ! -f "$jar" ] || [ ! -f "$spark_classpath" ] \
    || [ -n "$(find "$project/src/main" "$project/pom.xml" -newer "$jar" -print -quit)" ]; then
  echo "building $jar ..." >&2
  (cd "$project" && mvn -q -B -DskipTests package) >&2
fi

master=${SPARK_MASTER:-local[*]}
driver_memory=${SPARK_DRIVER_MEMORY:-4g}
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
logging="-Dlog4j2.configurationFile=file:$project/conf/log4j2.properties"

if [ -n "${SPARK_HOME:-}" ]; then
  exec "$SPARK_HOME/bin/spark-submit" --master "$master" --driver-memory "$driver_memory" \
    --driver-java-options "$logging -XX:+ExitOnOutOfMemoryError" \
    --class org.sparkbackprop.cli.Main "$jar" "$@"
fi

# Spark's module options, less the incubator vector module: no class on this classpath uses it
# (the vector BLAS is MLlib's), and resolving it prints a warning on every run.
mapfile -t module_options < <(grep -v -e '^\s*\(#\|$\)' -e 'jdk.incubator.vector' "$project/conf/jvm-module-options")
exec java "${module_options[@]}" -Xmx"$driver_memory" -XX:+ExitOnOutOfMemoryError "$logging" \
  -cp "$(cat "$spark_classpath")" org.apache.spark.deploy.SparkSubmit \
  --master "$master" --driver-memory "$driver_memory" \
  --class org.sparkbackprop.cli.Main "$jar" "$@"
