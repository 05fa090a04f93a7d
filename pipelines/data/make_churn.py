#!/usr/bin/env python3
"""Generates churn.csv, the synthetic customer-churn table of pipelines/tabular.yaml (run once; the CSV is committed).

Standard library only, fixed seed: `python3 pipelines/data/make_churn.py` rewrites the same file byte for byte.
Churn follows a logistic model of contract, tenure, monthly charges, support calls and payment method, so a
linear classifier can learn it; about 8% of numeric cells are missing (written as "", "NA" or "?"), a few
categorical cells are missing, and the region column holds quoted commas.
"""
import csv
import math
import os
import random

rng = random.Random(20261123)
ROWS = 400
contracts = [("Month-to-month", 0.55, 1.2), ("One year", 0.25, -0.4), ("Two year", 0.20, -1.6)]
payments = [("Electronic check", 0.35, 0.6), ("Mailed check", 0.2, 0.0), ("Bank transfer", 0.25, -0.3), ("Credit card", 0.2, -0.3)]
regions = ["North, coastal", "North, inland", "South", "East", "West"]
markers = ["", "NA", "?"]


def pick(options):
    r, acc = rng.random(), 0.0
    for option in options:
        acc += option[1]
        if r < acc:
            return option
    return options[-1]


def maybe_missing(value, rate=0.08):
    return rng.choice(markers) if rng.random() < rate else value


rows = []
for _ in range(ROWS):
    contract, _, contract_effect = pick(contracts)
    payment, _, payment_effect = pick(payments)
    tenure = max(1, int(rng.expovariate(1 / 24)))
    monthly = round(rng.uniform(20, 110), 2)
    calls = min(10, int(rng.expovariate(1 / 1.5)))
    age = rng.randint(18, 80)
    total = round(monthly * tenure * rng.uniform(0.95, 1.05), 2)
    logit = -0.6 + contract_effect + payment_effect - 0.045 * tenure + 0.02 * (monthly - 65) + 0.45 * calls
    churn = "yes" if rng.random() < 1 / (1 + math.exp(-logit)) else "no"
    region = rng.choice(regions)
    rows.append([
        maybe_missing(str(tenure), 0.03), maybe_missing(f"{monthly:.2f}"), maybe_missing(f"{total:.2f}"),
        maybe_missing(str(calls)), maybe_missing(str(age), 0.1),
        contract, "" if rng.random() < 0.04 else payment, region, churn,
    ])

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "churn.csv")
with open(path, "w", newline="") as out:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["tenure_months", "monthly_charges", "total_charges", "support_calls", "age",
                     "contract", "payment_method", "region", "churn"])
    writer.writerows(rows)
print(f"wrote {path}: {len(rows)} rows, churn rate {sum(r[-1] == 'yes' for r in rows) / len(rows):.2f}")
