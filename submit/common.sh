# Shared by the submit scripts (sourced, not run): where things are, the application jar, and
# the spark-submit to use.

project=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Which Spark line to build for and run on (SPARK_PROFILE): each has its own Maven profile, build
# directory, jar and JVM options, so the two builds never overwrite each other.
case "${SPARK_PROFILE:-}" in
  "")
    build_dir="$project/target"
    jar="$build_dir/spark-backprop.jar"
    module_options_file="$project/conf/jvm-module-options"
    maven_profile=()
    spark_line=4.2 scala_binary=2.13 ;;
  spark-3.5)
    build_dir="$project/target/spark-3.5"
    jar="$build_dir/spark-backprop-spark-3.5.jar"
    module_options_file="$project/conf/jvm-module-options-spark-3.5"
    maven_profile=(-P spark-3.5)
    spark_line=3.5 scala_binary=2.12 ;;
  *)
    echo "error: SPARK_PROFILE=$SPARK_PROFILE: expected spark-3.5 (Spark 3.5, Scala 2.12), or nothing for Spark 4.2 (Scala 2.13)" >&2
    exit 2 ;;
esac
spark_classpath_file="$build_dir/spark-classpath.txt"
scala_repl_classpath_file="$build_dir/scala-repl-classpath.txt"
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
# one OpenBLAS thread (--blas native): Spark's tasks are the parallelism. Inherited by local mode's
# driver, the local cluster's Workers and executors, and a standalone cluster-mode driver.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}

# Why HOST:PORT cannot be reached (printed), or nothing when it accepts a connection within 5 s.
unreachable() {
  local host=$1 port=$2 status=0
  if ! getent ahosts "$host" > /dev/null; then
    echo "the host $host does not resolve"
    return
  fi
  timeout 5 bash -c ": < /dev/tcp/$host/$port" 2> /dev/null || status=$?
  case $status in
    0) ;;
    124) echo "$host:$port did not answer within 5 s" ;;
    *) echo "nothing listens at $host:$port (connection refused)" ;;
  esac
}

