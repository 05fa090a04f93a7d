#!/usr/bin/env bash
# make bench-features: the pca and standard transform steps against scikit-learn, in one run on this machine.
#
# 1. release build; 2. `pipeline bench pca` (PCA to 50 components, fit + transform of the 60000×784 Fashion-MNIST
# training images as float32, best of 5) and `pipeline bench standard` (StandardScaler fit + transform);
# 3. the same in scikit-learn (scripts/bench/sklearn_features.py: PCA(n_components=50).fit_transform and
# StandardScaler().fit_transform, float32, best of 5; pip-installed here). Prints both times and the ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh >/dev/null
python3 -c 'import sklearn' 2>/dev/null || python3 -m pip install --quiet --root-user-action=ignore scikit-learn
swift build -c release >/dev/null
BIN=.build/release/pipeline
IMAGES=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
REPEATS=${REPEATS:-5}

echo "== load: $(uptime | sed 's/.*load average/load average/')"
echo "== pipeline: pca (50 components) and standard on Fashion-MNIST train, float32, best of $REPEATS"
ours_pca=$($BIN bench pca --images "$IMAGES" --components 50 --repeats "$REPEATS")
echo "   $ours_pca"
ours_std=$($BIN bench standard --images "$IMAGES" --repeats "$REPEATS")
echo "   $ours_std"

echo "== scikit-learn $(python3 -c 'import sklearn; print(sklearn.__version__)'): PCA(n_components=50).fit_transform, StandardScaler().fit_transform"
sk=$(python3 scripts/bench/sklearn_features.py "$IMAGES" 50 "$REPEATS")
echo "   $sk"

python3 - "$ours_pca" "$ours_std" "$sk" <<'PY'
import json, re, sys
def seconds(line): return float(re.search(r": ([0-9.]+) s", line).group(1))
ours_pca, ours_std, sk = seconds(sys.argv[1]), seconds(sys.argv[2]), json.loads(sys.argv[3])
print()
print(f"PCA 60000x784 -> 50      : pipeline {ours_pca:.3f} s, scikit-learn {sk['pca_seconds']:.3f} s ({sk['pca_solver']}); "
      f"speed-up {sk['pca_seconds'] / ours_pca:.2f}x (target >= 1x)")
print(f"standard scaling 60000x784: pipeline {ours_std:.3f} s, scikit-learn {sk['standard_seconds']:.3f} s; "
      f"speed-up {sk['standard_seconds'] / ours_std:.2f}x (target >= 1x)")
PY
