import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// `cross_validate`: k-fold (optionally stratified, repeated) cross-validation of one model or several on a
/// labelled dataset. Per fold the `steps` chain (the `preprocess` kind's steps) is fitted on the fold's training
/// rows only and applied to its test rows — no leakage — then each model is fitted and scored. Outputs metrics
/// per fold with mean and standard deviation (ddof 1) and, for several models, Nadeau & Bengio's corrected
/// resampled t-test between every pair on the fold scores (accuracy; R² for regression). With `tune:` it is
/// nested cross-validation: each outer fold's training rows alone choose the parameters by an inner search
/// (`NestedTuning`), and the outer folds score the chosen configurations.
public struct CrossValidateStage: StageKind {
    public init() {}

    /// Sees every transform chain the stage fits (tests use it to check that no test row reaches a fit).
    var observeFit: FitObserver? = nil

    public var signature: StageSignature {
        let train = Dictionary(TrainStage().signature.params.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return StageSignature(
            kind: "cross_validate", summary: "K-fold cross-validation of one or several models, with per-fold preprocessing and paired tests.",
            params: [
                ParamDecl("folds", .int(min: 2, max: 1000), default: .int(5), help: "Number of folds k."),
                ParamDecl("repeats", .int(min: 1, max: 1000), default: .int(1), help: "Repetitions with fresh (seeded) fold assignments."),
                ParamDecl("stratified", .bool, default: .bool(true), help: "Keep class proportions in every fold (labelled data)."),
                ParamDecl("steps", .list(of: TransformCatalog.builtIn.stepType), default: .list([]),
                          help: "Transform steps fitted on each fold's training rows only, as the preprocess kind's steps."),
                ParamDecl("model", TrainingParameters.model, help: "The model to validate (the train kind's model:)."),
                ParamDecl("models", .dictionary(of: TrainingParameters.model), help: "Several models by name, compared pairwise."),
                ParamDecl("tune", NestedTuning.declaration,
                          help: "Nested cross-validation: per outer fold, search these model/step parameters by inner k-fold CV on the outer training rows."),
            ] + FoldFitting.trainingKeys.compactMap { train[$0] },
            inputs: [InputRule(.dataset)],
            outputs: { _ in [OutputDecl("metrics", .metrics), OutputDecl("summary", .metrics)] },
            check: { context in Self.check(context) },
            pluginVersions: ModelFamilyCatalog.builtInVersions)
    }

    static func check(_ context: KindCheckContext) -> [KindProblem] {
        let hasModel = context.params["model"] != nil, models = context.params["models"]?.mapValue
        var problems: [KindProblem] = []
        if hasModel == (models != nil) {
            problems.append(KindProblem(.stage, hasModel ? "give either 'model' or 'models', not both" : "cross_validate needs 'model' or 'models'",
                                        hint: "models: {a: softmax_regression, b: {type: mlp, layers: [64]}}"))
        }
        if let models, models.isEmpty { problems.append(KindProblem(.param("models"), "expected at least one model")) }
        for (index, step) in (context.params["steps"]?.listValue ?? []).enumerated() {
            guard let mapping = step.mapValue, let name = mapping["type"]?.stringValue, let kind = TransformCatalog.builtIn.step(name) else { continue }
            problems += kind.check(mapping).map { KindProblem(.param("steps"), "steps[\(index)] (\(name)): \($0)") }
        }
        if let tune = context.params["tune"]?.mapValue { problems += NestedTuning.check(tune, params: context.params) }
        return problems
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let input = context.inputs(of: .dataset)[0]
        let data = try Dataset.read(from: input.input.path)
        let models: [(String, [String: ParamValue])] = context.params["models"]?.mapValue.map { m in m.keys.sorted().map { ($0, m[$0]!.mapValue ?? [:]) } }
            ?? [("model", context.param("model").mapValue ?? [:])]
        let task: ModelTask = data.labels != nil ? .classification : .regression
        guard task == .classification || data.targets != nil else { throw StageError("input '\(input.key)' has neither labels nor regression targets") }
        let k = context.int("folds"), repeats = context.int("repeats")
        guard data.rows >= k else { throw StageError("input '\(input.key)' has \(data.rows) rows, fewer than \(k) folds") }
        let classes = data.classCount
        let specs = (context.param("steps").listValue ?? []).compactMap(\.mapValue)
        let fitting = FoldFitting(context: context)
        let stratify = context.bool("stratified") && task == .classification
        let tuning = try context.params["tune"]?.mapValue.map { try NestedTuning($0, task: task) }
        var choices: [NestedFoldChoice] = [], outer: [Double] = []

        var scores = [String: [[String: Double]]]()   // model → one metric map per (repeat, fold)
        var testRows = 0
        for r in 0..<repeats {
            var generator = context.generator("folds/\(r)")
            let folds = kFolds(count: data.rows, k: k, labels: stratify ? data.labels : nil, generator: &generator)
            for (f, testIndices) in folds.enumerated() {
                let inTest = Set(testIndices)
                let trainRaw = data.subset((0..<data.rows).filter { !inTest.contains($0) }), testRaw = data.subset(testIndices)
                let stream = "\(context.stage)/repeat\(r)/fold\(f)"
                var foldSteps = specs, foldModels = models
                if let tuning {
                    // The search sees the outer training rows only; its best configuration is refitted below
                    // on all of them, exactly as a plain fold with that configuration would be.
                    let choice = try tuning.search(train: trainRaw, base: .init(model: models[0].1, steps: specs), classes: classes, stratified: stratify,
                                                   seed: context.seed, stream: "\(stream)/tune", fitting: fitting, observe: observeFit)
                    choices.append(choice)
                    foldSteps = choice.configuration.steps
                    foldModels = [(models[0].0, choice.configuration.model)]
                }
                let (chain, train) = try FittedChain.fit(foldSteps, on: trainRaw, context: FitContext(seed: context.seed, streamPrefix: stream))
                observeFit?(stream, trainRaw, chain)
                let test = try chain.transform(testRaw)
                testRows += test.rows
                for (name, model) in foldModels {
                    let predictions = try fitting.fitPredict(model: model, name: name, train: train, test: test, classes: classes, stream: "\(stream)/\(name)")
                    scores[name, default: []].append(try Self.score(predictions, test: test, classes: classes))
                }
                if let tuning { outer.append(scores[models[0].0]!.last![tuning.metric] ?? .nan) }
                context.report(.progress(step: r * k + f + 1, total: repeats * k, message: "fold \(f + 1)/\(k) repeat \(r + 1)/\(repeats)"))
            }
        }
        let summary = CrossValidationSummary(models: models.map(\.0), scores: scores, primary: task == .classification ? "accuracy" : "r2",
                                             testFraction: Double(testRows) / Double(repeats * data.rows) / Double(k))
        let path = context.outputPath("metrics")
        let file = try HDF5File.create(path)
        try file.root.setAttribute("artifact", .string("metrics"))
        let nested = tuning.map { NestedSummary(tuning: $0, choices: choices, outer: outer) }
        var protocolName = "\(repeats)× \(k)-fold" + (stratify ? " stratified" : "") + " cross-validation"
        if let tuning { protocolName = "nested " + protocolName + ", \(tuning.strategyName) search of \(tuning.trials) trials by inner \(tuning.innerFolds)-fold CV on \(tuning.metric)" }
        try file.root.setAttribute("protocol", .string(protocolName))
        try file.root.setAttribute("rows", .int(Int64(data.rows)))
        try summary.write(to: file.root)
        try nested?.write(to: file.root)
        try context.provenance.stamp(file.root)
        try file.close()
        let summaryPath = context.outputPath("summary", extension: "json")
        var json = summary.json
        if let nested, case .map(var fields) = json {
            fields["tuning"] = nested.json
            json = .map(fields)
        }
        try Data((json.canonicalJSON + "\n").utf8).write(to: URL(fileURLWithPath: summaryPath))
        return StageResult(outputs: ["metrics": path, "summary": summaryPath],
                           metrics: summary.lockMetrics.merging(nested?.lockMetrics ?? [:]) { a, _ in a })
    }

    /// The fold's scores: accuracy, balanced accuracy, macro-F1 and log-loss, or MSE, RMSE, MAE and R².
    static func score(_ predictions: [Float], test: Dataset, classes: Int) throws -> [String: Double] {
        if let labels = test.labels {
            let predicted = EvaluateStage.argmax(predictions, rows: test.rows, classes: classes)
            let report = ClassificationReport(trueLabels: labels, predicted: predicted, probabilities: predictions, classes: classes)
            return ["accuracy": report.accuracy, "balanced_accuracy": report.balancedAccuracy, "macro_f1": report.macroF1, "log_loss": report.logLoss ?? .nan]
        }
        let report = RegressionReport(targets: test.targets!, predictions: predictions)
        return ["mse": report.mse, "rmse": report.rmse, "mae": report.mae, "r2": report.r2]
    }
}
