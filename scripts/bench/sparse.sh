#!/usr/bin/env bash
# make bench-sparse: sparse (CSR) against dense (sgemm) inference of LeNet-300-100, in one run on this machine.
#
# 1. release build; 2. pipelines/han2015_lenet300.yaml (fresh cache: dense training, five prune → retrain
# rounds to 91/85/50 %) for the pruned model and its accuracy against the dense one; 3. `pipeline bench sparse`
# on that model (batch 1 and 256, file sizes) and a sweep of random LeNet-300-100 weights pruned to 50–99 %
# for the crossover sparsity (both engines on 2 threads, as `evaluate` runs them); 4. the same kernels on one
# core each against single-threaded sgemm, in one C process (scripts/bench/kernels_vs_sgemm.c); 5. the peer:
# numpy dense vs scipy.sparse CSR on the same construction at 90 %.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh >/dev/null
swift build -c release >/dev/null
BIN=$PWD/.build/release/pipeline
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

metric() {  # metric LOCKFILE STAGE NAME
  python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["stages"][sys.argv[2]]["metrics"][sys.argv[3]])' "$@"
}

echo "== load: $(uptime)"
echo "== pipeline: pipelines/han2015_lenet300.yaml (dense, then prune/retrain x5)"
cp pipelines/han2015_lenet300.yaml "$WORK/"
(cd "$WORK" && PIPELINE_CACHE_DIR="$WORK/cache" "$BIN" run han2015_lenet300.yaml >"$WORK/han.log")
dense_acc=$(metric "$WORK/han2015_lenet300.lock" evaluate_dense accuracy)
pruned_acc=$(metric "$WORK/han2015_lenet300.lock" evaluate_pruned accuracy)
sparsity=$(metric "$WORK/han2015_lenet300.lock" retrain_5 weight_sparsity)
model=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["stages"]["retrain_5"]["outputs"]["model"]["hash"])' "$WORK/han2015_lenet300.lock")
model_path="$WORK/cache/objects/${model:0:2}/${model:2}"
echo "   dense accuracy $dense_acc, pruned accuracy $pruned_acc, weight sparsity $sparsity"

echo "== pipeline bench sparse (release; best of 5)"
"$BIN" bench sparse --model "$model_path" --repeats 5 | tee "$WORK/bench.txt"

echo "== one core each: CSR kernels vs cblas_sgemm on LeNet-300-100 shapes (scripts/bench/kernels_vs_sgemm.c, OPENBLAS_NUM_THREADS=1)"
clang -O3 -fno-math-errno -I Sources/CKernels/include $(pkg-config --cflags openblas) scripts/bench/kernels_vs_sgemm.c \
  -o "$WORK/kernels" $(pkg-config --libs openblas) -lm
echo "   load: $(cut -d' ' -f1-3 /proc/loadavg)"
for density in 0.3 0.25 0.2 0.15 0.1 0.05; do OPENBLAS_NUM_THREADS=1 "$WORK/kernels" sparse $density 256; done
OPENBLAS_NUM_THREADS=1 "$WORK/kernels" sparse 0.1 1
echo "   load: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== peer: numpy dense vs scipy.sparse CSR, LeNet-300-100 pruned to 90 %"
peer=$(python3 scripts/bench/sparse_peer.py 0.9)
echo "   $peer"

python3 - "$dense_acc" "$pruned_acc" "$sparsity" "$WORK/bench.txt" "$peer" <<'PY'
import json, re, sys
dense_acc, pruned_acc, sparsity = map(float, sys.argv[1:4])
text = open(sys.argv[4]).read()
peer = json.loads(sys.argv[5])
m = re.search(r"model speedup batch 1: ([\d.]+)x  batch 256: ([\d.]+)x  file: (\d+) -> (\d+) bytes", text)
s90 = [l for l in text.splitlines() if l.startswith("sweep ") and " 90.00 %" in l]
print()
print(f"pruned LeNet-300-100: {100 * sparsity:.1f} % of weights zero, test accuracy {pruned_acc:.4f} vs dense {dense_acc:.4f} "
      f"({100 * (pruned_acc - dense_acc):+.2f} points; target >= -0.5)")
print(f"speed-up of sparse over dense inference, pruned model: batch 1 {m.group(1)}x (target >= 3x), batch 256 {m.group(2)}x (target >= 1.5x)")
print(f"model file: {m.group(3)} bytes dense -> {m.group(4)} bytes sparse ({int(m.group(3)) / int(m.group(4)):.1f}x smaller)")
if s90:
    print("random weights at 90 %:", s90[0][6:].strip())
print(f"peer at 90 %: scipy CSR over numpy dense: batch 1 {peer['dense_b1'] / peer['sparse_b1']:.2f}x, batch 256 {peer['dense_b256'] / peer['sparse_b256']:.2f}x")
print([l for l in text.splitlines() if l.startswith("crossover")][0])
PY
