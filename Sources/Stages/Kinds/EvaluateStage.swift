import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// `evaluate`: scores one or more models on each dataset input.
///
/// Classification: accuracy, balanced accuracy, precision/recall/F1 (micro, macro, weighted, per class), ROC AUC
/// and average precision (one-vs-rest, macro and weighted), log-loss, Brier score, top-k accuracy, confusion
/// matrix, reliability bins and optional percentile-bootstrap intervals; ROC/PR points and bins are stored for
/// the report. Regression models: MSE, RMSE, MAE, R², MAPE. Per model: parameters, nonzeros, FLOPs per sample
/// and file size (in the artifacts), and measured inference latency/throughput (lockfile only: wall-clock
/// numbers would make the hashed artifacts differ between runs). Several models get a comparison table with
/// McNemar's test on the hold-out dataset.
///
/// Layout: one model → a group per dataset at the root (summary keyed by dataset); several models → a group per
/// model holding a group per dataset, plus `/comparison`.
public struct EvaluateStage: StageKind {
    public init() {}

    public var signature: StageSignature {
        StageSignature(
            kind: "evaluate", summary: "Score models on labelled datasets (accuracy, F1, ROC/PR AUC, calibration, efficiency; several models are compared).",
            version: 2,
            params: [
                ParamDecl("top_k", .list(of: .int(min: 1)), default: .list([.int(3), .int(5)]),
                          help: "Top-k accuracies to report (k at or above the class count is skipped)."),
                ParamDecl("calibration_bins", .int(min: 2, max: 1000), default: .int(10), help: "Equal-width bins of the reliability diagram."),
                ParamDecl("bootstrap", .object([
                    ParamDecl("samples", .int(min: 1, max: 1_000_000), default: .int(1000), help: "Resamples (seeded)."),
                    ParamDecl("confidence", .number(min: 0, max: 1, exclusiveMin: true), default: .double(0.95), help: "Confidence level."),
                ]), help: "Percentile-bootstrap confidence intervals of accuracy and macro-F1, e.g. {samples: 1000, confidence: 0.95}."),
                ParamDecl("timing", .bool, default: .bool(true),
                          help: "Measure inference latency (batch 1, p50/p95) and throughput; recorded in the lockfile only."),
                ParamDecl("timing_repeats", .int(min: 1, max: 100_000), default: .int(100), help: "Batch-1 predictions timed per model."),
                ParamDecl("throughput_batch", .int(min: 1), default: .int(256), help: "Batch size of the throughput measurement."),
                ParamDecl("compare_on", .string, help: "Dataset input on which models are compared pairwise (default: the first)."),
            ],
            inputs: [InputRule(.model, min: 1, max: nil), InputRule(.dataset, min: 1, max: nil)],
            outputs: { _ in [OutputDecl("metrics", .metrics), OutputDecl("summary", .metrics)] },
            check: { context in Self.check(context) })
    }

