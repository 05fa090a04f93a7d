"""scikit-learn side of scripts/bench/trees.sh: fits one model on all 60,000 Fashion-MNIST training images
(raw pixels as float32) and prints JSON with fit seconds and test accuracy.
Usage: sklearn_trees.py forest TREES | sklearn_trees.py hgb ITERATIONS"""
import gzip, json, sys, time
import numpy as np

def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(data[3])]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)

root = "/usr/share/datasets/fashion-mnist/"
x_train = idx(root + "train-images-idx3-ubyte.gz").reshape(60000, -1).astype(np.float32)
y_train = idx(root + "train-labels-idx1-ubyte.gz")
x_test = idx(root + "t10k-images-idx3-ubyte.gz").reshape(10000, -1).astype(np.float32)
y_test = idx(root + "t10k-labels-idx1-ubyte.gz")
kind, size = sys.argv[1], int(sys.argv[2])
if kind == "forest":
    from sklearn.ensemble import RandomForestClassifier
    model = RandomForestClassifier(n_estimators=size, n_jobs=2, random_state=0)
else:
    from sklearn.ensemble import HistGradientBoostingClassifier
    model = HistGradientBoostingClassifier(max_iter=size, max_leaf_nodes=31, learning_rate=0.1, early_stopping=False, random_state=0)
start = time.time()
model.fit(x_train, y_train)
seconds = time.time() - start
print(json.dumps({"fit_seconds": seconds, "test_accuracy": float((model.predict(x_test) == y_test).mean())}))
