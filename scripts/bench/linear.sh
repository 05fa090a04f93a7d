#!/usr/bin/env bash
# make bench-linear: classical models against scikit-learn, side by side in one run on this machine (release build).
#
# 1. kernel SVM (rbf, C = 1, gamma = scale) on scikit-learn's digits (exported from the installed package to CSV
#    in a temp dir, 75/25 stratified split, random_state 0); 2. k-nearest neighbours (k = 5) on the same split;
#    3. multinomial logistic regression (C = 1, max_iter = 100) on Fashion-MNIST (pipelines/bench/fashion_logistic.yaml).
# Ours: `pipeline run`, fit seconds = the train stage's seconds in the lockfile (includes reading its HDF5 input),
# predict seconds = the evaluate stage's (with `timing: false`, so it does not repeat predictions to measure latency;
# it still includes reading the model and test set and computing every metric). Theirs: scripts/bench/sklearn_classical.py (fit / predict wall time).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh >/dev/null
python3 -c 'import sklearn' 2>/dev/null || python3 -m pip install --quiet --root-user-action=ignore scikit-learn
swift build -c release >/dev/null
BIN=$PWD/.build/release/pipeline
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

lock() {  # lock LOCKFILE STAGE KEY  (KEY: seconds, or a metric name)
  python3 -c '
import sys, yaml
stage = yaml.safe_load(open(sys.argv[1]))["stages"][sys.argv[2]]
print(stage["seconds"] if sys.argv[3] == "seconds" else stage["metrics"][sys.argv[3]])' "$@"
}
field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

python3 scripts/bench/sklearn_classical.py export-digits "$WORK"
cat >"$WORK/digits.yaml" <<'YAML'
pipeline: 1
name: digits
seed: 1
stages:
  train_data: {kind: load, path: digits_train.csv, label: label}
  test_data: {kind: load, path: digits_test.csv, label: label}
  svm:
    kind: train
    inputs: [train_data]
    model: {type: svm, kernel: rbf, C: 1.0, gamma: scale}
  svm_eval:
    kind: evaluate
    inputs: {model: svm.model, test: test_data}
  knn:
    kind: train
    inputs: [train_data]
    model: {type: knn, n_neighbors: 5}
  knn_eval:
    kind: evaluate
    inputs: {model: knn.model, test: test_data}
    timing: false        # no latency/throughput repeats: the stage's time is reading, predicting and scoring
YAML
(cd "$WORK" && PIPELINE_CACHE_DIR="$WORK/cache" "$BIN" run digits.yaml --jobs 1 >"$WORK/digits.log")
cp pipelines/bench/fashion_logistic.yaml "$WORK/"
(cd "$WORK" && PIPELINE_CACHE_DIR="$WORK/cache" "$BIN" run fashion_logistic.yaml --jobs 1 >"$WORK/fashion.log")

sk_svm=$(python3 scripts/bench/sklearn_classical.py svm "$WORK")
sk_knn=$(python3 scripts/bench/sklearn_classical.py knn "$WORK")
sk_log=$(python3 scripts/bench/sklearn_classical.py logistic)

row() {  # row NAME OUR_FIT OUR_ACC THEIR_FIT THEIR_ACC
  python3 -c '
import sys
name, ours, acc, theirs, their_acc = sys.argv[1], *map(float, sys.argv[2:])
print(f"{name:<34} {ours:>9.3f} {theirs:>9.3f} {theirs / max(ours, 1e-9):>7.2f}x   {acc:.4f} {their_acc:.4f}")' "$@"
}
echo
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores, shared)"
printf '%-34s %9s %9s %8s   %s\n' "model (data)" "ours s" "sklearn s" "speedup" "accuracy ours / sklearn"
row "svm rbf fit (digits 1347 rows)" "$(lock "$WORK/digits.lock" svm seconds)" "$(lock "$WORK/digits.lock" svm_eval accuracy)" \
    "$(field "$sk_svm" fit_seconds)" "$(field "$sk_svm" test_accuracy)"
row "knn k=5 predict (digits 450 rows)" "$(lock "$WORK/digits.lock" knn_eval seconds)" "$(lock "$WORK/digits.lock" knn_eval accuracy)" \
    "$(field "$sk_knn" predict_seconds)" "$(field "$sk_knn" test_accuracy)"
row "logistic fit (Fashion-MNIST 60k)" "$(lock "$WORK/fashion_logistic.lock" train seconds)" "$(lock "$WORK/fashion_logistic.lock" evaluate accuracy)" \
    "$(field "$sk_log" fit_seconds)" "$(field "$sk_log" test_accuracy)"
