import Foundation
import PipelineSpec
import PipelineStore

/// `load`: reads a dataset from idx (MNIST format, gzip'd or not), CSV, HDF5 or NumPy `.npy` into a dataset artifact.
/// CSV: missing-value markers become NaN, non-numeric (or listed) columns become categorical codes with their
/// category names, and the label (classification) or target (regression) column is taken out of the features.
public struct LoadStage: StageKind {
    public init() {}

    static let formats = ["idx", "csv", "hdf5", "npy"]

    public var signature: StageSignature {
        StageSignature(
            kind: "load", summary: "Read a dataset from idx (MNIST format), CSV, HDF5 or NumPy .npy files.",
            params: [
                ParamDecl("format", .choice(Self.formats), help: "File format; inferred from the file name when absent (.csv, .h5/.hdf5, .npy, else idx)."),
                ParamDecl("images", .path(mustExist: true), help: "idx: the features file (e.g. train-images-idx3-ubyte.gz)."),
                ParamDecl("labels", .path(mustExist: true), help: "idx / npy: the labels file (idx1, or a 1-D integer .npy)."),
                ParamDecl("path", .path(mustExist: true), help: "csv / hdf5 / npy: the data file (npy: features, rows first)."),
                ParamDecl("label", .string, help: "csv: name of the class-label column (classification)."),
                ParamDecl("target", .string, help: "csv: name of the real-valued target column (regression); excludes 'label'."),
                ParamDecl("missing_values", .list(of: .string), default: .list(CSVDatasetOptions.defaultMissingMarkers.map { .string($0) }),
                          help: "csv: cell texts read as missing (NaN in the features)."),
                ParamDecl("categorical", .list(of: .string), help: "csv: columns read as categorical even if numeric (non-numeric columns always are)."),
                ParamDecl("delimiter", .string, default: .string(","), help: "csv: field delimiter (one ASCII character)."),
                ParamDecl("features_dataset", .string, default: .string("features"), help: "hdf5: dataset holding the features (rows first)."),
                ParamDecl("labels_dataset", .string, default: .string("labels"), help: "hdf5: dataset holding integer labels, if present."),
                ParamDecl("class_names", .list(of: .string), help: "Names of the classes, by label index."),
                ParamDecl("limit", .int(min: 1), help: "Keep only the first N rows (for quick variants of a pipeline)."),
            ],
            inputs: [],
            outputs: { _ in [OutputDecl("data", .dataset)] },
            check: { context in Self.check(context) })
    }

    /// The effective format: explicit, or inferred from the file name.
    static func format(_ params: [String: ParamValue]) -> String? {
        if let format = params["format"]?.stringValue { return format }
        if params["images"] != nil { return "idx" }
        guard let path = params["path"]?.stringValue?.lowercased() else { return nil }
        if path.hasSuffix(".csv") || path.hasSuffix(".csv.gz") { return "csv" }
        if path.hasSuffix(".h5") || path.hasSuffix(".hdf5") { return "hdf5" }
        if path.hasSuffix(".npy") { return "npy" }
        return nil
    }

    static func check(_ context: KindCheckContext) -> [KindProblem] {
        let params = context.params
        guard let format = format(params) else {
            return [KindProblem(.stage, "cannot tell the file format; expected 'format: idx|csv|hdf5|npy', or 'images:' (idx), or a 'path:' ending in .csv, .h5, .hdf5 or .npy")]
        }
        var problems: [KindProblem] = []
        let used: [String: [String]] = ["idx": ["images", "labels"], "csv": ["path", "label", "target", "categorical", "delimiter", "missing_values"],
                                        "hdf5": ["path", "features_dataset", "labels_dataset"], "npy": ["path", "labels"]]
        let required = format == "idx" ? "images" : "path"
        if params[required] == nil { problems.append(KindProblem(.stage, "format '\(format)' needs '\(required):'")) }
        if params["label"] != nil, params["target"] != nil {
            problems.append(KindProblem(.param("target"), "give either 'label:' (classification) or 'target:' (regression), not both"))
        }
        for key in ["images", "labels", "path", "label", "target", "categorical"] where params[key] != nil && !used[format]!.contains(key) {
            problems.append(KindProblem(.param(key), "'\(key)' is not used by format '\(format)' (it takes \(used[format]!.joined(separator: ", ")))"))
        }
        if (params["delimiter"]?.stringValue?.utf8.count ?? 1) != 1 {
            problems.append(KindProblem(.param("delimiter"), "expected a single character, found \"\(params["delimiter"]!.stringValue!)\""))
        }
        if format == "hdf5", let path = context.path("path"), FileManager.default.isReadableFile(atPath: path), !HDF5File.isHDF5(path) {
            problems.append(KindProblem(.param("path"), "'\(params["path"]!.stringValue!)' is not an HDF5 file (no HDF5 signature)"))
        }
        return problems
    }

