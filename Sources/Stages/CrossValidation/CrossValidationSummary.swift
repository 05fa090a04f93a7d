import Learn
import PipelineSpec
import PipelineStore

/// Cross-validation results: per-fold scores of each model, their mean and standard deviation (ddof 1), and
/// the corrected resampled t-test (Nadeau & Bengio) on the primary score for every pair of models.
struct CrossValidationSummary {
    let models: [String]
    let scores: [String: [[String: Double]]]
    let primary: String
    /// Mean fraction of rows in a test fold (n_test / n), for the t-test's variance correction.
    let testFraction: Double

    var metricNames: [String] { scores[models[0]]?.first?.keys.sorted() ?? [] }

    func values(_ model: String, _ metric: String) -> [Double] { scores[model]!.map { $0[metric]! } }

    static func meanStd(_ v: [Double]) -> (Double, Double) {
        let mean = v.reduce(0, +) / Double(v.count)
        let variance = v.count < 2 ? 0 : v.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)
        return (mean, variance.squareRoot())
    }

    var pairs: [(a: String, b: String, meanDifference: Double, test: PairedTestResult)] {
        var out: [(String, String, Double, PairedTestResult)] = []
        for i in 0..<models.count {
            for j in (i + 1)..<models.count {
                let d = zip(values(models[i], primary), values(models[j], primary)).map { $0 - $1 }
                guard d.count >= 2 else { continue }
                out.append((models[i], models[j], d.reduce(0, +) / Double(d.count),
                            StatisticalTests.correctedResampledT(differences: d, testFraction: testFraction)))
            }
        }
        return out
    }

    func write(to root: HDF5Group) throws {
        try root.setAttribute("models", .strings(models))
        try root.setAttribute("primary_metric", .string(primary))
        for model in models {
            let group = try root.createGroup(model)
            try group.setAttribute("metrics", .strings(metricNames))
            let folds = scores[model]!.count
            _ = try group.createDataset("folds", shape: [folds, metricNames.count], data: scores[model]!.flatMap { s in metricNames.map { s[$0]! } })
            for metric in metricNames {
                let (mean, std) = Self.meanStd(values(model, metric))
                try group.setAttribute("\(metric)_mean", .double(mean))
                try group.setAttribute("\(metric)_std", .double(std))
            }
        }
        let tests = pairs
        guard !tests.isEmpty else { return }
        let comparison = try root.createGroup("comparison")
        try comparison.setAttribute("method", .string("corrected resampled t-test (Nadeau & Bengio) on \(primary), test fraction \(testFraction)"))
        _ = try comparison.createStringDataset("pair_a", tests.map(\.a))
        _ = try comparison.createStringDataset("pair_b", tests.map(\.b))
        _ = try comparison.createDataset("mean_difference", shape: [tests.count], data: tests.map(\.meanDifference))
        _ = try comparison.createDataset("t", shape: [tests.count], data: tests.map(\.test.statistic))
        _ = try comparison.createDataset("p_value", shape: [tests.count], data: tests.map(\.test.pValue))
    }

    var json: ParamValue {
        var out: [String: ParamValue] = ["primary_metric": .string(primary)]
        for model in models {
            var entry: [String: ParamValue] = ["folds": .list(scores[model]!.map { .map($0.mapValues { .double($0) }) })]
            for metric in metricNames {
                let (mean, std) = Self.meanStd(values(model, metric))
                entry["\(metric)_mean"] = .double(mean)
                entry["\(metric)_std"] = .double(std)
            }
            out[model] = .map(entry)
        }
        out["corrected_t_test"] = .list(pairs.map { pair in
            .map(["a": .string(pair.a), "b": .string(pair.b), "mean_difference": .double(pair.meanDifference),
                  "t": .double(pair.test.statistic), "p_value": .double(pair.test.pValue)])
        })
        return .map(out)
    }

    var lockMetrics: [String: Double] {
        var out: [String: Double] = [:]
        for model in models {
            let prefix = models.count == 1 ? "" : "\(model)."
            for metric in metricNames {
                let (mean, std) = Self.meanStd(values(model, metric))
                out["\(prefix)\(metric)_mean"] = mean
                out["\(prefix)\(metric)_std"] = std
            }
        }
        for pair in pairs { out["ttest.\(pair.a)_vs_\(pair.b).p_value"] = pair.test.pValue }
        return out
    }
}
