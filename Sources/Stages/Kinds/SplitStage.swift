import Learn
import PipelineSpec

/// `split`: a seeded hold-out split of one dataset into train / validation / test, stratified by label
/// when asked (per class, largest-remainder rounding so totals match the requested fractions).
public struct SplitStage: StageKind {
    public init() {}

    public var signature: StageSignature {
        StageSignature(
            kind: "split", summary: "Hold-out split into train, validation and test parts, optionally stratified by label.",
            params: [
                ParamDecl("validation", .number(min: 0, max: 1, exclusiveMax: true), default: .double(0.1), help: "Fraction of rows for validation."),
                ParamDecl("test", .number(min: 0, max: 1, exclusiveMax: true), default: .double(0.0), help: "Fraction of rows for test."),
                ParamDecl("stratify", .bool, default: .bool(true), help: "Keep class proportions in every part (needs labels)."),
            ],
            inputs: [InputRule(.dataset)],
            outputs: { context in
                var outputs = [OutputDecl("train", .dataset)]
                if (context.params["validation"]?.doubleValue ?? 0) > 0 { outputs.append(OutputDecl("validation", .dataset)) }
                if (context.params["test"]?.doubleValue ?? 0) > 0 { outputs.append(OutputDecl("test", .dataset)) }
                return outputs
            },
            check: { context in
                let v = context.params["validation"]?.doubleValue ?? 0, t = context.params["test"]?.doubleValue ?? 0
                return v + t < 1 ? [] : [KindProblem(.param("test"), "validation + test must leave rows for training; found \(v) + \(t) ≥ 1")]
            })
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let source = try Dataset.read(from: context.inputs(of: .dataset)[0].input.path)
        let stratify = context.bool("stratify")
        if stratify, source.labels == nil {
            throw StageError("stratify: true needs labels, but input '\(context.inputs(of: .dataset)[0].key)' has none; set stratify: false")
        }
        var generator = context.generator()
        let parts = holdoutSplit(labels: stratify ? source.labels : nil, count: source.rows,
                                 validation: context.double("validation"), test: context.double("test"),
                                 stratify: stratify, generator: &generator)
        var outputs: [String: String] = [:]
        var metrics: [String: Double] = [:]
        for (name, indices) in [("train", parts.train), ("validation", parts.validation), ("test", parts.test)] {
            guard name == "train" || context.double(name) > 0 else { continue }
            if indices.isEmpty { throw StageError("the \(name) part would be empty (\(source.rows) rows); adjust the fractions") }
            let path = context.outputPath(name)
            try source.subset(indices).write(to: path, provenance: context.provenance)
            outputs[name] = path
            metrics["\(name)_rows"] = Double(indices.count)
        }
        return StageResult(outputs: outputs, metrics: metrics)
    }
}
