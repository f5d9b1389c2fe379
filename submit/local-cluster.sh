#!/usr/bin/env bash
# A real Spark standalone cluster on this machine: one Master and N Workers on 127.0.0.1, each
# its own JVM, run from the project's own Spark (a SPARK_HOME assembled from the Maven-resolved
# jars unless SPARK_HOME is set). Executors start as separate JVMs under the Workers.
#   submit/local-cluster.sh start [WORKERS]   start a Master and WORKERS Workers (default 2)
#   submit/local-cluster.sh status            print the master URL and each Worker's pid
#   submit/local-cluster.sh stop              stop what start started, by pid
# Environment: LOCAL_CLUSTER_DIR (default target/local-cluster: pid files, logs, work dirs),
# MASTER_PORT (7077), MASTER_WEBUI_PORT (8080), WORKER_CORES (1), WORKER_MEMORY (1g), and
# SPARK_DAEMON_JAVA_OPTS, JVM options for the Master and Workers as Spark's own sbin scripts take them
# (e.g. "-Dspark.authenticate=true -Dspark.authenticate.secret=..." for a cluster that only admits
# applications with that secret, and hands it to their executors).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

state=${LOCAL_CLUSTER_DIR:-$project/target/local-cluster}
master_port=${MASTER_PORT:-7077}
webui_port=${MASTER_WEBUI_PORT:-8080}
master_url="spark://127.0.0.1:$master_port"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# A SPARK_HOME whose jars/ holds the project's Spark jars: what a Worker needs to launch executors.
spark_home() {
  if [ -n "${SPARK_HOME:-}" ]; then
    echo "$SPARK_HOME"
    return
  fi
  local home="$state/spark-home-$spark_line"
  if [ ! -d "$home/jars" ] || [ "$spark_classpath_file" -nt "$home/jars" ]; then
    rm -rf "$home"
    mkdir -p "$home/jars"
    # the file ends without a newline: read its last entry too
    tr ':' '\n' < "$spark_classpath_file" | while read -r entry || [ -n "$entry" ]; do ln -s "$entry" "$home/jars/"; done
  fi
  echo "$home"
}

# Starts a JVM in the background with its pid in $1 and its output in $2.
launch() {
  local pid_file=$1 log=$2
  shift 2
  nohup "$@" > "$log" 2>&1 < /dev/null &
  echo $! > "$pid_file"
}

registered_workers() {
  curl -sf "http://127.0.0.1:$webui_port/json/" | grep -o '"aliveworkers" *: *[0-9]*' | grep -o '[0-9]*$' || echo 0
}

start() {
  local workers=${1:-2}
  if alive "$state/master.pid"; then
    echo "a local cluster is already running (submit/local-cluster.sh status)" >&2
    exit 1
  fi
  ensure_jar
  mkdir -p "$state/logs" "$state/work"
  local home options daemon_options java_cmd
  home=$(spark_home)
  mapfile -t options < <(module_options)
  read -r -a daemon_options <<< "${SPARK_DAEMON_JAVA_OPTS:-}"
  java_cmd=(env SPARK_HOME="$home" SPARK_SCALA_VERSION=$scala_binary SPARK_LOCAL_IP=127.0.0.1
    java "${options[@]}" "${daemon_options[@]}" -Xmx512m -XX:+ExitOnOutOfMemoryError
    "-Dlog4j2.configurationFile=file:$project/conf/log4j2-daemons.properties" -cp "$home/jars/*")
  launch "$state/master.pid" "$state/logs/master.log" "${java_cmd[@]}" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$master_port" --webui-port "$webui_port"
  for i in $(seq 1 "$workers"); do
    launch "$state/worker-$i.pid" "$state/logs/worker-$i.log" "${java_cmd[@]}" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores "${WORKER_CORES:-1}" --memory "${WORKER_MEMORY:-1g}" \
      --work-dir "$state/work/worker-$i" --webui-port 0 "$master_url"
  done
  for _ in $(seq 1 120); do
    if [ "$(registered_workers)" -ge "$workers" ]; then
      status
      return
    fi
    alive "$state/master.pid" || { echo "the Master exited: $state/logs/master.log" >&2; stop; exit 1; }
    sleep 0.5
  done
  echo "Workers did not register within 60 s: see $state/logs" >&2
  stop
  exit 1
}

status() {
  if ! alive "$state/master.pid"; then
    echo "no local cluster running (state in $state)"
    return 1
  fi
  echo "master $master_url (pid $(cat "$state/master.pid"), web UI http://127.0.0.1:$webui_port)"
  for pid_file in "$state"/worker-*.pid; do
    [ -f "$pid_file" ] || continue
    local name
    name=$(basename "$pid_file" .pid)
    if alive "$pid_file"; then
      echo "$name pid $(cat "$pid_file")"
    else
      echo "$name pid $(cat "$pid_file") (not running)"
    fi
  done
}

# Stops Workers first (each stops its executors), then the Master; SIGKILL after 15 s.
stop() {
  local pid_files=("$state"/worker-*.pid "$state/master.pid")
  for pid_file in "${pid_files[@]}"; do
    alive "$pid_file" && kill "$(cat "$pid_file")" 2>/dev/null || true
  done
  for pid_file in "${pid_files[@]}"; do
    [ -f "$pid_file" ] || continue
    for _ in $(seq 1 30); do alive "$pid_file" || break; sleep 0.5; done
    alive "$pid_file" && kill -9 "$(cat "$pid_file")" 2>/dev/null || true
    rm -f "$pid_file"
  done
  echo "local cluster stopped"
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  status) status ;;
  stop) stop ;;
  *) echo "usage: submit/local-cluster.sh start [WORKERS] | status | stop" >&2; exit 2 ;;
esac
