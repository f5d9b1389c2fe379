#!/usr/bin/env bash
# Makes Fashion-MNIST (60k + 10k, IDX) available as data/fashion-mnist, from the Debian
# package dataset-fashion-mnist: installed with apt-get when run as root, otherwise
# downloaded with apt-get download and unpacked with dpkg -x into data/, with no root needed.
set -euo pipefail

project=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target="$project/data/fashion-mnist"
system=/usr/share/datasets/fashion-mnist
files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

complete() {
  for file in "${files[@]}"; do [ -f "$1/$file" ] || return 1; done
}

complete "$target" && exit 0
mkdir -p "$project/data"
if ! complete "$system" && [ "$(id -u)" -eq 0 ]; then
  apt-get install -y -q dataset-fashion-mnist >&2 || { apt-get update -q >&2 && apt-get install -y -q dataset-fashion-mnist >&2; }
fi
if complete "$system"; then
  rm -rf "$target"
  ln -s "$system" "$target"
else
  unpack=$(mktemp -d)
  trap 'rm -rf "$unpack"' EXIT
  (cd "$unpack" && apt-get download dataset-fashion-mnist >&2)
  dpkg -x "$unpack"/dataset-fashion-mnist_*.deb "$unpack/root"
  rm -rf "$target"
  mv "$unpack/root$system" "$target"
fi
complete "$target" || { echo "error: $target lacks the Fashion-MNIST files" >&2; exit 1; }
echo "Fashion-MNIST is in $target" >&2
