#!/usr/bin/env bash
# make bench-trees: random forest and histogram gradient boosting against scikit-learn, in one run on this machine.
#
# 1. release build; 2. random_forest, 100 trees, through `pipeline run` (pipelines/bench/trees_forest.yaml, fresh
# cache); 3. RandomForestClassifier(n_estimators=100, n_jobs=2); 4. hist_gradient_boosting, 100 iterations
# (pipelines/bench/trees_hgb.yaml); 5. HistGradientBoostingClassifier(max_iter=100, max_leaf_nodes=31,
# learning_rate=0.1, early_stopping=False). All on the 60,000 Fashion-MNIST training images, scored on the 10,000
# test images. Our time is the train stage's wall time (reading the dataset artifact, binning, fitting, writing
# the model); scikit-learn's is its fit() call. Prints seconds, accuracies and the ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh >/dev/null
python3 -c 'import sklearn' 2>/dev/null || python3 -m pip install --quiet --root-user-action=ignore scikit-learn
swift build -c release >/dev/null
BIN=.build/release/pipeline
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

lock() {  # lock LOCKFILE STAGE KEY [METRIC]
  python3 -c 'import sys, yaml; s = yaml.safe_load(open(sys.argv[1]))["stages"][sys.argv[2]]; print(s[sys.argv[3]] if len(sys.argv) == 4 else s[sys.argv[3]][sys.argv[4]])' "$@"
}
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

run_ours() {  # run_ours NAME -> "seconds accuracy"
  cp "pipelines/bench/$1.yaml" "$WORK/"
  (cd "$WORK" && PIPELINE_CACHE_DIR="$WORK/cache" "$OLDPWD/$BIN" run "$1.yaml" >"$WORK/$1.log")
  echo "$(lock "$WORK/$1.lock" train seconds) $(lock "$WORK/$1.lock" evaluate metrics accuracy)"
}

echo "== load: $(cat /proc/loadavg) (2 cores)"
echo "== pipeline: random_forest, 100 trees (pipelines/bench/trees_forest.yaml)"
read -r rf_s rf_acc <<<"$(run_ours trees_forest)"
echo "   $rf_s s, test accuracy $rf_acc, oob $(lock "$WORK/trees_forest.lock" train metrics oob_score)"
echo "== scikit-learn RandomForestClassifier(n_estimators=100, n_jobs=2)"
sk=$(python3 scripts/bench/sklearn_trees.py forest 100)
sk_rf_s=$(echo "$sk" | field fit_seconds); sk_rf_acc=$(echo "$sk" | field test_accuracy)
echo "   $sk_rf_s s, test accuracy $sk_rf_acc"

echo "== pipeline: hist_gradient_boosting, 100 iterations (pipelines/bench/trees_hgb.yaml)"
read -r hgb_s hgb_acc <<<"$(run_ours trees_hgb)"
echo "   $hgb_s s, test accuracy $hgb_acc"
echo "== scikit-learn HistGradientBoostingClassifier(max_iter=100, max_leaf_nodes=31, learning_rate=0.1, early_stopping=False)"
sk=$(python3 scripts/bench/sklearn_trees.py hgb 100)
sk_hgb_s=$(echo "$sk" | field fit_seconds); sk_hgb_acc=$(echo "$sk" | field test_accuracy)
echo "   $sk_hgb_s s, test accuracy $sk_hgb_acc"
echo "== load: $(cat /proc/loadavg)"

python3 - "$rf_s" "$sk_rf_s" "$rf_acc" "$sk_rf_acc" "$hgb_s" "$sk_hgb_s" "$hgb_acc" "$sk_hgb_acc" <<'PY'
import sys
rf, sk_rf, rf_acc, sk_rf_acc, hgb, sk_hgb, hgb_acc, sk_hgb_acc = map(float, sys.argv[1:])
print()
print(f"random forest speed-up vs scikit-learn : {sk_rf / rf:.2f}x   (target >= 2x)")
print(f"random forest accuracy difference      : {100 * (rf_acc - sk_rf_acc):+.2f} points (target within 0.5)")
print(f"HGB speed-up vs scikit-learn           : {sk_hgb / hgb:.2f}x   (target >= 1x)")
print(f"HGB accuracy difference                : {100 * (hgb_acc - sk_hgb_acc):+.2f} points (target within 0.5)")
PY
