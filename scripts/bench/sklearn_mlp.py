"""scikit-learn's MLPClassifier on Fashion-MNIST, configured like pipelines/bench/lenet300.yaml.

Prints one JSON line: seconds per epoch (fit time / epochs) and test accuracy. Data: Debian's
dataset-fashion-mnist idx files, standardized with statistics of the training set (as the pipeline does).
"""
import gzip, json, sys, time, warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

ROOT = "/usr/share/datasets/fashion-mnist"


def idx(name, offset):
    with gzip.open(f"{ROOT}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def main():
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    x_train = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32)
    y_train = idx("train-labels-idx1-ubyte.gz", 8)
    x_test = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32)
    y_test = idx("t10k-labels-idx1-ubyte.gz", 8)
    scaler = StandardScaler().fit(x_train)
    x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    model = MLPClassifier(hidden_layer_sizes=(300, 100), solver="adam", batch_size=128, learning_rate_init=1e-3,
                          max_iter=epochs, alpha=0.0, random_state=0, tol=0.0, n_iter_no_change=epochs + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(x_train, y_train)
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds_per_epoch": seconds / model.n_iter_, "epochs": model.n_iter_,
                      "test_accuracy": float(model.score(x_test, y_test))}))


if __name__ == "__main__":
    main()
