#!/usr/bin/env bash
# A Scala shell with spark-backprop on the classpath, to use the Spark ML estimator
# (org.sparkbackprop.ml.BackpropClassifier) interactively; `spark` and `sc` are ready:
#   submit/shell.sh                    a prompt
#   submit/shell.sh < script.scala     runs the script's lines, as typed
# With SPARK_HOME set: that Spark's spark-shell --jars target/spark-backprop.jar. Without: the Scala
# REPL of the Scala that Spark is built with, over the project's Maven-resolved Spark jars (Maven
# Central serves no spark-repl for Spark 4 here). Closures typed at its prompt run in local mode; to
# ship them to a cluster's executors use spark-shell, whose REPL serves the classes it compiles.
# Environment: SPARK_MASTER (default local[*]), SPARK_DRIVER_MEMORY (default 4g).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_jar
driver_memory=${SPARK_DRIVER_MEMORY:-4g}
log_config="-Dlog4j2.configurationFile=file:$project/conf/log4j2.properties"
if [ -n "${SPARK_HOME:-}" ]; then
  exec "$SPARK_HOME/bin/spark-shell" --master "${SPARK_MASTER:-local[*]}" --driver-memory "$driver_memory" \
    --driver-java-options "$log_config" --jars "$jar" -i "$project/submit/shell-init.scala" "$@"
fi
mapfile -t options < <(module_options)
# a script on standard input: the REPL's terminal library then works without a terminal, and says nothing of it
[ -t 0 ] || options+=(-Dorg.jline.terminal.dumb=true)
exec java "${options[@]}" -Xmx"$driver_memory" -XX:+ExitOnOutOfMemoryError "$log_config" -Dscala.usejavacp=true \
  -cp "$(cat "$spark_classpath_file"):$jar:$(cat "$scala_repl_classpath_file")" \
  scala.tools.nsc.MainGenericRunner -usejavacp -i "$project/submit/shell-init.scala" "$@"
