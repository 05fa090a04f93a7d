import Learn
import PipelineSpec
import PipelineStore

/// `standard`: (x − mean) / std per column, fitted on the training rows (scikit-learn's StandardScaler).
struct StandardScaling: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("standard", help: "Standardise each column: (x − mean) / std (population std; constant columns keep scale 1).")
    }

    struct Fitted: FittedTransform {
        let scaler: StandardScaler
        var method: String { "standard" }
        func transform(_ data: Dataset) throws -> Dataset {
            try data.mappingColumns(expected: scaler.cols, by: method) { x, rows, out in scaler.transform(x, rows: rows, into: out) }
        }
        func write(to group: HDF5Group) throws {
            try group.setAttribute("formula", .string("y = (x - mean) / scale"))
            _ = try group.createDataset("mean", shape: [scaler.cols], data: scaler.mean)
            _ = try group.createDataset("scale", shape: [scaler.cols], data: scaler.scale)
        }
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let x = train.floatFeatures()
        let fitted = Fitted(scaler: x.withUnsafeBufferPointer { StandardScaler.fit($0, rows: train.rows, cols: train.columns) })
        return try fitThenTransform(train, fitted)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        Fitted(scaler: StandardScaler(mean: try group.dataset("mean").read(as: Float.self), scale: try group.dataset("scale").read(as: Float.self)))
    }
}

/// `minmax`: maps each column's training [min, max] onto `feature_range` (scikit-learn's MinMaxScaler).
struct MinMaxScaling: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("minmax", fields: [
            ParamDecl("feature_range", .list(of: .number(), minCount: 2), default: .list([.double(0), .double(1)]), help: "Target range [low, high]."),
        ], help: "Map each column's training [min, max] onto feature_range.")
    }

    func check(_ params: [String: ParamValue]) -> [String] {
        let range = params["feature_range"]?.listValue?.compactMap(\.doubleValue) ?? [0, 1]
        return range.count == 2 && range[0] < range[1] ? [] : ["minmax.feature_range: expected [low, high] with low < high, found \(range)"]
    }

    struct Fitted: FittedTransform {
        let scaler: MinMaxScaler
        var method: String { "minmax" }
        func transform(_ data: Dataset) throws -> Dataset {
            try data.mappingColumns(expected: scaler.dataMin.count, by: method) { x, rows, out in scaler.transform(x, rows: rows, into: out) }
        }
        func write(to group: HDF5Group) throws {
            try group.setAttribute("formula", .string("y = (x - data_min) / (data_max - data_min) * (high - low) + low"))
            try group.setAttribute("feature_range", .doubles([Double(scaler.featureRange.min), Double(scaler.featureRange.max)]))
            _ = try group.createDataset("data_min", shape: [scaler.dataMin.count], data: scaler.dataMin)
            _ = try group.createDataset("data_max", shape: [scaler.dataMax.count], data: scaler.dataMax)
        }
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let range = params["feature_range"]?.listValue?.compactMap(\.doubleValue).map(Float.init) ?? [0, 1]
        let x = train.floatFeatures()
        let fitted = Fitted(scaler: x.withUnsafeBufferPointer {
            MinMaxScaler.fit($0, rows: train.rows, cols: train.columns, featureRange: (range[0], range[1]))
        })
        return try fitThenTransform(train, fitted)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        let range = try group.attribute("feature_range")?.doublesValue ?? [0, 1]
        return Fitted(scaler: MinMaxScaler(dataMin: try group.dataset("data_min").read(as: Float.self),
                                           dataMax: try group.dataset("data_max").read(as: Float.self),
                                           featureRange: (Float(range[0]), Float(range[1]))))
    }
}

extension Dataset {
    /// The dataset with its features replaced by `map(x, rows, out)` over float32 values, column count unchanged;
    /// throws when the column count differs from what the transform was fitted on.
    func mappingColumns(expected: Int, by method: String,
                        _ map: (UnsafeBufferPointer<Float>, Int, UnsafeMutableBufferPointer<Float>) -> Void) throws -> Dataset {
        guard columns == expected else { throw StageError("\(method): fitted on \(expected) columns, given \(columns)") }
        let x = floatFeatures()
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { map(src, rows, $0) } }
        var result = self
        result.features = .float32(out)
        return result
    }
}
