import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// Options of the `evaluate` kind that shape the numbers (all deterministic).
struct EvaluationOptions {
    /// The `k` of each top-k accuracy (values ≥ the class count are skipped).
    var topK: [Int]
    /// Reliability-diagram bins.
    var calibrationBins: Int
    /// Bootstrap resamples (0: no intervals) and confidence level.
    var bootstrapSamples: Int
    var confidence: Double
}

/// The scores of one model on one dataset: numbers, the HDF5 group holding them with curves, and the JSON entry.
struct DatasetEvaluation {
    /// Named scalar metrics in a fixed order.
    var scalars: [(String, Double)]
    /// The JSON summary entry.
    var summary: [String: ParamValue]
    /// Per-row correctness (classification), for paired tests between models.
    var correct: [Bool]?

    /// Scores `model` on `data` and writes the results into `group`.
    static func run(_ stored: StoredModel, data: Dataset, key: String, options: EvaluationOptions, generator: inout SeededGenerator,
                    group: HDF5Group) throws -> DatasetEvaluation {
        let model = stored.model
        guard data.columns == model.features else {
            throw StageError("input '\(key)' has \(data.columns) features per row; the model expects \(model.features)")
        }
        try group.setAttribute("rows", .int(Int64(data.rows)))
        if model.task == .regression {
            guard let targets = data.targets else { throw StageError("input '\(key)' has no regression targets to evaluate a regression model against") }
            guard data.rows > 0 else { throw StageError("input '\(key)' has no rows") }
            let predictions = try model.predict(data.floatFeatures(), rows: data.rows)
            let r = RegressionReport(targets: targets, predictions: predictions)
            let scalars = [("mse", r.mse), ("rmse", r.rmse), ("mae", r.mae), ("r2", r.r2), ("mape", r.mape)]
            try group.setAttribute("task", .string("regression"))
            for (name, value) in scalars { try group.setAttribute(name, .double(value)) }
            var entry = Dictionary(uniqueKeysWithValues: scalars.map { ($0.0, ParamValue.double($0.1)) })
            entry["rows"] = .int(data.rows)
            return DatasetEvaluation(scalars: scalars, summary: entry, correct: nil)
        }
        return try classification(stored, data: data, key: key, options: options, generator: &generator, group: group)
    }

