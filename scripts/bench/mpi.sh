#!/usr/bin/env bash
# make bench-mpi: data-parallel training over MPI ranks against one process, in one run on this machine.
#
# 1. release build; 2. LeNet-300-100 on all 60,000 Fashion-MNIST training images (pipelines/bench/lenet300.yaml:
# Adam 1e-3, global batch 128) for 3 epochs through `pipeline run`, fresh cache each time:
#   a) one process (OpenBLAS: one thread per core),
#   b) distributed: {backend: mpi, ranks: 2} (the launcher gives each rank cores÷ranks BLAS threads),
#   c) one process with OPENBLAS_NUM_THREADS=1 (what one rank's share of the cores does alone);
# 3. prints seconds per epoch (the train stage's seconds_per_epoch metric, from rank 0), the ratios, and the
# load average before and after (other work on the machine skews every number: say so when you report them).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh >/dev/null
command -v mpirun >/dev/null || { echo "bench-mpi: mpirun not found (apt-get install openmpi-bin libopenmpi-dev)" >&2; exit 1; }
swift build -c release >/dev/null
BIN=$PWD/.build/release/pipeline
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
EPOCHS=${EPOCHS:-3}

metric() {  # metric LOCKFILE STAGE NAME
  python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["stages"][sys.argv[2]]["metrics"][sys.argv[3]])' "$@"
}

run_case() {  # run_case NAME RANKS BLAS_THREADS(empty: default)  -> prints seconds per epoch
  local dir="$WORK/$1"
  mkdir -p "$dir"
  sed -e "s/epochs: 10/epochs: $EPOCHS/" pipelines/bench/lenet300.yaml >"$dir/lenet300.yaml"
  if [ "$2" -gt 1 ]; then
    sed -i "s/    batch_size: 128/    batch_size: 128\n    distributed: {backend: mpi, ranks: $2}/" "$dir/lenet300.yaml"
  fi
  (cd "$dir" && env ${3:+OPENBLAS_NUM_THREADS=$3} "$BIN" run lenet300.yaml --stage train >"$dir/run.log" 2>&1) \
    || { cat "$dir/run.log" "$dir"/.pipeline/mpi/*.log 2>/dev/null >&2; exit 1; }
  metric "$dir/lenet300.lock" train seconds_per_epoch
}

echo "cores: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== LeNet-300-100, full Fashion-MNIST, global batch 128, $EPOCHS epochs"
one=$(run_case one 1 "");   echo "   a) 1 process                        : $one s/epoch"
two=$(run_case two 2 "");   echo "   b) 2 MPI ranks                      : $two s/epoch"
one1=$(run_case one1 1 1);  echo "   c) 1 process, OPENBLAS_NUM_THREADS=1 : $one1 s/epoch"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$one" "$two" "$one1" <<'PY'
import sys
one, two, one1 = map(float, sys.argv[1:])
print()
print(f"2 ranks vs 1 process              : {one / two:.2f}x speed-up  (time ratio {two / one:.2f})")
print(f"2 ranks vs 1 process on one thread : {one1 / two:.2f}x speed-up  (time ratio {two / one1:.2f})")
PY
