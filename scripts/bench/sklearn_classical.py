"""scikit-learn's side of scripts/bench/linear.sh (same data, same hyperparameters as the pipelines there).

    python3 sklearn_classical.py export-digits DIR   # writes DIR/digits_train.csv, DIR/digits_test.csv
    python3 sklearn_classical.py svm DIR             # SVC(kernel="rbf", C=1.0, gamma="scale") on those CSVs
    python3 sklearn_classical.py knn DIR             # KNeighborsClassifier(n_neighbors=5)
    python3 sklearn_classical.py logistic            # LogisticRegression(C=1.0, max_iter=100, tol=1e-4), Fashion-MNIST

Each timing command prints one JSON line: fit_seconds, predict_seconds, test_accuracy. The digits data ship
inside scikit-learn (load_digits reads a file of the installed package; nothing is downloaded)."""
import gzip, json, sys, time, warnings

import numpy as np

FMNIST = "/usr/share/datasets/fashion-mnist"


def export_digits(directory):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)
    header = ",".join(f"p{i}" for i in range(64)) + ",label"
    for name, xs, ys in [("train", x_train, y_train), ("test", x_test, y_test)]:
        rows = [",".join(str(int(v)) for v in row) + f",{int(label)}" for row, label in zip(xs, ys)]
        with open(f"{directory}/digits_{name}.csv", "w") as f:
            f.write(header + "\n" + "\n".join(rows) + "\n")


def read_digits(directory):
    def load(name):
        data = np.loadtxt(f"{directory}/digits_{name}.csv", delimiter=",", skiprows=1)
        return data[:, :-1], data[:, -1].astype(int)
    return load("train") + load("test")


def idx(name, offset):
    with gzip.open(f"{FMNIST}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def timed(model, x_train, y_train, x_test, y_test):
    start = time.perf_counter()
    model.fit(x_train, y_train)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    accuracy = float(np.mean(model.predict(x_test) == y_test))
    return {"fit_seconds": fit, "predict_seconds": time.perf_counter() - start, "test_accuracy": accuracy}


def main():
    command = sys.argv[1]
    if command == "export-digits":
        export_digits(sys.argv[2])
        return
    if command == "svm":
        from sklearn.svm import SVC
        result = timed(SVC(kernel="rbf", C=1.0, gamma="scale"), *read_digits(sys.argv[2]))
    elif command == "knn":
        from sklearn.neighbors import KNeighborsClassifier
        result = timed(KNeighborsClassifier(n_neighbors=5, algorithm="brute"), *read_digits(sys.argv[2]))
    elif command == "logistic":
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import MinMaxScaler
        x_train = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float64)
        y_train = idx("train-labels-idx1-ubyte.gz", 8)
        x_test = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float64)
        y_test = idx("t10k-labels-idx1-ubyte.gz", 8)
        scaler = MinMaxScaler().fit(x_train)
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = timed(LogisticRegression(C=1.0, max_iter=100, tol=1e-4), scaler.transform(x_train), y_train, scaler.transform(x_test), y_test)
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
