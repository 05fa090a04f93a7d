import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// `evaluate`: scores one model on each dataset input — accuracy, per-class precision/recall/F1,
/// macro and weighted F1, confusion matrix, log-loss — written as an HDF5 `metrics` artifact and a JSON
/// `summary`; key numbers go to the lockfile.
public struct EvaluateStage: StageKind {
    public init() {}

    public var signature: StageSignature {
        StageSignature(
            kind: "evaluate", summary: "Score a model on labelled datasets (accuracy, precision/recall/F1, confusion matrix, log-loss).",
            params: [],
            inputs: [InputRule(.model), InputRule(.dataset, min: 1, max: nil)],
            outputs: { _ in [OutputDecl("metrics", .metrics), OutputDecl("summary", .metrics)] })
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let stored = try StoredModel.read(from: context.inputs(of: .model)[0].input.path)
        let datasets = context.inputs(of: .dataset)
        let file = try HDF5File.create(context.outputPath("metrics"))
        let root = file.root
        try root.setAttribute("artifact", .string("metrics"))
        var summary: [String: ParamValue] = [:]
        var lockMetrics: [String: Double] = [:]
        for (key, input) in datasets {
            let data = try Dataset.read(from: input.path)
            guard data.columns == stored.model.features else {
                throw StageError("input '\(key)' has \(data.columns) features per row; the model expects \(stored.model.features)")
            }
            guard let labels = data.labels else { throw StageError("input '\(key)' has no labels to evaluate against") }
            let classes = stored.model.classes
            guard labels.allSatisfy({ $0 >= 0 && Int($0) < classes }) else {
                throw StageError("input '\(key)' has labels outside the model's \(classes) classes")
            }
            let probabilities = try stored.model.predictProbabilities(data.floatFeatures(), rows: data.rows)
            let predicted = Self.argmax(probabilities, rows: data.rows, classes: classes)
            let report = ClassificationReport(trueLabels: labels, predicted: predicted, probabilities: probabilities, classes: classes)
            let names = (0..<classes).map { $0 < stored.classNames.count ? stored.classNames[$0] : String($0) }

            let group = try root.createGroup(key)
            let scalars: [(String, Double)] = [("accuracy", report.accuracy), ("macro_precision", report.macroPrecision),
                                               ("macro_recall", report.macroRecall), ("macro_f1", report.macroF1),
                                               ("weighted_f1", report.weightedF1)] + (report.logLoss.map { [("log_loss", $0)] } ?? [])
            for (name, value) in scalars { try group.setAttribute(name, .double(value)) }
            try group.setAttribute("rows", .int(Int64(data.rows)))
            try group.setAttribute("class_names", .strings(names))
            _ = try group.createDataset("precision", shape: [classes], data: report.precision)
            _ = try group.createDataset("recall", shape: [classes], data: report.recall)
            _ = try group.createDataset("f1", shape: [classes], data: report.f1)
            _ = try group.createDataset("support", shape: [classes], data: report.support.map(Int64.init))
            let confusion = try group.createDataset("confusion", shape: [classes, classes], data: report.confusion.flatMap { $0.map(Int64.init) })
            try confusion.setAttribute("meaning", .string("rows: true class, columns: predicted class"))

            let prefix = datasets.count == 1 ? "" : "\(key)."
            for (name, value) in scalars { lockMetrics[prefix + name] = value }
            var perClass: [String: ParamValue] = [:]
            for c in 0..<classes {
                perClass[names[c]] = .map(["precision": .double(report.precision[c]), "recall": .double(report.recall[c]),
                                           "f1": .double(report.f1[c]), "support": .int(report.support[c])])
            }
            var entry = Dictionary(uniqueKeysWithValues: scalars.map { ($0.0, ParamValue.double($0.1)) })
            entry["rows"] = .int(data.rows)
            entry["per_class"] = .map(perClass)
            entry["confusion"] = .list(report.confusion.map { .list($0.map { .int($0) }) })
            summary[key] = .map(entry)
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
