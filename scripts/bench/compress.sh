#!/usr/bin/env bash
# make bench-compress: int8 against float32 inference for LeNet-300-100 on Fashion-MNIST, in one run.
#
# 1. release build; 2. pipelines/compress_lenet300.yaml through `pipeline run` (fresh cache), plus extra
# quantize stages (dequantize-into-sgemm kernel, dynamic activation ranges, percentile calibration) and a
# quantization-aware training run quantized the same way; 3. `pipeline bench inference` on the float and
# quantized models over the scaled test set at batch 1 and batch 256 (best of 5 per round, 3 interleaved
# rounds, the best round counts), with OPENBLAS_NUM_THREADS=1 so the float sgemm and the single-threaded int8
# kernel are compared on one core each; the int8 kernels alone against sgemm on the layer shapes
# (scripts/bench/kernels_vs_sgemm.c); 4. file sizes and test accuracies from the lockfile. The peer of
# each quantized model is the float32 model of the same run (same network, OpenBLAS sgemm).
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

  quantize_percentile:
    kind: quantize
    inputs: {model: train.model, calibration: scale.validation}
    calibration: percentile
    percentile: 99.99

  train_qat:
    kind: train
    inputs: [scale.train, scale.validation]
    model: {type: mlp, layers: [300, 100], init: he_uniform}
    optimizer: {type: adam, lr: 0.001}
    quantization_aware: {scheme: symmetric, granularity: per_channel}
    epochs: 10
    batch_size: 128

  quantize_qat:
    kind: quantize
    inputs: {model: train_qat.model, calibration: scale.validation}

  evaluate_qat_float:
    kind: evaluate
    inputs: {model: train_qat.model, test: scale.test}

  evaluate_qat:
    kind: evaluate
    inputs: {model: quantize_qat.model, test: scale.test}

  evaluate_percentile:
    kind: evaluate
    inputs: {model: quantize_percentile.model, test: scale.test}

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
declare -A model=([float32]=train [int8-gemm]=quantize [int8-dequantize]=quantize_dequantize [int8-dynamic]=quantize_dynamic
                  [int8-percentile]=quantize_percentile [qat-float32]=train_qat [qat-int8-gemm]=quantize_qat)
declare -A evaluation=([float32]=evaluate_float [int8-gemm]=evaluate_int8 [int8-dequantize]=evaluate_dequantize [int8-dynamic]=evaluate_dynamic
                       [int8-percentile]=evaluate_percentile [qat-float32]=evaluate_qat_float [qat-int8-gemm]=evaluate_qat)
names=(float32 int8-gemm int8-dequantize int8-dynamic int8-percentile qat-float32 qat-int8-gemm)
declare -A best1 best256
echo "== inference over the scaled test set: pipeline bench inference, OPENBLAS_NUM_THREADS=1, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2 3; do
  for name in "${names[@]}"; do
    path=$(object "${model[$name]}" model)
    b1=$(OPENBLAS_NUM_THREADS=1 "$BIN" bench inference --model "$path" --data "$test_set" --batch 1 --rows 2000 --repeats 5 | awk '{print $4}')
    b256=$(OPENBLAS_NUM_THREADS=1 "$BIN" bench inference --model "$path" --data "$test_set" --batch 256 --rows 10000 --repeats 5 | awk '{print $4}')
    best1[$name]=$(python3 -c "import sys; print(min(float(a) for a in sys.argv[1:] if a))" "$b1" "${best1[$name]:-}")
    best256[$name]=$(python3 -c "import sys; print(min(float(a) for a in sys.argv[1:] if a))" "$b256" "${best256[$name]:-}")
  done
done
echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== one core each: int8 kernels vs cblas_sgemm on LeNet-300-100 shapes (scripts/bench/kernels_vs_sgemm.c)"
clang -O3 -fno-math-errno -I Sources/CKernels/include $(pkg-config --cflags openblas) scripts/bench/kernels_vs_sgemm.c \
  -o "$WORK/kernels" $(pkg-config --libs openblas) -lm
echo "   load: $(cut -d' ' -f1-3 /proc/loadavg)"
for shape in "256 300 784" "256 100 300" "1 300 784"; do OPENBLAS_NUM_THREADS=1 "$WORK/kernels" int8 $shape; done
echo "   load: $(cut -d' ' -f1-3 /proc/loadavg)"
results="$WORK/results.txt"
: >"$results"
for name in "${names[@]}"; do
  stage=${model[$name]}
  acc=$(field "${evaluation[$name]}" metrics accuracy)
  bytes=$(field "$stage" outputs model bytes)
  echo "$name ${best1[$name]} ${best256[$name]} $acc $bytes" >>"$results"
  echo "   $name: batch 1 ${best1[$name]} us/row, batch 256 ${best256[$name]} us/row, test accuracy $acc, model file $bytes bytes"
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