    static func check(_ context: KindCheckContext) -> [KindProblem] {
        guard let name = context.params["compare_on"]?.stringValue else { return [] }
        let datasets = context.inputs.filter { $0.type == .dataset }.map(\.key)
        guard !datasets.contains(name) else { return [] }
        return [KindProblem(.param("compare_on"), "compare_on '\(name)' names none of the dataset inputs (\(datasets.joined(separator: ", ")))",
                            hint: Suggestion.hint(for: name, among: datasets))]
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let models = context.inputs(of: .model)
        let datasets = try context.inputs(of: .dataset).map { ($0.key, try Dataset.read(from: $0.input.path)) }
        let bootstrap = context.params["bootstrap"]?.mapValue
        let options = EvaluationOptions(topK: (context.param("top_k").listValue ?? []).compactMap(\.intValue),
                                        calibrationBins: context.int("calibration_bins"),
                                        bootstrapSamples: bootstrap?["samples"]?.intValue ?? 0, confidence: bootstrap?["confidence"]?.doubleValue ?? 0.95)
        let compareOn = context.params["compare_on"]?.stringValue ?? datasets[0].0
        let file = try HDF5File.create(context.outputPath("metrics"))
        let root = file.root
        try root.setAttribute("artifact", .string("metrics"))
        try root.setAttribute("models", .strings(models.map(\.key)))
        try root.setAttribute("datasets", .strings(datasets.map(\.0)))
        var summary: [String: ParamValue] = [:]
        var lockMetrics: [String: Double] = [:]
        var correctness: [(model: String, correct: [Bool])] = []
        var rows: [ModelComparison.Row] = []
        for (modelKey, input) in models {
            let stored = try StoredModel.read(from: input.path)
            let single = models.count == 1
            let modelGroup = single ? root : try root.createGroup(modelKey)
            let modelPrefix = single ? "" : "\(modelKey)."
            try modelGroup.setAttribute("model_family", .string(stored.model.family))
            try modelGroup.setAttribute("model_stage", .string(input.stage))
            var modelSummary: [String: ParamValue] = [:]
            var generator = context.generator("bootstrap/\(modelKey)")
            var row = ModelComparison.Row(model: modelKey, metrics: [:])
            for (key, data) in datasets {
                let group = try modelGroup.createGroup(key)
                let result = try DatasetEvaluation.run(stored, data: data, key: key, options: options, generator: &generator, group: group)
                let prefix = modelPrefix + (datasets.count == 1 ? "" : "\(key).")
                for (name, value) in result.scalars { lockMetrics[prefix + name] = value }
                modelSummary[key] = .map(result.summary)
                if key == compareOn {
                    row.metrics = Dictionary(result.scalars, uniquingKeysWith: { a, _ in a })
                    if let correct = result.correct { correctness.append((modelKey, correct)) }
                }
            }
            let efficiency = try ModelEfficiency.of(stored, path: input.path)
            try efficiency.write(to: try modelGroup.createGroup("efficiency"))
            for (name, value) in efficiency.scalars {
                lockMetrics[modelPrefix + name] = value
                row.metrics[name] = value
            }
            modelSummary["efficiency"] = .map(Dictionary(uniqueKeysWithValues: efficiency.scalars.map { ($0.0, ParamValue.double($0.1)) }))
            if context.bool("timing"), let (_, data) = datasets.first(where: { $0.0 == compareOn }) {
                let timing = try InferenceTiming.measure(stored.model, x: data.floatFeatures(), rows: data.rows, columns: data.columns,
                                                         repeats: context.int("timing_repeats"), batch: context.int("throughput_batch"))
                for (name, value) in timing { lockMetrics[modelPrefix + name] = value }
            }
            if single {
                summary = modelSummary
            } else {
                summary[modelKey] = .map(modelSummary)
            }
            rows.append(row)
        }
        if models.count > 1 {
            let comparison = ModelComparison(rows: rows, correctness: correctness, dataset: compareOn)
            try comparison.write(to: try root.createGroup("comparison"))
            summary["comparison"] = comparison.summary
            for (name, value) in comparison.lockMetrics { lockMetrics[name] = value }
        }
        try context.provenance.stamp(root)
        try file.close()
        let summaryPath = context.outputPath("summary", extension: "json")
        try Data((ParamValue.map(summary).canonicalJSON + "\n").utf8).write(to: URL(fileURLWithPath: summaryPath))
        return StageResult(outputs: ["metrics": context.outputPath("metrics"), "summary": summaryPath], metrics: lockMetrics)
    }

    /// Index of the largest probability per row (first on ties).
    static func argmax(_ p: [Float], rows: Int, classes: Int) -> [Int32] {
        p.withUnsafeBufferPointer { buffer in
            (0..<rows).map { r in
                var best = 0
                let row = r * classes
                for c in 1..<classes where buffer[row + c] > buffer[row + best] { best = c }
                return Int32(best)
            }
        }
    }
}
