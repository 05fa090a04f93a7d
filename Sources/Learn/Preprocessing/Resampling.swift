// Class-imbalance resampling of a labelled training set: random over- and under-sampling and SMOTE.
// Each returns row indices into the original set (and, for SMOTE, synthetic rows), never touching other splits.

/// Row indices of each class, classes ascending, indices ascending within a class.
func rowsByClass(_ labels: [Int32]) -> [(label: Int32, rows: [Int])] {
    var byClass: [Int32: [Int]] = [:]
    for (i, y) in labels.enumerated() { byClass[y, default: []].append(i) }
    return byClass.keys.sorted().map { ($0, byClass[$0]!) }
}

/// Random over-sampling to balance classes (imbalanced-learn's `RandomOverSampler(sampling_strategy="auto")`):
/// every class smaller than the largest gets `n_max − n_c` extra rows drawn uniformly with replacement from its
/// own rows. Returns all original indices in order followed by the drawn ones (class by class, ascending label).
public func randomOverSample(labels: [Int32], generator: inout SeededGenerator) -> [Int] {
    let classes = rowsByClass(labels)
    let largest = classes.map(\.rows.count).max() ?? 0
    var indices = Array(labels.indices)
    for (_, rows) in classes where rows.count < largest {
        for _ in 0..<(largest - rows.count) { indices.append(rows[generator.nextInt(below: rows.count)]) }
    }
    return indices
}

/// Random under-sampling to balance classes (imbalanced-learn's `RandomUnderSampler(sampling_strategy="auto")`):
/// every class keeps `n_min` of its rows, drawn uniformly without replacement. Returns the kept indices ascending.
public func randomUnderSample(labels: [Int32], generator: inout SeededGenerator) -> [Int] {
    let classes = rowsByClass(labels)
    let smallest = classes.map(\.rows.count).min() ?? 0
    var kept: [Int] = []
    for (_, rows) in classes {
        kept.append(contentsOf: generator.shuffled(rows).prefix(smallest))
    }
    return kept.sorted()
}

/// The `k` nearest rows to `row` among `candidates` (squared Euclidean distance over `columns` values, the row
/// itself excluded; ties go to the smaller index), nearest first.
public func nearestNeighbors(of row: Int, among candidates: [Int], k: Int, x: UnsafeBufferPointer<Float>, columns: Int) -> [Int] {
    var scored: [(distance: Double, index: Int)] = []
    scored.reserveCapacity(candidates.count)
    for other in candidates where other != row {
        var d = 0.0
        for c in 0..<columns {
            let delta = Double(x[row * columns + c]) - Double(x[other * columns + c])
            d += delta * delta
        }
        scored.append((d, other))
    }
    scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.index < $1.index }
    return scored.prefix(k).map(\.index)
}

/// SMOTE (Chawla et al. 2002; imbalanced-learn's `SMOTE(sampling_strategy="auto")`): every class smaller than the
/// largest gets `n_max − n_c` synthetic rows. Each is made by drawing a row `i` of the class uniformly, one of its
/// `k` nearest same-class neighbours `j` uniformly, and `u` uniform in [0, 1): `x_i + u · (x_j − x_i)`, labelled
/// with the class. Classes with a single row cannot be interpolated and are over-sampled by copying that row.
///
/// Returns the synthetic rows (row-major, `columns` wide) and their labels, class by class in ascending label order.
public func smoteSamples(x: [Float], columns: Int, labels: [Int32], k: Int,
                         generator: inout SeededGenerator) -> (features: [Float], labels: [Int32]) {
    precondition(k >= 1, "k must be at least 1")
    let classes = rowsByClass(labels)
    let largest = classes.map(\.rows.count).max() ?? 0
    var features: [Float] = [], newLabels: [Int32] = []
    x.withUnsafeBufferPointer { data in
        for (label, rows) in classes where rows.count < largest {
            let neighbors = rows.map { nearestNeighbors(of: $0, among: rows, k: min(k, rows.count - 1), x: data, columns: columns) }
            for _ in 0..<(largest - rows.count) {
                let pick = generator.nextInt(below: rows.count)
                let i = rows[pick]
                let candidates = neighbors[pick]
                if candidates.isEmpty {
                    features.append(contentsOf: data[(i * columns)..<((i + 1) * columns)])
                } else {
                    let j = candidates[generator.nextInt(below: candidates.count)]
                    let u = generator.nextDouble()
                    for c in 0..<columns {
                        let a = Double(data[i * columns + c]), b = Double(data[j * columns + c])
                        features.append(Float(a + u * (b - a)))
                    }
                }
                newLabels.append(label)
            }
        }
    }
    return (features, newLabels)
}
