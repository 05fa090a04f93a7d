import Foundation
import PipelineSpec
import PipelineStore

/// `load`: reads a dataset from idx (MNIST format, gzip'd or not), CSV, or HDF5 into a dataset artifact.
public struct LoadStage: StageKind {
    public init() {}

    static let formats = ["idx", "csv", "hdf5"]

    public var signature: StageSignature {
        StageSignature(
            kind: "load", summary: "Read a dataset from idx (MNIST format), CSV or HDF5 files.",
            params: [
                ParamDecl("format", .choice(Self.formats), help: "File format; inferred from the file name when absent (.csv, .h5/.hdf5, else idx)."),
                ParamDecl("images", .path(mustExist: true), help: "idx: the features file (e.g. train-images-idx3-ubyte.gz)."),
                ParamDecl("labels", .path(mustExist: true), help: "idx: the labels file (e.g. train-labels-idx1-ubyte.gz)."),
                ParamDecl("path", .path(mustExist: true), help: "csv / hdf5: the data file."),
                ParamDecl("label", .string, help: "csv: name of the label column."),
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
        return nil
    }

    static func check(_ context: KindCheckContext) -> [KindProblem] {
        let params = context.params
        guard let format = format(params) else {
            return [KindProblem(.stage, "cannot tell the file format; expected 'format: idx|csv|hdf5', or 'images:' (idx), or a 'path:' ending in .csv, .h5 or .hdf5")]
        }
        var problems: [KindProblem] = []
        let used: [String: [String]] = ["idx": ["images", "labels"], "csv": ["path", "label", "delimiter"], "hdf5": ["path", "features_dataset", "labels_dataset"]]
        let required = format == "idx" ? "images" : "path"
        if params[required] == nil { problems.append(KindProblem(.stage, "format '\(format)' needs '\(required):'")) }
        if format == "csv", params["label"] == nil { problems.append(KindProblem(.stage, "format 'csv' needs 'label:', the name of the label column")) }
        for key in ["images", "labels", "path", "label"] where params[key] != nil && !used[format]!.contains(key) {
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
        let table = try CSVReader.read(path, delimiter: delimiter).labeledMatrix(labelColumn: context.string("label"))
        return Dataset(features: .float32(table.features), rows: table.rows, sampleShape: [table.columns],
                       labels: table.labels, classNames: table.classNames ?? [], featureNames: table.featureNames)
    }
}