# A standalone master that cannot be reached, named in one line with exit code 2 before spark-submit
# tries (its client retries for a minute, printing stack traces); the same words as the driver's own
# check (org.sparkbackprop.spark.MasterReach), which covers spark-submit without these scripts.
check_standalone_master() {
  local master=$1 address host port problem problems=()
  IFS=, read -ra addresses <<< "${master#spark://}"
  for address in "${addresses[@]}"; do
    host=${address%:*} port=${address##*:}
    [ "$host" = "$address" ] && port=7077
    problem=$(unreachable "$host" "$port")
    [ -z "$problem" ] && return 0
    problems+=("$problem")
  done
  local joined
  joined=$(printf '%s; ' "${problems[@]}")
  echo "error: master $master: ${joined%; } (the master URL: SPARK_MASTER, or spark-submit's --master)" >&2
  exit 2
}

# The Kubernetes API server of a k8s:// master URL that cannot be reached, in one line with exit code 2.
check_kubernetes_api() {
  local master=$1 address host port problem
  address=${master#k8s://}
  case "$address" in
    http://*) port=80 ;;
    *) port=443 ;;
  esac
  address=${address#*://}
  address=${address%%/*}
  host=${address%:*}
  [ "$host" != "$address" ] && port=${address##*:}
  problem=$(unreachable "$host" "$port")
  [ -z "$problem" ] && return 0
  echo "error: Kubernetes API server $master: $problem (the master URL: K8S_MASTER, or spark-submit's --master)" >&2
  exit 2
}

# The YARN ResourceManager of the configuration directory $1 (its yarn-site.xml) that cannot be
# reached, named in one line with exit code 2: YARN's client would retry for minutes. With HA, one
# answering ResourceManager is enough.
check_yarn_resource_manager() {
  local site="$1/yarn-site.xml" entry setting address problem problems=()
  [ -f "$site" ] || return 0
  while read -r setting address; do
    problem=$(unreachable "${address%:*}" "${address##*:}")
    [ -z "$problem" ] && return 0
    problems+=("$problem ($setting in $site)")
  done < <(python3 - "$site" <<'PY'
import re, sys, xml.etree.ElementTree as tree
settings = {p.findtext("name"): (p.findtext("value") or "").strip() for p in tree.parse(sys.argv[1]).getroot().iter("property")}
def value(name, default=None):
    found = settings.get(name, default)
    for _ in range(10):
        if found is None or "${" not in found:
            break
        found = re.sub(r"\$\{([^}]+)\}", lambda m: settings.get(m.group(1), ""), found)
    return found
def address(suffix=""):
    given = value("yarn.resourcemanager.address" + suffix)
    if given:
        return "yarn.resourcemanager.address" + suffix, given
    return "yarn.resourcemanager.hostname" + suffix, value("yarn.resourcemanager.hostname" + suffix, "0.0.0.0") + ":8032"
if value("yarn.resourcemanager.ha.enabled", "false").lower() == "true":
    for rm in (value("yarn.resourcemanager.ha.rm-ids") or "").split(","):
        if rm.strip():
            print(*address("." + rm.strip()))
else:
    print(*address())
PY
)
  [ ${#problems[@]} -eq 0 ] && return 0
  local joined
  joined=$(printf '%s; ' "${problems[@]}")
  echo "error: YARN ResourceManager: ${joined%; }" >&2
  exit 2
}

# OpenBLAS picks its CPU kernel by OPENBLAS_CORETYPE (and its blocking by OPENBLAS_L2_SIZE) when they
# are set, and the bits of --blas native depend on that kernel. YARN and Kubernetes containers do not
# inherit the submitter's environment, so the submitter's values go along as Spark settings: with
# each prefix given (spark.executorEnv, spark.yarn.appMasterEnv, ...), in the array openblas_confs.
openblas_env_confs() {
  local variable prefix
  openblas_confs=()
  for variable in OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; do
    [ -n "${!variable:-}" ] || continue
    for prefix in "$@"; do
      openblas_confs+=(--conf "$prefix.$variable=${!variable}")
    done
  done
}

# The executor count to ask for, in the array executor_count_args as "$1 N": NUM_EXECUTORS (default 2),
# or nothing when NUM_EXECUTORS is unset and the properties file $2 turns dynamic allocation on, whose
# executors come and go with the tasks (spark.dynamicAllocation.initialExecutors is then the start).
executor_count_args() {
  executor_count_args=()
  if [ -z "${NUM_EXECUTORS:-}" ] && grep -Eq '^[[:space:]]*spark\.dynamicAllocation\.enabled[[:space:]=:]+true' "$2"; then
    return
  fi
  executor_count_args=("$1" "${NUM_EXECUTORS:-2}")
}

# Builds the application jar (and the classpath files) when missing or older than the sources.
ensure_jar() {
  if [ ! -f "$jar" ] || [ ! -f "$spark_classpath_file" ] || [ ! -f "$scala_repl_classpath_file" ] \
      || [ -n "$(find "$project/src/main" "$project/pom.xml" -newer "$jar" -print -quit)" ]; then
    echo "building $jar ..." >&2
    (cd "$project" && mvn -q -B -DskipTests "${maven_profile[@]}" package) >&2
  fi
  check_spark_home
}

# With SPARK_HOME set: its Spark must be of the jar's line (3.5 or 4.2) and Scala version, else a
# clear error, not a NoSuchMethodError from inside Spark.
check_spark_home() {
  [ -n "${SPARK_HOME:-}" ] || return 0
  local core version scala
  core=$(ls "$SPARK_HOME"/jars/spark-core_*.jar 2>/dev/null | head -1)
  if [ -z "$core" ]; then
    echo "error: SPARK_HOME=$SPARK_HOME: no jars/spark-core_*.jar there; expected a Spark $spark_line distribution" >&2
    exit 2
  fi
  # spark-core_2.13-4.2.0.jar
  core=$(basename "$core" .jar)
  scala=${core#spark-core_}
  scala=${scala%%-*}
  version=${core##*-}
  if [ "$scala" != "$scala_binary" ] || [[ "$version" != "$spark_line".* ]]; then
    local other="set SPARK_PROFILE=spark-3.5 for Spark 3.5 (Scala 2.12), or leave it unset for Spark 4.2 (Scala 2.13)"
    echo "error: SPARK_HOME=$SPARK_HOME is Spark $version (Scala $scala), but $jar is built for Spark" \
      "$spark_line (Scala $scala_binary): $other" >&2
    exit 2
  fi
}

# Spark's JVM options for Java 17 (conf/jvm-module-options, or the 3.5 build's own), less the incubator vector module:
# no class on this classpath uses it (the vector BLAS is MLlib's), and resolving it prints a
# warning on every run.
module_options() {
  grep -v -e '^\s*\(#\|$\)' -e 'jdk.incubator.vector' "$module_options_file"
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
