import PipelineStore

/// A dataset artifact in memory: a feature matrix (one row per sample), optional integer labels (classification)
/// or float targets (regression), and the names that travel with it.
///
/// On disk (HDF5): `/features` (uint8 or float32, shape `[rows] + sampleShape`), optional `/labels`
/// (int32, `[rows]`), optional `/targets` (float32, `[rows]`), and root attributes `artifact = "dataset"`, `rows`, `sample_shape`,
/// `class_names`, `feature_names`, plus provenance. Categorical columns (integer codes stored as float32, NaN when
/// missing) carry their category names in the group `/categories`: one string-list attribute per column, named
/// by the column's feature name, `names[code]` being the category of code `code`. Files without the group read
/// back with no categorical columns.
public struct Dataset: Sendable, Equatable {
    /// The feature values, row-major; uint8 stays uint8 until a stage needs floats.
    public enum Features: Sendable, Equatable {
        case uint8([UInt8])
        case float32([Float])

        /// Element count.
        public var count: Int {
            switch self {
            case .uint8(let v): return v.count
            case .float32(let v): return v.count
            }
        }
    }

    /// Feature values.
    public var features: Features
    /// Number of samples.
    public var rows: Int
    /// Shape of one sample (e.g. `[28, 28]` for images, `[d]` for tables).
    public var sampleShape: [Int]
    /// Class index per sample, when labelled.
    public var labels: [Int32]?
    /// Names of the classes, indexed by label.
    public var classNames: [String]
    /// Names of the columns, when tabular.
    public var featureNames: [String]
    /// Real-valued target per sample (regression), when present.
    public var targets: [Float]?
    /// Name of the target column, when `targets` is present.
    public var targetName: String?
    /// Category names of the categorical columns, keyed by feature name: the column holds codes `0..<names.count`
    /// (NaN when missing) and `names[code]` is the category. Numeric columns have no entry.
    public var categories: [String: [String]]

    /// Creates a dataset; `features.count` must equal `rows × product(sampleShape)`.
    public init(features: Features, rows: Int, sampleShape: [Int], labels: [Int32]?, classNames: [String], featureNames: [String],
                targets: [Float]? = nil, targetName: String? = nil, categories: [String: [String]] = [:]) {
        precondition(features.count == rows * sampleShape.reduce(1, *), "feature count does not match rows × sample shape")
        precondition(labels.map { $0.count == rows } ?? true, "label count does not match rows")
        precondition(targets.map { $0.count == rows } ?? true, "target count does not match rows")
        self.features = features
        self.rows = rows
        self.sampleShape = sampleShape
        self.labels = labels
        self.classNames = classNames
        self.featureNames = featureNames
        self.targets = targets
        self.targetName = targetName
        self.categories = categories
    }

    /// Values per sample.
    public var columns: Int { sampleShape.reduce(1, *) }

    /// Number of classes: the class-name count, or one more than the largest label.
    public var classCount: Int {
        max(classNames.count, Int(labels?.max() ?? -1) + 1)
    }

    /// The features as float32 (uint8 converted exactly).
    public func floatFeatures() -> [Float] {
        switch features {
        case .float32(let v): return v
        case .uint8(let v):
            return [Float](unsafeUninitializedCapacity: v.count) { out, count in
                v.withUnsafeBufferPointer { src in
                    for i in 0..<src.count { out[i] = Float(src[i]) }
                }
                count = v.count
            }
        }
    }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        let width = columns
        func gather<T>(_ values: [T]) -> [T] {
            values.withUnsafeBufferPointer { src in
                [T](unsafeUninitializedCapacity: indices.count * width) { out, count in
                    for (row, index) in indices.enumerated() {
                        let from = UnsafeBufferPointer(rebasing: src[(index * width)..<((index + 1) * width)])
                        _ = UnsafeMutableBufferPointer(rebasing: out[(row * width)..<((row + 1) * width)]).initialize(from: from)
                    }
                    count = indices.count * width
                }
            }
        }
        let features: Features
        switch self.features {
        case .uint8(let v): features = .uint8(gather(v))
        case .float32(let v): features = .float32(gather(v))
        }
        return Dataset(features: features, rows: indices.count, sampleShape: sampleShape,
                       labels: labels.map { l in indices.map { l[$0] } }, classNames: classNames, featureNames: featureNames,
                       targets: targets.map { t in indices.map { t[$0] } }, targetName: targetName, categories: categories)
    }
}

extension Dataset {
    /// Rows per HDF5 chunk: about 1 MiB of features, so mini-batch reads touch few chunks.
    static func chunkRows(columns: Int, elementBytes: Int) -> Int {
        max(1, min(65_536, (1 << 20) / max(1, columns * elementBytes)))
    }

