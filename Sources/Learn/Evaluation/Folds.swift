// K-fold partitions for cross-validation, optionally stratified by class.

/// Splits `0..<count` into `k` disjoint test folds covering every row once (the training rows of fold `i`
/// are all the others).
///
/// - Unstratified: one `generator.permutation(n:)`, dealt out in contiguous blocks; the first `count % k` folds
///   get one row more (scikit-learn's `KFold` sizes).
/// - Stratified (`labels` given): classes in ascending label order; each class's rows (ascending) are shuffled
///   with the generator and dealt round-robin to the folds, continuing from the fold where the previous class
///   stopped. So every fold's size and every fold's per-class count differ by at most one across folds.
///
/// Each fold is sorted ascending. Preconditions: `2 ≤ k ≤ count`.
public func kFolds(count: Int, k: Int, labels: [Int32]?, generator: inout SeededGenerator) -> [[Int]] {
    precondition(k >= 2 && k <= count, "need 2 ≤ k ≤ count")
    var folds = [[Int]](repeating: [], count: k)
    if let labels {
        precondition(labels.count == count, "labels.count != count")
        var byClass: [Int32: [Int]] = [:]
        for (i, y) in labels.enumerated() { byClass[y, default: []].append(i) }
        var next = 0
        for label in byClass.keys.sorted() {
            for index in generator.shuffled(byClass[label]!) {
                folds[next].append(index)
                next = (next + 1) % k
            }
        }
    } else {
        let permutation = generator.permutation(n: count)
        var start = 0
        for f in 0..<k {
            let size = count / k + (f < count % k ? 1 : 0)
            folds[f] = Array(permutation[start..<(start + size)])
            start += size
        }
    }
    return folds.map { $0.sorted() }
}
