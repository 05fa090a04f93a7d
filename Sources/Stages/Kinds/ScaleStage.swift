import Learn
import PipelineSpec
import PipelineStore

/// `scale`: standardization or min-max scaling, fitted on one input only (`fit_on`, default `train`)
/// and applied unchanged to every dataset input, so statistics never leak from validation or test data.
/// Outputs each input under its own name plus the fitted `transform`.
public struct ScaleStage: StageKind {
    public init() {}

    public var signature: StageSignature {
        StageSignature(
            kind: "scale", summary: "Standardize or min-max scale features, fitted on the training input only.",
            params: [
                ParamDecl("method", .choice(["standard", "minmax"]), default: .string("standard"),
                          help: "standard: (x − mean) / std (population std; constant columns keep scale 1). minmax: map [min, max] to feature_range."),
                ParamDecl("fit_on", .string, default: .string("train"), help: "Which input the statistics are fitted on."),
                ParamDecl("feature_range", .list(of: .number(), minCount: 2), default: .list([.double(0), .double(1)]),
                          help: "Target range [low, high] of minmax."),
            ],
            inputs: [InputRule(.dataset, min: 1, max: nil)],
            outputs: { context in
                context.inputs.map { OutputDecl($0.key, .dataset) } + [OutputDecl("transform", .transform)]
            },
            check: { context in
                var problems = PreprocessStage.fitOnProblems(context, fitted: "scaler")
                let range = context.params["feature_range"]?.listValue?.compactMap(\.doubleValue) ?? [0, 1]
                if range.count != 2 || range[0] >= range[1] {
                    problems.append(KindProblem(.param("feature_range"), "expected [low, high] with low < high, found \(range)"))
                }
                return problems
            })
    }

    /// A fitted scaler of either method.
    enum Fitted {
        case standard(StandardScaler)
        case minmax(MinMaxScaler)

        func transform(_ dataset: Dataset) -> [Float] {
            var out = [Float](repeating: 0, count: dataset.features.count)
            out.withUnsafeMutableBufferPointer { dst in
                switch (self, dataset.features) {
                case let (.standard(s), .uint8(v)): v.withUnsafeBufferPointer { s.transform($0, rows: dataset.rows, into: dst) }
                case let (.standard(s), .float32(v)): v.withUnsafeBufferPointer { s.transform($0, rows: dataset.rows, into: dst) }
                case let (.minmax(s), .uint8(v)): v.withUnsafeBufferPointer { s.transform($0, rows: dataset.rows, into: dst) }
                case let (.minmax(s), .float32(v)): v.withUnsafeBufferPointer { s.transform($0, rows: dataset.rows, into: dst) }
                }
            }
            return out
        }
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let datasets = context.inputs(of: .dataset)
        let fitKey = datasets.count == 1 ? datasets[0].key : context.string("fit_on")
        let fitInput = datasets.first { $0.key == fitKey }!
        let fitData = try Dataset.read(from: fitInput.input.path)
        let range = context.param("feature_range").listValue!.map { Float($0.doubleValue!) }
        let fitted: Fitted
        switch (context.string("method"), fitData.features) {
        case ("standard", .uint8(let v)): fitted = .standard(v.withUnsafeBufferPointer { StandardScaler.fit($0, rows: fitData.rows, cols: fitData.columns) })
        case ("standard", .float32(let v)): fitted = .standard(v.withUnsafeBufferPointer { StandardScaler.fit($0, rows: fitData.rows, cols: fitData.columns) })
        case (_, .uint8(let v)): fitted = .minmax(v.withUnsafeBufferPointer { MinMaxScaler.fit($0, rows: fitData.rows, cols: fitData.columns, featureRange: (range[0], range[1])) })
        case (_, .float32(let v)): fitted = .minmax(v.withUnsafeBufferPointer { MinMaxScaler.fit($0, rows: fitData.rows, cols: fitData.columns, featureRange: (range[0], range[1])) })
        }

        var outputs: [String: String] = [:]
        for (key, input) in datasets {
            let data = key == fitKey ? fitData : try Dataset.read(from: input.path)
            guard data.columns == fitData.columns else {
                throw StageError("input '\(key)' has \(data.columns) features per row but '\(fitKey)' has \(fitData.columns)")
            }
            var scaled = data
            scaled.features = .float32(fitted.transform(data))
            let path = context.outputPath(key)
            try scaled.write(to: path, provenance: context.provenance)
            outputs[key] = path
        }
        let transformPath = context.outputPath("transform")
        try writeTransform(fitted, to: transformPath, fittedOn: "\(fitInput.input.stage) (input '\(fitKey)')", rows: fitData.rows,
                           sampleShape: fitData.sampleShape, provenance: context.provenance)
        outputs["transform"] = transformPath
        return StageResult(outputs: outputs, metrics: ["fitted_rows": Double(fitData.rows)])
    }

    private func writeTransform(_ fitted: Fitted, to path: String, fittedOn: String, rows: Int, sampleShape: [Int], provenance: Provenance) throws {
        let file = try HDF5File.create(path)
        let root = file.root
        try root.setAttribute("artifact", .string("transform"))
        try root.setAttribute("fitted_on", .string(fittedOn))
        try root.setAttribute("fitted_rows", .int(Int64(rows)))
        try root.setAttribute("sample_shape", .ints(sampleShape.map(Int64.init)))
        switch fitted {
        case .standard(let s):
            try root.setAttribute("method", .string("standard"))
            try root.setAttribute("formula", .string("y = (x - mean) / scale"))
            _ = try root.createDataset("mean", shape: [s.mean.count], data: s.mean)
            _ = try root.createDataset("scale", shape: [s.scale.count], data: s.scale)
        case .minmax(let s):
            try root.setAttribute("method", .string("minmax"))
            try root.setAttribute("formula", .string("y = x * scale + offset"))
            try root.setAttribute("feature_range", .doubles([Double(s.featureRange.min), Double(s.featureRange.max)]))
            _ = try root.createDataset("data_min", shape: [s.dataMin.count], data: s.dataMin)
            _ = try root.createDataset("data_max", shape: [s.dataMax.count], data: s.dataMax)
            _ = try root.createDataset("scale", shape: [s.scale.count], data: s.scale)
            _ = try root.createDataset("offset", shape: [s.offset.count], data: s.offset)
        }
        try provenance.stamp(root)
        try file.close()
    }
}
