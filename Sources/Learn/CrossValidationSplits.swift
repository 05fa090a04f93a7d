// Fold assignments for k-fold cross-validation and bootstrap / out-of-bag resampling.

/// The fold (0..<k) of each of `n` rows for k-fold cross-validation (scikit-learn's `KFold`): the rows, in order
/// or after one `generator.permutation(n:)` when `shuffle`, are cut into k consecutive blocks, the first `n % k`
/// of size `n / k + 1` and the rest `n / k`. Without shuffling this equals `KFold(n_splits=k, shuffle=False)`.
/// Precondition: `1 < k ≤ n`.
public func kFoldAssignment(count n: Int, folds k: Int, shuffle: Bool, generator: inout SeededGenerator) -> [Int32] {
    precondition(k > 1 && k <= n, "need 1 < folds ≤ rows")
    let order = shuffle ? generator.permutation(n: n) : Array(0..<n)
    var assignment = [Int32](repeating: 0, count: n)
    var position = 0
    for fold in 0..<k {
        let size = n / k + (fold < n % k ? 1 : 0)
        for row in order[position..<(position + size)] { assignment[row] = Int32(fold) }
        position += size
    }
    return assignment
}

/// The fold (0..<k) of each row for stratified k-fold (scikit-learn's `StratifiedKFold`, same allocation rule):
/// classes are numbered by first appearance; the labels sorted by that number are dealt round-robin to the folds
/// (`allocation[f][c]` = count of class c among sorted positions f, f+k, f+2k, …); class c's rows, in row order,
/// then get the fold list `[0]·allocation[0][c] + [1]·allocation[1][c] + …`, shuffled by `generator` when
/// `shuffle`. Without shuffling this equals `StratifiedKFold(n_splits=k, shuffle=False)`.
/// Precondition: `1 < k ≤ labels.count`.
public func stratifiedKFoldAssignment(labels: [Int32], folds k: Int, shuffle: Bool, generator: inout SeededGenerator) -> [Int32] {
    precondition(k > 1 && k <= labels.count, "need 1 < folds ≤ rows")
    var classOf: [Int32: Int] = [:]
    var encoded = [Int](repeating: 0, count: labels.count)
    for (i, y) in labels.enumerated() {
        if classOf[y] == nil { classOf[y] = classOf.count }
        encoded[i] = classOf[y]!
    }
    let classes = classOf.count
    let sorted = encoded.sorted()
    var allocation = [[Int]](repeating: [Int](repeating: 0, count: classes), count: k)
    for (position, c) in sorted.enumerated() { allocation[position % k][c] += 1 }
    var assignment = [Int32](repeating: 0, count: labels.count)
    for c in 0..<classes {
        var foldsForClass: [Int32] = []
        for fold in 0..<k { foldsForClass += [Int32](repeating: Int32(fold), count: allocation[fold][c]) }
        if shuffle { generator.shuffle(&foldsForClass) }
        var next = 0
        for i in encoded.indices where encoded[i] == c {
            assignment[i] = foldsForClass[next]
            next += 1
        }
    }
    return assignment
}

/// A bootstrap sample of `n` rows: `n` indices drawn uniformly with replacement (in draw order), and the
/// out-of-bag rows never drawn (ascending).
public func bootstrapSample(count n: Int, generator: inout SeededGenerator) -> (sample: [Int], outOfBag: [Int]) {
    var drawn = [Bool](repeating: false, count: n)
    var sample = [Int]()
    sample.reserveCapacity(n)
    for _ in 0..<n {
        let i = generator.nextInt(below: n)
        sample.append(i)
        drawn[i] = true
    }
    return (sample, drawn.indices.filter { !drawn[$0] })
}
