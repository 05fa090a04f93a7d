import Foundation
import Learn
import PipelineSpec

/// Fits one `model:` value (the `train` kind's union) on one fold's training rows and predicts its test rows.
///
/// Families: every plug-in family of `ModelFamilyCatalog.builtIn` (through `ModelFamily.fit`, as `train` does),
/// `softmax_regression` (L-BFGS or SGD) and the networks `mlp` / `sequential` (through the `train` kind's own
/// engines, run with a per-fold context so each fold draws its own random streams).
struct FoldFitting {
    /// The cross-validate stage's context (training options such as epochs and optimizer live in its params).
    let context: StageContext
    /// Names of the `train` parameters the stage forwards to the training engines.
    static let trainingKeys = ["optimizer", "schedule", "warmup", "loss", "epochs", "batch_size", "l1", "l2", "tolerance"]

    /// Fits `model` on `train` and returns predictions for `test` (probabilities `rows × classes`, or values).
    func fitPredict(model: [String: ParamValue], name: String, train: Dataset, test: Dataset, classes: Int, stream: String) throws -> [Float] {
        let family = model["type"]?.stringValue ?? "softmax_regression"
        if let plugIn = ModelFamilyCatalog.builtIn.family(family) {
            let data = FitData(x: train.floatFeatures(), rows: train.rows, columns: train.columns, labels: train.labels,
                               targets: train.labels == nil ? train.targets : nil, classes: train.labels == nil ? 0 : classes,
                               featureNames: train.featureNames)
            guard plugIn.tasks.contains(data.task) else {
                throw StageError("model '\(name)' (\(family)) does not fit \(data.task.rawValue) problems")
            }
            let fitted = try plugIn.fit(data, params: model, context: FitContext(seed: context.seed, streamPrefix: stream, report: context.report))
            return try ModelArtifact.fitted(fitted).predict(test.floatFeatures(), rows: test.rows)
        }
        guard let labels = train.labels else { throw StageError("model '\(name)' (\(family)) needs labels; the input holds regression targets") }
        let fold = foldContext(model: model, stream: stream)
        if family == "softmax_regression" {
            let fitted = try SoftmaxTraining.run(fold, train: train, labels: labels, validation: nil, classes: classes)
            return fitted.predictProbabilities(test.floatFeatures(), rows: test.rows)
        }
        let source = InMemoryBatchSource(storage: NetworkTraining.storage(train), labels: labels, columns: train.columns)
        let trained = try NetworkTraining(context: fold).run(train: source, trainShape: train.sampleShape, labels: labels, validation: nil, classes: classes)
        return try trained.snapshot.predictProbabilities(test.floatFeatures(), rows: test.rows)
    }

    /// A `train`-like context: the train kind's defaults, the stage's training options, this model, and a
    /// stage name that makes the random streams (init, shuffling) specific to the fold and model.
    private func foldContext(model: [String: ParamValue], stream: String) -> StageContext {
        var params: [String: ParamValue] = [:]
        for decl in TrainStage().signature.params { if let value = decl.defaultValue { params[decl.name] = value } }
        for key in Self.trainingKeys { if let value = context.params[key] { params[key] = value } }
        params["model"] = .map(model)
        let checkpoints = context.checkpointDirectory + "/" + stream.replacingOccurrences(of: "/", with: "_")
        try? FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)
        return StageContext(stage: stream, params: params, inputs: [:], inputOrder: [], outputDirectory: context.outputDirectory,
                            checkpointDirectory: checkpoints, baseDirectory: context.baseDirectory, seed: context.seed,
                            provenance: context.provenance, report: { _ in })
    }
}
