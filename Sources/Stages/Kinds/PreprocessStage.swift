import Learn
import PipelineSpec
import PipelineStore

/// `preprocess`: an ordered list of transform steps (`TransformCatalog`), each fitted on the training input
/// only (`fit_on`) and applied unchanged to every other input; outputs each input under its own name plus the
/// fitted `transform` (one HDF5 group per step), so evaluation and inference apply exactly the same chain.
/// Steps that resample (outlier removal, over-sampling, augmentation) change the fitted input's rows only.
public struct PreprocessStage: StageKind {
    public init() {}

    public var signature: StageSignature {
        StageSignature(
            kind: "preprocess", summary: "Fit a chain of transform steps on the training input and apply it to every input.",
            params: [
                ParamDecl("steps", .list(of: TransformCatalog.builtIn.stepType, minCount: 1), required: true,
                          help: "Steps in order, e.g. [{type: standard}]; each is fitted on the output of the previous one."),
                ParamDecl("fit_on", .string, default: .string("train"), help: "Which input the steps are fitted on."),
            ],
            inputs: [InputRule(.dataset, min: 1, max: nil)],
            outputs: { context in
                context.inputs.map { OutputDecl($0.key, .dataset) } + [OutputDecl("transform", .transform)]
            },
            check: { context in Self.check(context) })
    }

    /// Checks shared by the kinds that fit on one input and output every input plus a `transform`:
    /// `fit_on` names an input, and no input takes the name `transform`.
    static func fitOnProblems(_ context: KindCheckContext, fitted: String) -> [KindProblem] {
        var problems: [KindProblem] = []
        let keys = context.inputs.map(\.key)
        let fitOn = context.params["fit_on"]?.stringValue ?? "train"
        if keys.count > 1, !keys.contains(fitOn) {
            problems.append(KindProblem(.param("fit_on"), "fit_on '\(fitOn)' names none of the inputs (\(keys.joined(separator: ", ")))",
                                        hint: Suggestion.hint(for: fitOn, among: keys)))
        }
        if keys.contains("transform") {
            problems.append(KindProblem(.inputs, "an input may not be named 'transform': that name is the fitted \(fitted)'s output"))
        }
        return problems
    }

    static func check(_ context: KindCheckContext) -> [KindProblem] {
        var problems = fitOnProblems(context, fitted: "chain")
        for (index, step) in (context.params["steps"]?.listValue ?? []).enumerated() {
            guard let mapping = step.mapValue, let name = mapping["type"]?.stringValue, let kind = TransformCatalog.builtIn.step(name) else { continue }
            problems += kind.check(mapping).map { KindProblem(.param("steps"), "steps[\(index)] (\(name)): \($0)") }
        }
        return problems
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let datasets = context.inputs(of: .dataset)
        let fitKey = datasets.count == 1 ? datasets[0].key : context.string("fit_on")
        let fitInput = datasets.first { $0.key == fitKey }!
        let fitData = try Dataset.read(from: fitInput.input.path)
        let specs = (context.param("steps").listValue ?? []).compactMap(\.mapValue)
        let fitContext = FitContext(seed: context.seed, streamPrefix: context.stage, report: context.report)
        let (chain, fittedTrain) = try FittedChain.fit(specs, on: fitData, context: fitContext)

        var outputs: [String: String] = [:]
        var metrics: [String: Double] = ["fitted_rows": Double(fitData.rows), "output_columns": Double(fittedTrain.columns)]
        for (key, input) in datasets {
            let result: Dataset
            if key == fitKey {
                result = fittedTrain
                if fittedTrain.rows != fitData.rows { metrics["\(key)_rows"] = Double(fittedTrain.rows) }
            } else {
                let data = try Dataset.read(from: input.path)
                guard data.columns == fitData.columns else {
                    throw StageError("input '\(key)' has \(data.columns) features per row but '\(fitKey)' has \(fitData.columns)")
                }
                result = try chain.transform(data)
            }
            let path = context.outputPath(key)
            try result.write(to: path, provenance: context.provenance)
            outputs[key] = path
        }
        let transformPath = context.outputPath("transform")
        let file = try HDF5File.create(transformPath)
        try file.root.setAttribute("artifact", .string("transform"))
        try file.root.setAttribute("method", .string(chain.steps.map(\.method).joined(separator: " → ")))
        try file.root.setAttribute("fitted_on", .string("\(fitInput.input.stage) (input '\(fitKey)')"))
        try file.root.setAttribute("fitted_rows", .int(Int64(fitData.rows)))
        try file.root.setAttribute("input_columns", .int(Int64(fitData.columns)))
        if !fittedTrain.featureNames.isEmpty { try file.root.setAttribute("output_feature_names", .strings(fittedTrain.featureNames)) }
        try chain.write(to: file.root)
        try context.provenance.stamp(file.root)
        try file.close()
        outputs["transform"] = transformPath
        return StageResult(outputs: outputs, metrics: metrics)
    }
}
