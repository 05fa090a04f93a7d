#!/usr/bin/env bash
# Per-stage overhead of the Slurm executor against its peer, the local executor, in the same run:
#  1. a bare `sbatch --wrap` job: submit → start (from inside the job) → end seen by squeue;
#  2. a chain of N trivial shell stages (each waits for the previous one): wall time slurm vs local;
#  3. N independent trivial stages (all submitted at once): wall time slurm vs local.
# Needs a running cluster (scripts/slurm-local.sh start); prints a note and exits 0 without one.
# PIPELINE=path/to/pipeline picks the binary (default: the release build).
set -euo pipefail
cd "$(dirname "$0")/../.."
PIPELINE=${PIPELINE:-$PWD/.build/release/pipeline}
N=${N:-8}
POLL=${POLL:-0.2}
if ! command -v sbatch >/dev/null || ! squeue -h >/dev/null 2>&1; then
  echo "slurm bench: no cluster reachable (scripts/slurm-local.sh start); skipped"
  exit 0
fi
work=$(mktemp -d /tmp/pipeline-slurm-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }

# 1. A bare job.
t0=$(now)
id=$(sbatch --parsable --output="$work/bare-%j.log" --wrap 'date +%s.%N')
until squeue -h -j "$id" --states=all -o %T 2>/dev/null | grep -qE 'COMPLETED|FAILED'; do sleep 0.05; done
t2=$(now)
t1=$(head -1 "$work/bare-$id.log")
printf 'bare sbatch job: submit->start %.2f s, start->end seen %.2f s, total %.2f s\n' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "$t2 - $t0" | bc)"

# 2 and 3. Pipelines of trivial shell stages, each run fresh with either executor.
write_pipeline() { # $1 file, $2 chain|fan
  {
    echo "pipeline: 1"
    echo "name: bench-$2"
    echo "executor: {type: slurm, poll_seconds: $POLL}"
    echo "stages:"
    for i in $(seq 1 "$N"); do
      if [ "$2" = chain ] && [ "$i" -gt 1 ]; then inputs=", inputs: [s$((i - 1))]"; else inputs=""; fi
      echo "  s$i: {kind: shell, command: \"echo $i > out$i.txt\", outs: [out$i.txt]$inputs}"
    done
  } > "$1"
}
timed_run() { # $1 dir, $2 executor → seconds
  local start end
  rm -rf "$1/.pipeline" "$1"/*.lock "$1"/out*.txt
  start=$(now)
  (cd "$1" && "$PIPELINE" run p.yaml --executor "$2" >/dev/null)
  end=$(now)
  echo "$end - $start" | bc
}
for shape in chain fan; do
  dir="$work/$shape"
  mkdir -p "$dir"
  write_pipeline "$dir/p.yaml" "$shape"
  local_s=$(timed_run "$dir" local)
  slurm_s=$(timed_run "$dir" slurm)
  printf '%s of %d trivial stages: local %.2f s, slurm %.2f s (poll %s s) -> %.2f s per stage more on slurm, ratio %.1fx\n' \
    "$shape" "$N" "$local_s" "$slurm_s" "$POLL" "$(echo "($slurm_s - $local_s) / $N" | bc -l)" "$(echo "$slurm_s / $local_s" | bc -l)"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
