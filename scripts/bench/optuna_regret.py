"""Median best-found regret of Optuna's TPESampler and RandomSampler on Branin and Hartmann-6.

Same functions, seeds (0..seeds-1), budgets and checkpoints as `pipeline bench search`; prints JSON
{"results": [{"function", "sampler", "median_regret_10", ...}]}. Usage: optuna_regret.py SEEDS TRIALS
"""
import json
import math
import sys

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

BRANIN_MIN = 0.397887
HARTMANN6_MIN = -3.32237
ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
              [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])


def branin(trial):
    x1 = trial.suggest_float("x1", -5, 10)
    x2 = trial.suggest_float("x2", 0, 15)
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def hartmann6(trial):
    x = np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(1, 7)])
    return float(-np.sum(ALPHA * np.exp(-np.sum(A * (x - P) ** 2, axis=1))))


FUNCTIONS = {"branin": (branin, BRANIN_MIN), "hartmann6": (hartmann6, HARTMANN6_MIN)}
SAMPLERS = {"optuna-tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
            "optuna-random": lambda seed: optuna.samplers.RandomSampler(seed=seed)}


def main():
    seeds, trials = int(sys.argv[1]), int(sys.argv[2])
    checkpoints = sorted({c for c in (10, 25, trials) if c <= trials})
    results = []
    for fname, (objective, minimum) in FUNCTIONS.items():
        for sname, make in SAMPLERS.items():
            curves = []
            for seed in range(seeds):
                study = optuna.create_study(direction="minimize", sampler=make(seed))
                study.optimize(objective, n_trials=trials)
                values = np.array([t.value for t in study.trials])
                curves.append(np.minimum.accumulate(values) - minimum)
            row = {"function": fname, "sampler": sname}
            for c in checkpoints:
                row[f"median_regret_{c}"] = float(np.median([curve[c - 1] for curve in curves]))
            results.append(row)
    print(json.dumps({"optuna": optuna.__version__, "seeds": seeds, "trials": trials, "results": results}))


if __name__ == "__main__":
    main()
