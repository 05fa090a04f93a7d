"""Writes pipelines/data/diabetes.csv: scikit-learn's diabetes data (Efron, Hastie, Johnstone & Tibshirani 2004,
"Least Angle Regression"; 442 patients, 10 baseline variables, target = disease progression one year later),
as shipped with scikit-learn (BSD-3-Clause). The features are the raw (unscaled) values from
sklearn.datasets.load_diabetes(scaled=False). Run once: python3 pipelines/data/make_diabetes.py (scikit-learn 1.9.1)."""
import csv
import os

from sklearn.datasets import load_diabetes

data = load_diabetes(scaled=False)
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "diabetes.csv")
with open(path, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(list(data.feature_names) + ["progression"])
    for row, y in zip(data.data, data.target):
        w.writerow([f"{v:g}" for v in row] + [f"{y:g}"])
