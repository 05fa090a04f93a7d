import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// `robust`: (x − median) / (q_high − q_low) per column from the training values, ignoring missing values
/// (scikit-learn's `RobustScaler`, numpy linear percentiles; a zero range scales by 1).
struct RobustScaling: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("robust", fields: [
            ParamDecl("with_centering", .bool, default: .bool(true), help: "Subtract the training median."),
            ParamDecl("with_scaling", .bool, default: .bool(true), help: "Divide by the training quantile range."),
            ParamDecl("quantile_range", .list(of: .number(min: 0, max: 100), minCount: 2), default: .list([.double(25), .double(75)]),
                      help: "Percentiles [low, high] whose difference is the scale."),
            columnsDecl("numeric columns"),
        ], help: "Scale by median and interquartile range (robust to outliers).")
    }

    func check(_ params: [String: ParamValue]) -> [String] {
        let range = params["quantile_range"]?.listValue?.compactMap(\.doubleValue) ?? [25, 75]
        return range.count == 2 && range[0] < range[1] ? [] : ["robust.quantile_range: expected [low, high] with 0 ≤ low < high ≤ 100, found \(range)"]
    }

    static func map(_ inputColumns: Int, _ columns: [Int], _ names: [String], center: [Double], scale: [Double]) -> ColumnMap {
        ColumnMap(method: "robust", inputColumns: inputColumns, columns: columns, names: names, parameters: ["center": center, "scale": scale],
                  attributes: ["formula": .string("y = (x - center) / scale")], apply: { k, x in (x - center[k]) / scale[k] })
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let range = params["quantile_range"]?.listValue?.compactMap(\.doubleValue) ?? [25, 75]
        let centering = params["with_centering"]?.boolValue ?? true, scaling = params["with_scaling"]?.boolValue ?? true
        let columns = try train.selectColumns(params.selectedNames, default: .numeric, step: name)
        let x = train.floatFeatures()
        var center: [Double] = [], scale: [Double] = []
        for j in columns {
            let sorted = sortedObserved(train.column(j, of: x))
            center.append(centering && !sorted.isEmpty ? median(sorted: sorted) : 0)
            let spread = sorted.isEmpty ? 0 : linearPercentile(sorted: sorted, range[1]) - linearPercentile(sorted: sorted, range[0])
            scale.append(scaling && spread != 0 ? spread : 1)
        }
        return try fitThenTransform(train, Self.map(train.columns, columns, columns.map(train.featureName), center: center, scale: scale))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        let p = try ColumnMap.readParts(group, parameters: ["center", "scale"])
        return Self.map(p.inputColumns, p.columns, p.names, center: p.values["center"]!, scale: p.values["scale"]!)
    }
}

/// `max_abs`: x / max|x| per column over the training values (scikit-learn's `MaxAbsScaler`; 0 → scale 1).
struct MaxAbsScaling: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("max_abs", fields: [columnsDecl("numeric columns")], help: "Divide each column by its largest training |x| (keeps zeros and signs).")
    }

    static func map(_ inputColumns: Int, _ columns: [Int], _ names: [String], scale: [Double]) -> ColumnMap {
        ColumnMap(method: "max_abs", inputColumns: inputColumns, columns: columns, names: names, parameters: ["scale": scale],
                  attributes: ["formula": .string("y = x / scale")], apply: { k, x in x / scale[k] })
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let columns = try train.selectColumns(params.selectedNames, default: .numeric, step: name)
        let x = train.floatFeatures()
        let scale = columns.map { j -> Double in
            let m = train.column(j, of: x).reduce(0.0) { $1.isNaN ? $0 : max($0, abs($1)) }
            return m == 0 ? 1 : m
        }
        return try fitThenTransform(train, Self.map(train.columns, columns, columns.map(train.featureName), scale: scale))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        let p = try ColumnMap.readParts(group, parameters: ["scale"])
        return Self.map(p.inputColumns, p.columns, p.names, scale: p.values["scale"]!)
    }
}

