#!/usr/bin/env bash
# make bench: every benchmark in scripts/bench/*.sh, or the ones named (`scripts/bench.sh training`).
# Each compares this tool with a peer (scikit-learn, Optuna, …) run by the same script on this machine in
# the same run, from a release build, and prints the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release >/dev/null
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for script in scripts/bench/*.sh; do names+=("$(basename "$script" .sh)"); done
fi
for name in "${names[@]}"; do
  echo "######## $name (scripts/bench/$name.sh)"
  bash "scripts/bench/$name.sh"
done
