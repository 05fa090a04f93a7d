#!/usr/bin/env bash
# make bench-search: our hyperparameter samplers (GP-BO, TPE, random) against Optuna's TPESampler and
# RandomSampler on Branin (2-D) and Hartmann-6, 10 seeds × 50 sequential trials each, in one run on this machine.
#
# Prints the median over seeds of the best-found regret (best value − known global minimum) after 10, 25 and 50
# trials side by side, and the GP sampler's per-suggestion time with 100 observed trials (target < 20 ms).
# Regret does not depend on machine load; the timing does (wall and CPU ms are both printed).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh >/dev/null
python3 -c 'import optuna' 2>/dev/null || python3 -m pip install --quiet --root-user-action=ignore optuna
swift build -c release >/dev/null
BIN=.build/release/pipeline
SEEDS=${SEEDS:-10}
TRIALS=${TRIALS:-50}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== pipeline bench search --seeds $SEEDS --trials $TRIALS --samplers gp,tpe,random --json"
OPENBLAS_NUM_THREADS=1 $BIN bench search --seeds "$SEEDS" --trials "$TRIALS" --samplers gp,tpe,random --json >"$WORK/ours.json"
echo "== python3 scripts/bench/optuna_regret.py $SEEDS $TRIALS"
python3 scripts/bench/optuna_regret.py "$SEEDS" "$TRIALS" >"$WORK/optuna.json"

python3 - "$WORK/ours.json" "$WORK/optuna.json" <<'PY'
import json, sys
ours, theirs = (json.load(open(p)) for p in sys.argv[1:3])
rows = ours["results"] + theirs["results"]
cps = sorted(int(k.rsplit("_", 1)[1]) for k in rows[0] if k.startswith("median_regret_"))
print()
print(f"median best-found regret over {ours['seeds']} seeds (lower is better; Optuna {theirs['optuna']})")
print(f"{'function':<10} {'sampler':<14}" + "".join(f"{'@' + str(c):>12}" for c in cps))
for fn in ("branin", "hartmann6"):
    for r in (r for r in rows if r["function"] == fn):
        name = {"gp": "ours-gp", "tpe": "ours-tpe", "random": "ours-random"}.get(r["sampler"], r["sampler"])
        print(f"{fn:<10} {name:<14}" + "".join(f"{r[f'median_regret_{c}']:>12.5f}" for c in cps))
print()
for fn in ("branin", "hartmann6"):
    gp = next(r for r in rows if r["function"] == fn and r["sampler"] == "gp")
    tpe = next(r for r in rows if r["function"] == fn and r["sampler"] == "optuna-tpe")
    for c in cps:
        if c < 25: continue
        verdict = "beats" if gp[f"median_regret_{c}"] < tpe[f"median_regret_{c}"] else "does NOT beat"
        print(f"{fn} @{c}: ours-gp {gp[f'median_regret_{c}']:.5f} {verdict} optuna-tpe {tpe[f'median_regret_{c}']:.5f}")
if "gp_suggest_wall_ms_at_100" in ours:
    print(f"GP suggestion with 100 observations (Hartmann-6, median of 5): "
          f"{ours['gp_suggest_wall_ms_at_100']:.1f} ms wall, {ours['gp_suggest_cpu_ms_at_100']:.1f} ms CPU (target < 20 ms)")
PY