    public func run(_ context: StageContext) throws -> StageResult {
        var dataset: Dataset
        switch Self.format(context.params)! {
        case "idx": dataset = try readIDX(context)
        case "csv": dataset = try readCSV(context)
        case "npy": dataset = try readNPY(context)
        default: dataset = try readHDF5(context)
        }
        if let names = context.params["class_names"]?.listValue?.compactMap(\.stringValue) {
            if let maxLabel = dataset.labels?.max(), Int(maxLabel) >= names.count {
                throw StageError("class_names lists \(names.count) names but the labels go up to \(maxLabel)")
            }
            dataset.classNames = names
        }
        if let limit = context.params["limit"]?.intValue, limit < dataset.rows {
            dataset = dataset.subset(Array(0..<limit))
        }
        let path = context.outputPath("data")
        try dataset.write(to: path, provenance: context.provenance)
        var metrics = ["rows": Double(dataset.rows), "features": Double(dataset.columns)]
        if dataset.labels != nil { metrics["classes"] = Double(dataset.classCount) }
        if !dataset.categories.isEmpty { metrics["categorical_features"] = Double(dataset.categories.count) }
        if case .float32(let x) = dataset.features, x.contains(where: \.isNaN) {
            metrics["missing_values"] = Double(x.reduce(0) { $0 + ($1.isNaN ? 1 : 0) })
        }
        return StageResult(outputs: ["data": path], metrics: metrics)
    }

    private func readIDX(_ context: StageContext) throws -> Dataset {
        let imagesPath = context.path("images")!
        let images = try IDXReader.read(imagesPath)
        guard images.elementType == .uint8 else {
            throw StageError("\(imagesPath): only unsigned-byte idx features are supported, found \(images.elementType)")
        }
        guard let rows = images.shape.first, images.shape.count >= 2 else {
            throw StageError("\(imagesPath): expected an idx array of rank ≥ 2 (samples × features…), found shape \(images.shape)")
        }
        var labels: [Int32]?
        if let labelsPath = context.path("labels") {
            let array = try IDXReader.read(labelsPath, expectedRank: 1)
            guard array.count == rows else {
                throw StageError("\(labelsPath) has \(array.count) labels but \(imagesPath) has \(rows) samples")
            }
            labels = array.floats().map { Int32($0) }
        }
        return Dataset(features: .uint8(images.bytes), rows: rows, sampleShape: Array(images.shape.dropFirst()),
                       labels: labels, classNames: [], featureNames: [])
    }

    private func readHDF5(_ context: StageContext) throws -> Dataset {
        let path = context.path("path")!
        let file = try HDF5File.open(path)
        defer { try? file.close() }
        let featuresName = context.string("features_dataset"), labelsName = context.string("labels_dataset")
        guard file.root.contains(featuresName) else { throw StageError("\(path): no dataset '\(featuresName)' (set features_dataset)") }
        let features = try file.root.dataset(featuresName)
        guard let rows = features.shape.first else { throw StageError("\(path): '\(featuresName)' is a scalar; expected rows first") }
        let sampleShape = features.shape.count == 1 ? [1] : Array(features.shape.dropFirst())
        let values: Dataset.Features = features.elementType == .uint8 ? .uint8(try features.read(as: UInt8.self)) : .float32(try features.read(as: Float.self))
        var labels: [Int32]?
        if file.root.contains(labelsName) {
            let labelSet = try file.root.dataset(labelsName)
            guard labelSet.count == rows else { throw StageError("\(path): '\(labelsName)' has \(labelSet.count) entries for \(rows) rows") }
            labels = try labelSet.read(as: Int32.self)
            if labels!.contains(where: { $0 < 0 }) { throw StageError("\(path): '\(labelsName)' holds negative labels; expected class indices 0, 1, …") }
        }
        return Dataset(features: values, rows: rows, sampleShape: sampleShape, labels: labels,
                       classNames: try file.root.stringList("class_names"), featureNames: try file.root.stringList("feature_names"))
    }

    private func readCSV(_ context: StageContext) throws -> Dataset {
        let path = context.path("path")!
        let delimiter = context.string("delimiter").utf8.first!
        let options = CSVDatasetOptions(label: context.params["label"]?.stringValue, target: context.params["target"]?.stringValue,
                                        missingMarkers: context.param("missing_values").listValue?.compactMap(\.stringValue) ?? [],
                                        categorical: context.params["categorical"]?.listValue?.compactMap(\.stringValue) ?? [])
        return try CSVReader.read(path, delimiter: delimiter).dataset(options)
    }

    private func readNPY(_ context: StageContext) throws -> Dataset {
        let path = context.path("path")!
        let array = try NPYReader.read(path)
        guard let rows = array.shape.first else { throw StageError("\(path): a 0-dimensional .npy array; expected rows first") }
        let sampleShape = array.shape.count == 1 ? [1] : Array(array.shape.dropFirst())
        let features: Dataset.Features = array.elementType == .uint8 ? .uint8(array.bytes) : .float32(array.floats())
        var labels: [Int32]?
        if let labelsPath = context.path("labels") {
            let y = try NPYReader.read(labelsPath)
            guard y.shape.count == 1, y.count == rows else {
                throw StageError("\(labelsPath): expected a 1-D array of \(rows) labels, found shape \(y.shape)")
            }
            guard [.uint8, .int32, .int64].contains(y.elementType) else {
                throw StageError("\(labelsPath): labels must be integers (u1, i4 or i8), found \(y.elementType.rawValue)")
            }
            labels = try (0..<rows).map { i in
                let v = y.value(at: i)
                guard v >= 0, v <= Double(Int32.max) else { throw StageError("\(labelsPath): label \(v) at row \(i) is not a class index 0, 1, …") }
                return Int32(v)
            }
        }
        return Dataset(features: features, rows: rows, sampleShape: sampleShape, labels: labels, classNames: [], featureNames: [])
    }
}
