#!/usr/bin/env bash
# make bench-compress: int8 against float32 inference for LeNet-300-100 on Fashion-MNIST, in one run.
#
# 1. release build; 2. pipelines/compress_lenet300.yaml through `pipeline run` (fresh cache), plus two extra
# quantize stages (dequantize-into-sgemm kernel, and dynamic activation ranges); 3. `pipeline bench inference`
# on the float, int8 (int8 GEMM), int8 (dequantize + sgemm) and dynamic-int8 models over the scaled test set at
# batch 1 and batch 256 (best of 5); 4. file sizes and test accuracies from the lockfile. The peer of each
# quantized model is the float32 model of the same run (same network, same OpenBLAS sgemm path).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh >/dev/null
swift build -c release >/dev/null
BIN=$PWD/.build/release/pipeline
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cp pipelines/compress_lenet300.yaml "$WORK/"
cat >>"$WORK/compress_lenet300.yaml" <<'YAML'

  quantize_dequantize:
    kind: quantize
    inputs: {model: train.model, calibration: scale.validation}
    kernel: dequantize

  quantize_dynamic:
    kind: quantize
    inputs: {model: train.model, calibration: scale.validation}
    activations: dynamic

  evaluate_dequantize:
    kind: evaluate
    inputs: {model: quantize_dequantize.model, test: scale.test}

  evaluate_dynamic:
    kind: evaluate
    inputs: {model: quantize_dynamic.model, test: scale.test}
YAML

echo "== pipeline: pipelines/compress_lenet300.yaml (+ dequantize and dynamic quantize stages), release build"
(cd "$WORK" && PIPELINE_CACHE_DIR="$WORK/cache" "$BIN" run compress_lenet300.yaml >"$WORK/run.log")

lock="$WORK/compress_lenet300.lock"
field() {  # field STAGE PATH...  (a value from the lockfile)
  python3 -c 'import sys, yaml
v = yaml.safe_load(open(sys.argv[1]))["stages"][sys.argv[2]]
for k in sys.argv[3:]: v = v[k]
print(v)' "$lock" "$@"
}
object() {  # object STAGE OUTPUT → the artifact path in the cache
  h=$(field "$1" outputs "$2" hash)
  echo "$WORK/cache/objects/${h:0:2}/${h:2}"
}

test_set=$(object scale test)
declare -A model=([float32]=train [int8-gemm]=quantize [int8-dequantize]=quantize_dequantize [int8-dynamic]=quantize_dynamic)
declare -A evaluation=([float32]=evaluate_float [int8-gemm]=evaluate_int8 [int8-dequantize]=evaluate_dequantize [int8-dynamic]=evaluate_dynamic)
results="$WORK/results.txt"
: >"$results"
echo "== inference over the scaled test set: pipeline bench inference (best of 5), load: $(cut -d' ' -f1-3 /proc/loadavg)"
for name in float32 int8-gemm int8-dequantize int8-dynamic; do
  stage=${model[$name]}
  path=$(object "$stage" model)
  b1=$("$BIN" bench inference --model "$path" --data "$test_set" --batch 1 --rows 2000 --repeats 5 | awk '{print $4}')
  b256=$("$BIN" bench inference --model "$path" --data "$test_set" --batch 256 --rows 10000 --repeats 5 | awk '{print $4}')
  acc=$(field "${evaluation[$name]}" metrics accuracy)
  bytes=$(field "$stage" outputs model bytes)
  echo "$name $b1 $b256 $acc $bytes" >>"$results"
  echo "   $name: batch 1 $b1 us/row, batch 256 $b256 us/row, test accuracy $acc, model file $bytes bytes"
done
for stage in share_weights binarize low_rank student; do
  acc=$(field "evaluate_${stage/share_weights/shared}" metrics accuracy 2>/dev/null || echo "-")
  echo "   $stage: model file $(field "$stage" outputs model bytes) bytes, test accuracy $acc"
done

python3 - "$results" <<'PY'
import sys
rows = {l.split()[0]: l.split()[1:] for l in open(sys.argv[1])}
f1, f256, facc, fbytes = map(float, rows["float32"])
print()
print(f"{'model':18} {'batch 1 speed-up':>17} {'batch 256 speed-up':>19} {'accuracy change':>16} {'file size':>10}")
for name, (b1, b256, acc, size) in rows.items():
    b1, b256, acc, size = map(float, (b1, b256, acc, size))
    print(f"{name:18} {f1 / b1:16.2f}x {f256 / b256:18.2f}x {100 * (acc - facc):+15.2f}pt {size / fbytes:9.2f}x")
print("(speed-up > 1: faster than float32; file size relative to the float32 model file)")
PY
