import Learn
import PipelineSpec
import PipelineStore

/// Several models side by side on the hold-out dataset: a table of their metrics and McNemar's test for
/// every pair (on per-row correctness; exact binomial below 25 discordant rows, χ² with continuity correction
/// from 25 on — the method is recorded per pair).
struct ModelComparison {
    /// One model's metrics on the compared dataset plus its efficiency figures.
    struct Row {
        var model: String
        var metrics: [String: Double]
    }

    /// One pairwise test.
    struct Pair {
        var a: String
        var b: String
        /// Rows only `a` got right, rows only `b` got right.
        var onlyA: Int
        var onlyB: Int
        var test: PairedTestResult
    }

    let rows: [Row]
    let pairs: [Pair]
    let dataset: String

    init(rows: [Row], correctness: [(model: String, correct: [Bool])], dataset: String) {
        self.rows = rows
        self.dataset = dataset
        var pairs: [Pair] = []
        for i in 0..<correctness.count {
            for j in (i + 1)..<correctness.count {
                let a = correctness[i], b = correctness[j]
                var onlyA = 0, onlyB = 0
                for (x, y) in zip(a.correct, b.correct) where x != y {
                    if x { onlyA += 1 } else { onlyB += 1 }
                }
                pairs.append(Pair(a: a.model, b: b.model, onlyA: onlyA, onlyB: onlyB, test: StatisticalTests.mcnemar(b: onlyA, c: onlyB)))
            }
        }
        self.pairs = pairs
    }

    /// Metric names present for every model, in a stable order.
    var columns: [String] {
        guard let first = rows.first else { return [] }
        return first.metrics.keys.filter { name in rows.allSatisfy { $0.metrics[name] != nil } }.sorted()
    }

    func write(to group: HDF5Group) throws {
        try group.setAttribute("dataset", .string(dataset))
        try group.setAttribute("models", .strings(rows.map(\.model)))
        try group.setAttribute("metrics", .strings(columns))
        _ = try group.createDataset("table", shape: [rows.count, columns.count], data: rows.flatMap { row in columns.map { row.metrics[$0]! } })
        guard !pairs.isEmpty else { return }
        _ = try group.createStringDataset("pair_a", pairs.map(\.a))
        _ = try group.createStringDataset("pair_b", pairs.map(\.b))
        _ = try group.createStringDataset("pair_test", pairs.map(\.test.method))
        _ = try group.createDataset("pair_discordant", shape: [pairs.count, 2], data: pairs.flatMap { [Int64($0.onlyA), Int64($0.onlyB)] })
        _ = try group.createDataset("pair_statistic", shape: [pairs.count], data: pairs.map(\.test.statistic))
        _ = try group.createDataset("pair_p_value", shape: [pairs.count], data: pairs.map(\.test.pValue))
    }

    var summary: ParamValue {
        .map([
            "dataset": .string(dataset),
            "table": .map(Dictionary(uniqueKeysWithValues: rows.map { row in (row.model, ParamValue.map(row.metrics.mapValues { .double($0) })) })),
            "mcnemar": .list(pairs.map { pair in
                .map(["a": .string(pair.a), "b": .string(pair.b), "only_a_correct": .int(pair.onlyA), "only_b_correct": .int(pair.onlyB),
                      "method": .string(pair.test.method), "statistic": .double(pair.test.statistic), "p_value": .double(pair.test.pValue)])
            }),
        ])
    }

    var lockMetrics: [String: Double] {
        var out: [String: Double] = [:]
        for pair in pairs { out["mcnemar.\(pair.a)_vs_\(pair.b).p_value"] = pair.test.pValue }
        return out
    }
}
