# Shared by the submit scripts (sourced, not run): where things are, the application jar, and
# the spark-submit to use.

project=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$project/target/spark-backprop.jar"
spark_classpath_file="$project/target/spark-classpath.txt"
scala_repl_classpath_file="$project/target/scala-repl-classpath.txt"
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
# one OpenBLAS thread (--blas native): Spark's tasks are the parallelism. Inherited by local mode's
# driver, the local cluster's Workers and executors, and a standalone cluster-mode driver.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}

# Builds the application jar (and the classpath files) when missing or older than the sources.
ensure_jar() {
  if [ ! -f "$jar" ] || [ ! -f "$spark_classpath_file" ] || [ ! -f "$scala_repl_classpath_file" ] \
      || [ -n "$(find "$project/src/main" "$project/pom.xml" -newer "$jar" -print -quit)" ]; then
    echo "building $jar ..." >&2
    (cd "$project" && mvn -q -B -DskipTests package) >&2
  fi
}

# Spark's JVM options for Java 17 (conf/jvm-module-options), less the incubator vector module:
# no class on this classpath uses it (the vector BLAS is MLlib's), and resolving it prints a
# warning on every run.
module_options() {
  grep -v -e '^\s*\(#\|$\)' -e 'jdk.incubator.vector' "$project/conf/jvm-module-options"
}

# Sets the array spark_submit to $SPARK_HOME/bin/spark-submit, or, without SPARK_HOME, to Spark's
# own SparkSubmit run from the project's Maven-resolved Spark jars with the JVM options it needs.
# $1: the driver JVM's heap, for the second case (spark-submit's --driver-memory cannot resize a
# JVM that is already running).
# $2 (optional): more classpath entries for that JVM. The cluster's Hadoop configuration
# (HADOOP_CONF_DIR, YARN_CONF_DIR) goes on its classpath, as bin/spark-submit puts it.
choose_spark_submit() {
  if [ -n "${SPARK_HOME:-}" ]; then
    spark_submit=("$SPARK_HOME/bin/spark-submit")
  else
    local options classpath
    mapfile -t options < <(module_options)
    classpath="$(cat "$spark_classpath_file")${2:+:$2}"
    for conf_dir in "${HADOOP_CONF_DIR:-}" "${YARN_CONF_DIR:-}"; do
      [ -n "$conf_dir" ] && classpath="$conf_dir:$classpath"
    done
    spark_submit=(java "${options[@]}" -Xmx"$1" -XX:+ExitOnOutOfMemoryError
      "-Dlog4j2.configurationFile=file:$project/conf/log4j2.properties"
      -cp "$classpath" org.apache.spark.deploy.SparkSubmit)
  fi
}

# Prints the command instead of running it when DRY_RUN is set.
run_or_print() {
  if [ -n "${DRY_RUN:-}" ]; then
    printf '%q ' "$@"
    echo
  else
    "$@"
  fi
}

# Client deploy mode: the driver runs here, with the project's logging (a SPARK_HOME's spark-submit
# gets it through --driver-java-options). Runs the array args with the command "$@" and exits.
run_client_mode() {
  if [ -n "${SPARK_HOME:-}" ]; then
    args+=(--driver-java-options "-Dlog4j2.configurationFile=file:$project/conf/log4j2.properties -XX:+ExitOnOutOfMemoryError")
  fi
  run_or_print "${args[@]}" --class org.sparkbackprop.cli.Main "$jar" "$@"
  exit
}

# Cluster deploy mode: the driver JVM is started on a cluster machine and needs Spark's Java 17
# options itself ($1: more options for it). Adds them and the shipped files (ship_local_inputs) to
# the array args, and sets command_args for the command "${@:2}"; with DRY_RUN prints the whole
# spark-submit command and exits.
prepare_cluster_mode() {
  local more_driver_options=$1
  shift
  ship_local_inputs "$@"
  [ -n "$ship_files" ] && args+=(--files "$ship_files")
  args+=(--conf "spark.driver.extraJavaOptions=$(module_options | tr '\n' ' ')-XX:+ExitOnOutOfMemoryError$more_driver_options")
  if [ -n "${DRY_RUN:-}" ]; then
    run_or_print "${args[@]}" --class org.sparkbackprop.cli.Main "$jar" "${command_args[@]}"
    exit
  fi
}

# In cluster deploy mode the driver runs on a cluster machine, not here. The local files a command
# reads on the driver (--config, --init-model, --model) are shipped with spark-submit's --files and
# passed by their file name, which the driver finds in its working directory (YARN, Kubernetes) or
# in spark.files (standalone). Paths with a scheme (hdfs://, s3a://, file://) pass unchanged, as do
# paths that are not files here. Sets ship_files (comma-separated, empty when none) and
# command_args (the command and its options, rewritten).
ship_local_inputs() {
  ship_files=""
  command_args=()
  local option="" arg name value
  for arg in "$@"; do
    if [ -n "$option" ]; then
      ship_if_local "$arg"
      command_args+=("$shipped")
      option=""
      continue
    fi
    case "$arg" in
      --config|--init-model|--model)
        command_args+=("$arg")
        option=$arg ;;
      --config=*|--init-model=*|--model=*)
        name=${arg%%=*}
        value=${arg#*=}
        ship_if_local "$value"
        command_args+=("$name=$shipped") ;;
      *) command_args+=("$arg") ;;
    esac
  done
}

# Sets shipped to the name under which the driver reads $1: its file name when it is a local file
# (which is then added to ship_files), else $1 itself.
ship_if_local() {
  if [[ ! "$1" =~ ^[a-zA-Z][a-zA-Z0-9+.-]*: ]] && [ -f "$1" ]; then
    ship_files=${ship_files:+$ship_files,}$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    shipped=$(basename "$1")
  else
    shipped=$1
  fi
}