    private static func classification(_ stored: StoredModel, data: Dataset, key: String, options: EvaluationOptions,
                                       generator: inout SeededGenerator, group: HDF5Group) throws -> DatasetEvaluation {
        let classes = stored.model.classes
        guard let labels = data.labels else { throw StageError("input '\(key)' has no labels to evaluate against") }
        guard labels.allSatisfy({ $0 >= 0 && Int($0) < classes }) else {
            throw StageError("input '\(key)' has labels outside the model's \(classes) classes")
        }
        let probabilities = try stored.model.predictProbabilities(data.floatFeatures(), rows: data.rows)
        let predicted = EvaluateStage.argmax(probabilities, rows: data.rows, classes: classes)
        let report = ClassificationReport(trueLabels: labels, predicted: predicted, probabilities: probabilities, classes: classes)
        let ovr = OneVsRestReport(trueLabels: labels, probabilities: probabilities, classes: classes)
        let calibration = CalibrationBins(trueLabels: labels, probabilities: probabilities, classes: classes, bins: options.calibrationBins)
        let names = (0..<classes).map { $0 < stored.classNames.count ? stored.classNames[$0] : String($0) }

        var scalars: [(String, Double)] = [
            ("accuracy", report.accuracy), ("balanced_accuracy", report.balancedAccuracy),
            ("macro_precision", report.macroPrecision), ("macro_recall", report.macroRecall), ("macro_f1", report.macroF1),
            ("micro_f1", report.microF1), ("weighted_precision", report.weightedPrecision), ("weighted_recall", report.weightedRecall),
            ("weighted_f1", report.weightedF1),
        ]
        if let logLoss = report.logLoss { scalars.append(("log_loss", logLoss)) }
        scalars.append(("brier", ProbabilityMetrics.brier(trueLabels: labels, probabilities: probabilities, classes: classes)))
        for (name, value) in [("roc_auc_macro", ovr.rocAUCMacro), ("roc_auc_weighted", ovr.rocAUCWeighted),
                              ("average_precision_macro", ovr.averagePrecisionMacro), ("average_precision_weighted", ovr.averagePrecisionWeighted)] {
            if let value { scalars.append((name, value)) }
        }
        for k in options.topK where k < classes {
            scalars.append(("top_\(k)_accuracy", ProbabilityMetrics.topK(k, trueLabels: labels, probabilities: probabilities, classes: classes)))
        }
        scalars.append(("expected_calibration_error", calibration.expectedCalibrationError))
        if options.bootstrapSamples > 0, data.rows > 0 {
            let intervals = Bootstrap.intervals(rows: data.rows, samples: options.bootstrapSamples, confidence: options.confidence, generator: &generator,
                                                metrics: [("accuracy", { Bootstrap.accuracy(labels, predicted, $0) }),
                                                          ("macro_f1", { Bootstrap.macroF1(labels, predicted, $0, classes: classes) })])
            for name in ["accuracy", "macro_f1"] {
                scalars.append(("\(name)_ci_low", intervals[name]!.lower))
                scalars.append(("\(name)_ci_high", intervals[name]!.upper))
            }
        }

        try group.setAttribute("task", .string("classification"))
        for (name, value) in scalars { try group.setAttribute(name, .double(value)) }
        if options.bootstrapSamples > 0 {
            try group.setAttribute("bootstrap", .string("percentile bootstrap, \(options.bootstrapSamples) resamples, confidence \(options.confidence)"))
        }
        try group.setAttribute("class_names", .strings(names))
        _ = try group.createDataset("precision", shape: [classes], data: report.precision)
        _ = try group.createDataset("recall", shape: [classes], data: report.recall)
        _ = try group.createDataset("f1", shape: [classes], data: report.f1)
        _ = try group.createDataset("support", shape: [classes], data: report.support.map(Int64.init))
        let confusion = try group.createDataset("confusion", shape: [classes, classes], data: report.confusion.flatMap { $0.map(Int64.init) })
        try confusion.setAttribute("meaning", .string("rows: true class, columns: predicted class"))
        try writeCurves(ovr, calibration: calibration, classes: classes, to: group)

        var perClass: [String: ParamValue] = [:]
        for c in 0..<classes {
            var entry: [String: ParamValue] = ["precision": .double(report.precision[c]), "recall": .double(report.recall[c]),
                                               "f1": .double(report.f1[c]), "support": .int(report.support[c])]
            if let auc = ovr.roc[c]?.auc { entry["roc_auc"] = .double(auc) }
            if let ap = ovr.pr[c]?.averagePrecision { entry["average_precision"] = .double(ap) }
            perClass[names[c]] = .map(entry)
        }
        var entry = Dictionary(uniqueKeysWithValues: scalars.map { ($0.0, ParamValue.double($0.1)) })
        entry["rows"] = .int(data.rows)
        entry["per_class"] = .map(perClass)
        entry["confusion"] = .list(report.confusion.map { .list($0.map { .int($0) }) })
        return DatasetEvaluation(scalars: scalars, summary: entry, correct: zip(labels, predicted).map { $0 == $1 })
    }

    /// ROC and PR points per class (`roc/fpr_C`, `roc/tpr_C`, `pr/precision_C`, `pr/recall_C`; per-class areas with
    /// NaN where undefined) and the reliability bins (`calibration/*`).
    private static func writeCurves(_ ovr: OneVsRestReport, calibration: CalibrationBins, classes: Int, to group: HDF5Group) throws {
        let roc = try group.createGroup("roc")
        try roc.setAttribute("meaning", .string("one-vs-rest ROC curve per class (collinear points dropped as sklearn's roc_curve)"))
        _ = try roc.createDataset("auc", shape: [classes], data: ovr.roc.map { $0?.auc ?? .nan })
        let pr = try group.createGroup("pr")
        try pr.setAttribute("meaning", .string("one-vs-rest precision-recall curve per class, thresholds descending"))
        _ = try pr.createDataset("average_precision", shape: [classes], data: ovr.pr.map { $0?.averagePrecision ?? .nan })
        for c in 0..<classes {
            if let curve = ovr.roc[c] {
                _ = try roc.createDataset("fpr_\(c)", shape: [curve.fpr.count], data: curve.fpr.map(Float.init))
                _ = try roc.createDataset("tpr_\(c)", shape: [curve.tpr.count], data: curve.tpr.map(Float.init))
            }
            if let curve = ovr.pr[c] {
                _ = try pr.createDataset("precision_\(c)", shape: [curve.precision.count], data: curve.precision.map(Float.init))
                _ = try pr.createDataset("recall_\(c)", shape: [curve.recall.count], data: curve.recall.map(Float.init))
            }
        }
        let bins = try group.createGroup("calibration")
        try bins.setAttribute("meaning", .string("top-label confidence in equal-width bins on [0, 1]: rows, mean confidence, accuracy per bin"))
        try bins.setAttribute("expected_calibration_error", .double(calibration.expectedCalibrationError))
        _ = try bins.createDataset("counts", shape: [calibration.bins], data: calibration.counts.map(Int64.init))
        _ = try bins.createDataset("mean_confidence", shape: [calibration.bins], data: calibration.meanConfidence)
        _ = try bins.createDataset("accuracy", shape: [calibration.bins], data: calibration.accuracy)
    }
}