/// `log`: log1p(x) on the selected columns (no fitted state); a value ≤ −1 is an error naming the column.
struct LogTransform: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("log", fields: [columnsDecl("numeric columns")], help: "Replace x by log(1 + x) (for skewed, non-negative columns).")
    }

    static func map(_ inputColumns: Int, _ columns: [Int], _ names: [String]) -> ColumnMap {
        ColumnMap(method: "log", inputColumns: inputColumns, columns: columns, names: names, parameters: [:],
                  attributes: ["formula": .string("y = log(1 + x)")], apply: { k, x in
                      guard x.isNaN || x > -1 else { throw StageError("log: column '\(names.indices.contains(k) ? names[k] : "#\(k)")' has the value \(x) ≤ −1; log(1 + x) is undefined") }
                      return log1p(x)
                  })
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let columns = try train.selectColumns(params.selectedNames, default: .numeric, step: name)
        return try fitThenTransform(train, Self.map(train.columns, columns, columns.map(train.featureName)))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        let p = try ColumnMap.readParts(group, parameters: [])
        return Self.map(p.inputColumns, p.columns, p.names)
    }
}

/// `power`: the Yeo-Johnson transform with λ per column fitted by maximum likelihood on the training values,
/// then (with `standardize`) zero mean and unit variance from the transformed training values
/// (scikit-learn's `PowerTransformer(method="yeo-johnson")`). Missing values stay missing.
struct PowerTransform: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("power", fields: [
            ParamDecl("standardize", .bool, default: .bool(true), help: "Standardise the transformed values (training mean and std)."),
            columnsDecl("numeric columns"),
        ], help: "Yeo-Johnson power transform towards a normal shape, λ fitted by maximum likelihood.")
    }

    static func map(_ inputColumns: Int, _ columns: [Int], _ names: [String], lambdas: [Double], mean: [Double], scale: [Double]) -> ColumnMap {
        ColumnMap(method: "power", inputColumns: inputColumns, columns: columns, names: names,
                  parameters: ["lambdas": lambdas, "mean": mean, "scale": scale],
                  attributes: ["formula": .string("y = (yeo_johnson(x, lambda) - mean) / scale")],
                  apply: { k, x in x.isNaN ? x : (yeoJohnson(x, lambda: lambdas[k]) - mean[k]) / scale[k] })
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let columns = try train.selectColumns(params.selectedNames, default: .numeric, step: name)
        let standardize = params["standardize"]?.boolValue ?? true
        let x = train.floatFeatures()
        var lambdas: [Double] = [], mean: [Double] = [], scale: [Double] = []
        for j in columns {
            let observed = train.column(j, of: x).filter { !$0.isNaN }
            let lambda = yeoJohnsonLambda(observed)
            lambdas.append(lambda)
            let transformed = observed.map { yeoJohnson($0, lambda: lambda) }
            let (m, v) = (standardize ? meanAndVariance(transformed) : nil) ?? (0, 1)
            mean.append(m)
            // scikit-learn's StandardScaler: a zero variance keeps scale 1.
            scale.append(v > 0 ? v.squareRoot() : 1)
        }
        return try fitThenTransform(train, Self.map(train.columns, columns, columns.map(train.featureName), lambdas: lambdas, mean: mean, scale: scale))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        let p = try ColumnMap.readParts(group, parameters: ["lambdas", "mean", "scale"])
        return Self.map(p.inputColumns, p.columns, p.names, lambdas: p.values["lambdas"]!, mean: p.values["mean"]!, scale: p.values["scale"]!)
    }
}

/// `normalize`: scales each row's selected values to unit norm (scikit-learn's `Normalizer`): `l2` (Euclidean),
/// `l1` (sum of |x|) or `max` (largest |x|); an all-zero row stays zero. Not fitted: it needs no training statistics.
struct RowNormalization: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("normalize", fields: [
            ParamDecl("norm", .choice(["l2", "l1", "max"]), default: .string("l2"), help: "Which per-row norm becomes 1."),
            columnsDecl("numeric columns"),
        ], primary: "norm", help: "Scale every row to unit norm (l2, l1 or max).")
    }

    struct Fitted: FittedTransform {
        let inputColumns: Int
        let columns: [Int]
        let norm: String
        var method: String { "normalize" }
        func transform(_ data: Dataset) throws -> Dataset {
            guard data.columns == inputColumns else { throw StageError("\(method): fitted on \(inputColumns) columns, given \(data.columns)") }
            var x = data.floatFeatures()
            let width = data.columns
            for row in 0..<data.rows {
                var total = 0.0
                for j in columns {
                    let v = Double(x[row * width + j])
                    switch norm {
                    case "l1": total += abs(v)
                    case "max": total = max(total, abs(v))
                    default: total += v * v
                    }
                }
                if norm == "l2" { total = total.squareRoot() }
                if total == 0 { continue }
                for j in columns { x[row * width + j] = Float(Double(x[row * width + j]) / total) }
            }
            var result = data
            result.features = .float32(x)
            return result
        }
        func write(to group: HDF5Group) throws {
            try group.setAttribute("input_columns", .int(Int64(inputColumns)))
            try group.setAttribute("columns", .ints(columns.map(Int64.init)))
            try group.setAttribute("norm", .string(norm))
        }
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let columns = try train.selectColumns(params.selectedNames, default: .numeric, step: name)
        return try fitThenTransform(train, Fitted(inputColumns: train.columns, columns: columns, norm: params["norm"]?.stringValue ?? "l2"))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        Fitted(inputColumns: Int(try group.attribute("input_columns")?.intValue ?? 0), columns: try group.intList("columns"),
               norm: try group.attribute("norm")?.stringValue ?? "l2")
    }
}
