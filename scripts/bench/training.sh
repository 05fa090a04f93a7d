#!/usr/bin/env bash
# make bench-training: the training engine against scikit-learn's MLPClassifier, in one run on this machine.
#
# 1. release build; 2. OpenBLAS sgemm peak (1024³, best of 5); 3. LeNet-300-100 for 10 epochs through
# `pipeline run` (pipelines/bench/lenet300.yaml, fresh cache); 4. the same network in scikit-learn
# (scripts/bench/sklearn_mlp.py, pip-installed here); 5. LeNet-5 seconds per epoch. Prints the ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh >/dev/null
python3 -c 'import sklearn' 2>/dev/null || python3 -m pip install --quiet --root-user-action=ignore scikit-learn
swift build -c release >/dev/null
BIN=.build/release/pipeline
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

metric() {  # metric LOCKFILE STAGE NAME
  python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["stages"][sys.argv[2]]["metrics"][sys.argv[3]])' "$@"
}

echo "== sgemm peak (OpenBLAS, 1024x1024, best of 5)"
peak=$($BIN bench sgemm --size 1024 --repeats 5 | awk '{print $3}')
echo "   $peak GFLOP/s"

echo "== pipeline: LeNet-300-100, 10 epochs (pipelines/bench/lenet300.yaml)"
cp pipelines/bench/lenet300.yaml "$WORK/"
(cd "$WORK" && PIPELINE_CACHE_DIR="$WORK/cache" "$OLDPWD/$BIN" run lenet300.yaml >"$WORK/lenet300.log")
ours_epoch=$(metric "$WORK/lenet300.lock" train seconds_per_epoch)
ours_acc=$(metric "$WORK/lenet300.lock" evaluate accuracy)
ours_gflops=$(metric "$WORK/lenet300.lock" train train_gflops)
echo "   $ours_epoch s/epoch, test accuracy $ours_acc, $ours_gflops GFLOP/s"

echo "== scikit-learn MLPClassifier(hidden_layer_sizes=(300,100), solver='adam', batch_size=128, learning_rate_init=1e-3, max_iter=10)"
sk=$(python3 scripts/bench/sklearn_mlp.py 10)
sk_epoch=$(echo "$sk" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds_per_epoch"])')
sk_acc=$(echo "$sk" | python3 -c 'import json,sys; print(json.load(sys.stdin)["test_accuracy"])')
echo "   $sk_epoch s/epoch, test accuracy $sk_acc"

echo "== pipeline: LeNet-5, 2 epochs (pipelines/bench/lenet5.yaml)"
cp pipelines/bench/lenet5.yaml "$WORK/"
(cd "$WORK" && PIPELINE_CACHE_DIR="$WORK/cache" "$OLDPWD/$BIN" run lenet5.yaml >"$WORK/lenet5.log")
lenet5_epoch=$(metric "$WORK/lenet5.lock" train seconds_per_epoch)
echo "   $lenet5_epoch s/epoch"

python3 - "$ours_epoch" "$sk_epoch" "$ours_acc" "$sk_acc" "$ours_gflops" "$peak" "$lenet5_epoch" <<'PY'
import sys
ours, sk, acc, sk_acc, gflops, peak, lenet5 = map(float, sys.argv[1:])
print()
print(f"speed-up per epoch vs scikit-learn : {sk / ours:.2f}x   (target >= 2x)")
print(f"test accuracy difference            : {100 * (acc - sk_acc):+.2f} points (target within 0.5)")
print(f"share of sgemm peak while training  : {100 * gflops / peak:.0f} %  ({gflops:.1f} of {peak:.1f} GFLOP/s; target >= 50 %)")
print(f"LeNet-5 seconds per epoch           : {lenet5:.2f} s")
PY
