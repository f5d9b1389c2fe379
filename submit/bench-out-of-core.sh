#!/usr/bin/env bash
# Out-of-core benchmark: one epoch of [784,100,10] in local[2] on synthetic data whose float
# features are more than 3× the driver's heap (which in local mode is also the executors'),
# with --cache disk. Prints the epoch's examples/s; the data set is made once with `synth`.
#   submit/bench-out-of-core.sh
# Environment: ROWS (default 1950000: 6.1 GB of float32 features), HEAP (default 2g),
# BENCH_DIR (default target/bench-out-of-core), BATCH_SIZE (default 512).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rows=${ROWS:-1950000}
heap=${HEAP:-2g}
batch_size=${BATCH_SIZE:-512}
bench=${BENCH_DIR:-$project/target/bench-out-of-core}
data="$bench/synth-$rows.parquet"
mkdir -p "$bench"

if [ ! -d "$data" ]; then
  echo "generating $rows examples of 784 features in $data ..." >&2
  SPARK_MASTER='local[2]' "$project/submit/local.sh" synth --rows "$rows" --features 784 --classes 10 --seed 1 \
    --partitions 64 --out "$data"
fi
features_bytes=$((rows * 784 * 4))
echo "features: $((features_bytes / 1000000)) MB as float32; driver heap: $heap" >&2

SPARK_MASTER='local[2]' SPARK_DRIVER_MEMORY="$heap" "$project/submit/local.sh" train --train "$data" \
  --layers 784,100,10 --epochs 1 --batch-size "$batch_size" --learning-rate 0.1 --partitions 2 --cache disk \
  --metrics-out "$bench/metrics.jsonl" 2>&1 | tee "$bench/train.log" >&2
python3 - "$bench/metrics.jsonl" "$features_bytes" "$heap" "$batch_size" <<'PY'
import json, sys
epoch = json.loads(open(sys.argv[1]).read().splitlines()[-1])
print(f"out-of-core: {int(sys.argv[2]) / 1e9:.2f} GB of features, heap {sys.argv[3]}, local[2], [784,100,10], "
      f"batch {sys.argv[4]}: {epoch['examples_per_second']:.0f} examples/s ({epoch['seconds']:.0f} s for the epoch, "
      f"train loss {epoch['train_loss']:.4f})")
PY