    /// Writes the dataset as an HDF5 artifact at `path`.
    public func write(to path: String, provenance: Provenance) throws {
        let file = try HDF5File.create(path)
        let root = file.root
        let shape = [rows] + sampleShape
        switch features {
        case .uint8(let v):
            _ = try root.createDataset("features", shape: shape, data: v, chunkRows: rows > 0 ? Self.chunkRows(columns: columns, elementBytes: 1) : nil)
        case .float32(let v):
            _ = try root.createDataset("features", shape: shape, data: v, chunkRows: rows > 0 ? Self.chunkRows(columns: columns, elementBytes: 4) : nil)
        }
        if let labels {
            let dataset = try root.createDataset("labels", shape: [rows], data: labels)
            try dataset.setAttribute("meaning", .string("class index per row of /features; names in the root attribute class_names"))
        }
        if let targets {
            let dataset = try root.createDataset("targets", shape: [rows], data: targets)
            try dataset.setAttribute("meaning", .string("real-valued regression target per row of /features"))
            if let targetName { try dataset.setAttribute("name", .string(targetName)) }
        }
        try root.setAttribute("artifact", .string("dataset"))
        try root.setAttribute("rows", .int(Int64(rows)))
        try root.setAttribute("sample_shape", .ints(sampleShape.map(Int64.init)))
        // Empty lists are left out rather than written as zero-length attributes, which some readers reject.
        if !classNames.isEmpty { try root.setAttribute("class_names", .strings(classNames)) }
        if !featureNames.isEmpty { try root.setAttribute("feature_names", .strings(featureNames)) }
        try root.setAttribute("layout", .string("features: one row per sample, row-major; labels: int32 class index"))
        let categorical = categories.filter { !$0.value.isEmpty }
        if !categorical.isEmpty {
            let group = try root.createGroup("categories")
            for name in categorical.keys.sorted() { try group.setAttribute(name, .strings(categorical[name]!)) }
        }
        try provenance.stamp(root)
        try file.close()
    }

    /// Reads a dataset artifact; throws a `StageError` naming the file when it is not one.
    public static func read(from path: String) throws -> Dataset {
        let file = try ArtifactFile.open(path, type: "dataset", requirement: "an HDF5 file with /features")
        defer { try? file.close() }
        let root = file.root
        guard root.contains("features") else { throw StageError("'\(path)': dataset artifact without /features") }
        let featuresSet = try root.dataset("features")
        let shape = featuresSet.shape
        guard let rows = shape.first else { throw StageError("'\(path)': /features has no dimensions") }
        let features: Features = featuresSet.elementType == .uint8
            ? .uint8(try featuresSet.read(as: UInt8.self))
            : .float32(try featuresSet.read(as: Float.self))
        let labels = root.contains("labels") ? try root.dataset("labels").read(as: Int32.self) : nil
        var targets: [Float]?
        var targetName: String?
        if root.contains("targets") {
            let dataset = try root.dataset("targets")
            targets = try dataset.read(as: Float.self)
            targetName = try dataset.attribute("name")?.stringValue
        }
        var categories: [String: [String]] = [:]
        if root.contains("categories") {
            let group = try root.group("categories")
            for name in try group.attributeNames() {
                categories[name] = try group.stringList(name)
            }
        }
        return Dataset(features: features, rows: rows, sampleShape: Array(shape.dropFirst()), labels: labels,
                       classNames: try root.stringList("class_names"), featureNames: try root.stringList("feature_names"),
                       targets: targets, targetName: targetName, categories: categories)
    }
}

/// What a dataset artifact holds, without its features: enough to plan training and decide whether the
/// features fit in memory.
public struct DatasetHeader: Sendable {
    /// Number of samples.
    public let rows: Int
    /// Shape of one sample.
    public let sampleShape: [Int]
    /// Labels, when present.
    public let labels: [Int32]?
    /// Class names.
    public let classNames: [String]
    /// Bytes the features take on disk (uncompressed).
    public let featureBytes: Int

    /// Values per sample.
    public var columns: Int { sampleShape.reduce(1, *) }
    /// Number of classes: the class-name count, or one more than the largest label.
    public var classCount: Int { max(classNames.count, Int(labels?.max() ?? -1) + 1) }

    /// Reads the header of the dataset artifact at `path`.
    public static func read(from path: String) throws -> DatasetHeader {
        let file = try ArtifactFile.open(path, type: "dataset", requirement: "an HDF5 file with /features")
        defer { try? file.close() }
        let root = file.root
        let features = try root.dataset("features")
        return DatasetHeader(rows: features.shape.first ?? 0, sampleShape: Array(features.shape.dropFirst()),
                             labels: root.contains("labels") ? try root.dataset("labels").read(as: Int32.self) : nil,
                             classNames: try root.stringList("class_names"), featureBytes: features.count * features.elementType.byteSize)
    }
}

extension Provenance {
    /// Writes provenance attributes onto an HDF5 group.
    func stamp(_ group: HDF5Group) throws {
        try group.setAttribute("producer_stage", .string(stage))
        try group.setAttribute("producer_kind", .string(kind))
        try group.setAttribute("fingerprint", .string(fingerprint))
        try group.setAttribute("tool", .string("pipeline \(ToolVersion.current)"))
    }
}

/// The tool's version, stamped into artifacts.
public enum ToolVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
