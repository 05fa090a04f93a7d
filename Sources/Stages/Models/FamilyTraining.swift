import Learn
import PipelineSpec
import PipelineStore

/// The `train` kind's path for plug-in model families: in-memory rows, labels or targets, one `fit` call.
enum FamilyTraining {
    /// Stage parameters that only the network engine reads and that have no default, so giving one with a
    /// plug-in family is a mistake worth reporting.
    static let networkOnly = ["optimizer", "warmup", "clip_norm", "clip_value", "max_norm", "early_stopping"]

    static func check(_ family: any ModelFamily, _ context: KindCheckContext) -> [KindProblem] {
        var problems = networkOnly.filter { context.params[$0] != nil }.map {
            KindProblem(.param($0), "'\($0)' applies to networks and softmax_regression; model '\(family.name)' does not use it",
                        hint: "remove it, or set the family's own options under model:")
        }
        let modelParams = context.params["model"]?.mapValue ?? [:]
        problems += family.check(modelParams).map { KindProblem(.param("model"), $0) }
        return problems
    }

    static func fitData(_ path: String, key: String, classes: Int?) throws -> FitData {
        let data = try Dataset.read(from: path)
        if data.labels == nil, data.targets == nil {
            throw StageError("input '\(key)' has neither labels nor regression targets to fit")
        }
        return FitData(x: data.floatFeatures(), rows: data.rows, columns: data.columns, labels: data.labels, targets: data.labels == nil ? data.targets : nil,
                       classes: data.labels == nil ? 0 : max(classes ?? 0, data.classCount), featureNames: data.featureNames)
    }

    static func run(_ family: any ModelFamily, _ context: StageContext) throws -> StageResult {
        let datasets = context.inputs(of: .dataset)
        let trainEntry = datasets.count == 1 ? datasets[0] : datasets.first { $0.key == "train" }!
        let validationEntry = datasets.first { $0.key != trainEntry.key }
        let header = try DatasetHeader.read(from: trainEntry.input.path)
        let train = try fitData(trainEntry.input.path, key: trainEntry.key, classes: nil)
        guard family.tasks.contains(train.task) else {
            let supported = family.tasks.map(\.rawValue).sorted().joined(separator: ", ")
            throw StageError("model '\(family.name)' fits \(supported); input '\(trainEntry.key)' holds a \(train.task.rawValue) problem"
                             + (train.task == .regression ? " (targets, no labels)" : " (labels)"))
        }
        if train.task == .classification, train.classes < 2 {
            throw StageError("training input '\(trainEntry.key)' has \(train.classes) class; need at least 2")
        }
        let validation = try validationEntry.map { try fitData($0.input.path, key: $0.key, classes: train.classes) }
        if let validation {
            guard validation.columns == train.columns else {
                throw StageError("validation input has \(validation.columns) features per row, train has \(train.columns)")
            }
            guard validation.task == train.task else { throw StageError("validation input holds a \(validation.task.rawValue) problem, train a \(train.task.rawValue) one") }
        }
        let params = context.param("model").mapValue ?? [:]
        let fitContext = FitContext(seed: context.seed, streamPrefix: context.stage, validation: validation, report: context.report)
        let fitted = try family.fit(train, params: params, context: fitContext)

        let path = context.outputPath("model")
        let attributes: [String: HDF5AttributeValue] = [
            "trained_on": .string("\(trainEntry.input.stage) (input '\(trainEntry.key)')"), "train_rows": .int(Int64(train.rows)),
        ]
        try StoredModel(model: .fitted(fitted), classNames: header.classNames, sampleShape: header.sampleShape)
            .write(to: path, provenance: context.provenance, attributes: attributes)
        return StageResult(outputs: ["model": path], metrics: fitted.fitMetrics)
    }
}
