"""Peer for scripts/bench/sparse.sh: numpy dense vs scipy.sparse CSR inference of a LeNet-300-100 whose
weights are magnitude-pruned layer by layer to the given sparsity (the same construction as
`pipeline bench sparse`'s sweep, with numpy's random weights). Prints JSON with seconds per pass."""
import json, sys, time
import numpy as np
import scipy.sparse as sp

sparsity = float(sys.argv[1])
rng = np.random.default_rng(1)
sizes = [(784, 300), (300, 100), (100, 10)]
weights, biases = [], []
for n_in, n_out in sizes:
    w = rng.uniform(-1, 1, (n_in, n_out)).astype(np.float32) * np.sqrt(6 / n_in)
    k = int(round(sparsity * w.size))
    order = np.argsort(np.abs(w).ravel(), kind="stable")
    w.ravel()[order[:k]] = 0
    weights.append(w)
    biases.append(np.zeros(n_out, np.float32))
csr_t = [sp.csr_matrix(w.T) for w in weights]  # Wᵀ in CSR, like the tool's kernel


def dense(x):
    for i, (w, b) in enumerate(zip(weights, biases)):
        x = x @ w + b
        if i < 2:
            x = np.maximum(x, 0)
    return x


def sparse(x):
    x = x.T
    for i, (m, b) in enumerate(zip(csr_t, biases)):
        x = m @ x + b[:, None]
        if i < 2:
            x = np.maximum(x, 0)
    return x.T


def timed(f, batch):
    x = rng.standard_normal((1024, 784)).astype(np.float32)
    passes, best = 1, float("inf")
    while True:
        t = time.perf_counter()
        for p in range(passes):
            f(x[(p * batch) % 1024:(p * batch) % 1024 + batch])
        t = time.perf_counter() - t
        if t > 0.0125:
            passes = max(1, int(passes * 0.05 / t))
            break
        passes *= 4
    for _ in range(5):
        t = time.perf_counter()
        for p in range(passes):
            f(x[(p * batch) % 1024:(p * batch) % 1024 + batch])
        best = min(best, (time.perf_counter() - t) / passes)
    return best


print(json.dumps({"sparsity": sparsity, "dense_b1": timed(dense, 1), "sparse_b1": timed(sparse, 1),
                  "dense_b256": timed(dense, 256), "sparse_b256": timed(sparse, 256)}))
