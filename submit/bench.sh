#!/usr/bin/env bash
# Prints where spark-backprop stands: step overhead, kernel speed, Spark efficiency, --cache disk
# against --cache memory, time to accuracy against Spark MLlib, a large model's step, and the step on
# a standalone cluster of this machine against local[2] (and with Spark's network authenticated and
# encrypted against plain), each as a ratio measured in this run.
#   submit/bench.sh [--quick] [--rows kernel,overhead,readme,report,efficiency,outofcore,accuracy,large,combine,cluster,recovery] [--help]
# Runs in Spark local mode (SPARK_MASTER, default local[2]) with Fashion-MNIST from
# submit/get-fashion-mnist.sh; MLlib comes from the test classpath, never the application jar.
# Environment: BENCH_HEAP (default 8g).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cd "$project"
"$project/submit/get-fashion-mnist.sh" >&2
classpath_file="$project/target/bench-classpath.txt"
ensure_jar  # the cluster row ships it to its executors
echo "compiling the benchmark ..." >&2
mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$classpath_file" >&2
# all of Spark's JVM options, the vector module included: MLlib's BLAS uses it, and the baseline
# should run at its best
mapfile -t options < <(grep -v -e '^\s*\(#\|$\)' "$project/conf/jvm-module-options")
exec java "${options[@]}" -Xmx"${BENCH_HEAP:-8g}" -XX:+ExitOnOutOfMemoryError \
  "-Dlog4j2.configurationFile=file:$project/conf/log4j2.properties" \
  "-Dspark.master=${SPARK_MASTER:-local[2]}" \
  -cp "$project/target/test-classes:$project/target/classes:$(cat "$classpath_file")" \
  org.sparkbackprop.bench.Benchmark "$@"
