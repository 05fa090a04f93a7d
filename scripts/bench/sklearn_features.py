"""scikit-learn side of scripts/bench/features.sh: PCA(n_components=50).fit_transform and
StandardScaler().fit_transform on the Fashion-MNIST training images as float32, best of N; prints JSON."""
import gzip, json, sys, time
import numpy as np
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

path, components, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with gzip.open(path, "rb") as f:
    raw = f.read()
rows, height, width = (int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(3))
X = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(rows, height * width).astype(np.float32)

def best(make):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        make().fit_transform(X)
        times.append(time.perf_counter() - start)
    return min(times)

pca = PCA(n_components=components)
pca.fit(X[:1000])  # warm-up import paths
print(json.dumps({
    "pca_seconds": best(lambda: PCA(n_components=components)),
    "pca_solver": PCA(n_components=components).fit(X)._fit_svd_solver,
    "standard_seconds": best(StandardScaler),
    "rows": rows, "columns": height * width,
}))
