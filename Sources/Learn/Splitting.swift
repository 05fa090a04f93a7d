// Train / validation / test hold-out splits, optionally stratified by class.

/// Splits `0..<n` into disjoint train / validation / test index lists.
///
/// Sizes: `nValidation = round(validation · n)`, `nTest = round(test · n)` (Swift `.rounded()`, i.e. half away
/// from zero), train gets the rest. Preconditions: `validation, test ≥ 0`, `validation + test ≤ 1`, and
/// `labels.count == n` when labels are given.
///
/// - Unstratified (`labels == nil` or `stratify == false`): one `generator.permutation(n:)`; its first
///   `nValidation` entries form validation, the next `nTest` test, the rest train.
/// - Stratified: classes are the distinct label values in ascending order. Each class `c` with `n_c` members gets
///   `floor(frac · n_c)` indices per part, and the remaining `round(frac · n) − Σ floor` units go to the classes with
///   the largest fractional remainders (ties → smaller label value; a class is skipped when it has no index left).
///   Validation quotas are assigned before test quotas. Then, class by class in ascending label order, the class's
///   indices (ascending) are shuffled with `generator.shuffle`; the first quota go to validation, the next to test,
///   the rest to train. Totals therefore equal the unstratified sizes exactly.
///
/// Each returned list is sorted ascending; together they cover `0..<n` exactly once. The result depends only on
/// the inputs and the generator state (which is advanced).
public func holdoutSplit(labels: [Int32]?, count n: Int, validation: Double, test: Double, stratify: Bool,
                         generator: inout SeededGenerator) -> (train: [Int], validation: [Int], test: [Int]) {
    precondition(n >= 0, "count must be non-negative")
    precondition(validation >= 0 && test >= 0 && validation + test <= 1 + 1e-12,
                 "fractions must be non-negative and sum to at most 1")
    let nValidation = min(n, Int((validation * Double(n)).rounded()))
    let nTest = min(n - nValidation, Int((test * Double(n)).rounded()))

    guard let labels, stratify else {
        let p = generator.permutation(n: n)
        let v = Array(p[0..<nValidation]).sorted()
        let t = Array(p[nValidation..<(nValidation + nTest)]).sorted()
        let tr = Array(p[(nValidation + nTest)...]).sorted()
        return (tr, v, t)
    }
    precondition(labels.count == n, "labels.count (\(labels.count)) != count (\(n))")

    // Group indices by class (ascending label value; indices ascending within a class).
    var byClass: [Int32: [Int]] = [:]
    for (i, y) in labels.enumerated() { byClass[y, default: []].append(i) }
    let classLabels = byClass.keys.sorted()
    let members = classLabels.map { byClass[$0]! }
    let sizes = members.map(\.count)

    let validationQuota = allocate(total: nValidation, fraction: validation, sizes: sizes,
                                   capacity: sizes)
    let remaining = zip(sizes, validationQuota).map { $0 - $1 }
    let testQuota = allocate(total: nTest, fraction: test, sizes: sizes, capacity: remaining)

    var train: [Int] = [], valid: [Int] = [], tst: [Int] = []
    train.reserveCapacity(n - nValidation - nTest)
    valid.reserveCapacity(nValidation)
    tst.reserveCapacity(nTest)
    for c in members.indices {
        var idx = members[c]
        generator.shuffle(&idx)
        let v = validationQuota[c], t = testQuota[c]
        valid.append(contentsOf: idx[0..<v])
        tst.append(contentsOf: idx[v..<(v + t)])
        train.append(contentsOf: idx[(v + t)...])
    }
    train.sort(); valid.sort(); tst.sort()
    return (train, valid, tst)
}

/// Largest-remainder apportionment: `floor(fraction · size_c)` each (capped by `capacity_c`), then the leftover
/// units up to `total` one at a time to the classes with the largest remainders (ties → lower class position),
/// skipping full classes; cycles again if units remain after one pass.
func allocate(total: Int, fraction: Double, sizes: [Int], capacity: [Int]) -> [Int] {
    var quota = [Int](repeating: 0, count: sizes.count)
    var remainders = [Double](repeating: 0, count: sizes.count)
    var assigned = 0
    for c in sizes.indices {
        let exact = fraction * Double(sizes[c])
        let base = min(Int(exact.rounded(.down)), capacity[c])
        quota[c] = base
        remainders[c] = exact - Double(base)
        assigned += base
    }
    // Flooring never exceeds `total` for consistent input (Σ floor(f·n_c) ≤ floor(f·n)); guard anyway.
    var c = sizes.count - 1
    while assigned > total, c >= 0 {
        let take = min(quota[c], assigned - total)
        quota[c] -= take
        assigned -= take
        c -= 1
    }
    let order = sizes.indices.sorted { a, b in
        remainders[a] != remainders[b] ? remainders[a] > remainders[b] : a < b
    }
    while assigned < total {
        var progressed = false
        for c in order where assigned < total && quota[c] < capacity[c] {
            quota[c] += 1
            assigned += 1
            progressed = true
        }
        if !progressed { break }
    }
    return quota
}
