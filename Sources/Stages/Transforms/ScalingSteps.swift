import Learn
import PipelineSpec
import PipelineStore

/// `standard`: (x − mean) / std per column, fitted on the training rows (scikit-learn's StandardScaler).
/// With categorical columns or `columns:`, only the selected columns are scaled.
struct StandardScaling: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("standard", fields: [columnsDecl("every column except categorical ones")],
                     help: "Standardise each column: (x − mean) / std (population std; constant columns keep scale 1).")
    }

    struct Fitted: FittedTransform {
        let scaler: StandardScaler
        /// The scaled columns of a wider input, or nil when every column is scaled.
        var selection: ColumnSubset? = nil
        var method: String { "standard" }
        func transform(_ data: Dataset) throws -> Dataset {
            try data.mappingColumns(expected: scaler.cols, subset: selection, by: method) { x, rows, out in scaler.transform(x, rows: rows, into: out) }
        }
        func write(to group: HDF5Group) throws {
            try selection?.write(to: group)
            try group.setAttribute("formula", .string("y = (x - mean) / scale"))
            _ = try group.createDataset("mean", shape: [scaler.cols], data: scaler.mean)
            _ = try group.createDataset("scale", shape: [scaler.cols], data: scaler.scale)
        }
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let selection = try ColumnSubset.select(train, params: params, step: name)
        let x = selection?.gather(train) ?? train.floatFeatures()
        let cols = selection?.columns.count ?? train.columns
        let fitted = Fitted(scaler: x.withUnsafeBufferPointer { StandardScaler.fit($0, rows: train.rows, cols: cols) }, selection: selection)
        return try fitThenTransform(train, fitted)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        Fitted(scaler: StandardScaler(mean: try group.dataset("mean").read(as: Float.self), scale: try group.dataset("scale").read(as: Float.self)),
               selection: try ColumnSubset.read(from: group))
    }
}

/// `minmax`: maps each column's training [min, max] onto `feature_range` (scikit-learn's MinMaxScaler).
struct MinMaxScaling: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("minmax", fields: [
            ParamDecl("feature_range", .list(of: .number(), minCount: 2), default: .list([.double(0), .double(1)]), help: "Target range [low, high]."),
            columnsDecl("every column except categorical ones"),
        ], help: "Map each column's training [min, max] onto feature_range.")
    }

    func check(_ params: [String: ParamValue]) -> [String] {
        let range = params["feature_range"]?.listValue?.compactMap(\.doubleValue) ?? [0, 1]
        return range.count == 2 && range[0] < range[1] ? [] : ["minmax.feature_range: expected [low, high] with low < high, found \(range)"]
    }

    struct Fitted: FittedTransform {
        let scaler: MinMaxScaler
        /// The scaled columns of a wider input, or nil when every column is scaled.
        var selection: ColumnSubset? = nil
        var method: String { "minmax" }
        func transform(_ data: Dataset) throws -> Dataset {
            try data.mappingColumns(expected: scaler.dataMin.count, subset: selection, by: method) { x, rows, out in scaler.transform(x, rows: rows, into: out) }
        }
        func write(to group: HDF5Group) throws {
            try selection?.write(to: group)
            try group.setAttribute("formula", .string("y = (x - data_min) / (data_max - data_min) * (high - low) + low"))
            try group.setAttribute("feature_range", .doubles([Double(scaler.featureRange.min), Double(scaler.featureRange.max)]))
            _ = try group.createDataset("data_min", shape: [scaler.dataMin.count], data: scaler.dataMin)
            _ = try group.createDataset("data_max", shape: [scaler.dataMax.count], data: scaler.dataMax)
        }
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let range = params["feature_range"]?.listValue?.compactMap(\.doubleValue).map(Float.init) ?? [0, 1]
        let selection = try ColumnSubset.select(train, params: params, step: name)
        let x = selection?.gather(train) ?? train.floatFeatures()
        let cols = selection?.columns.count ?? train.columns
        let fitted = Fitted(scaler: x.withUnsafeBufferPointer {
            MinMaxScaler.fit($0, rows: train.rows, cols: cols, featureRange: (range[0], range[1]))
        }, selection: selection)
        return try fitThenTransform(train, fitted)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        let range = try group.attribute("feature_range")?.doublesValue ?? [0, 1]
        return Fitted(scaler: MinMaxScaler(dataMin: try group.dataset("data_min").read(as: Float.self),
                                           dataMax: try group.dataset("data_max").read(as: Float.self),
                                           featureRange: (Float(range[0]), Float(range[1]))),
                      selection: try ColumnSubset.read(from: group))
    }
}

/// The columns a whole-matrix scaler works on when it does not take every column of its input.
struct ColumnSubset: Sendable {
    /// Columns of the input it was fitted on.
    let inputColumns: Int
    /// The selected columns, ascending.
    let columns: [Int]

    /// The subset `columns:` (or, by default, the non-categorical columns) selects; nil when that is every column,
    /// so datasets without categorical columns keep the whole-matrix path and its file layout.
    static func select(_ data: Dataset, params: [String: ParamValue], step: String) throws -> ColumnSubset? {
        let columns = try data.selectColumns(params.selectedNames, default: .numeric, step: step)
        return columns.count == data.columns ? nil : ColumnSubset(inputColumns: data.columns, columns: columns)
    }

    /// The selected columns of `data`, row-major.
    func gather(_ data: Dataset) -> [Float] {
        let x = data.floatFeatures(), width = data.columns, k = columns.count
        var out = [Float](repeating: 0, count: data.rows * k)
        x.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for row in 0..<data.rows { for (i, j) in columns.enumerated() { dst[row * k + i] = src[row * width + j] } }
            }
        }
        return out
    }

    func write(to group: HDF5Group) throws {
        try group.setAttribute("input_columns", .int(Int64(inputColumns)))
        try group.setAttribute("columns", .ints(columns.map(Int64.init)))
    }

    /// The subset stored by `write(to:)`, or nil for files that scale every column (older files too).
    static func read(from group: HDF5Group) throws -> ColumnSubset? {
        guard let input = try group.attribute("input_columns")?.intValue else { return nil }
        return ColumnSubset(inputColumns: Int(input), columns: try group.intList("columns"))
    }
}

extension Dataset {
    /// The dataset with its features replaced by `map(x, rows, out)` over float32 values, column count unchanged;
    /// throws when the column count differs from what the transform was fitted on. With a `subset`, only its
    /// columns go through `map` and the others pass unchanged.
    func mappingColumns(expected: Int, subset: ColumnSubset? = nil, by method: String,
                        _ map: (UnsafeBufferPointer<Float>, Int, UnsafeMutableBufferPointer<Float>) -> Void) throws -> Dataset {
        if let subset {
            guard columns == subset.inputColumns else { throw StageError("\(method): fitted on \(subset.inputColumns) columns, given \(columns)") }
            let selected = subset.gather(self)
            var mapped = [Float](repeating: 0, count: selected.count)
            selected.withUnsafeBufferPointer { src in mapped.withUnsafeMutableBufferPointer { map(src, rows, $0) } }
            var x = floatFeatures()
            let width = columns, k = subset.columns.count
            for row in 0..<rows { for (i, j) in subset.columns.enumerated() { x[row * width + j] = mapped[row * k + i] } }
            var result = self
            result.features = .float32(x)
            return result
        }
        guard columns == expected else { throw StageError("\(method): fitted on \(expected) columns, given \(columns)") }
        let x = floatFeatures()
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { map(src, rows, $0) } }
        var result = self
        result.features = .float32(out)
        return result
    }
}
