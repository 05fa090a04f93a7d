import Learn
import PipelineSpec
import PipelineStore

/// `outliers`: bounds per column from the training rows — `zscore`: mean ± threshold · std (population std);
/// `iqr`: [Q1 − threshold · IQR, Q3 + threshold · IQR] (numpy linear percentiles) — then either `clip` every split
/// to those bounds, or `drop` the training rows with a value outside them (other splits are left unchanged).
/// Missing values are neither outliers nor counted in the statistics.
struct OutlierHandling: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("outliers", fields: [
            ParamDecl("method", .choice(["zscore", "iqr"]), default: .string("iqr"), help: "How bounds are derived from the training values."),
            ParamDecl("threshold", .number(min: 0, exclusiveMin: true), help: "Width of the bounds: std units (zscore, default 3) or IQR units (iqr, default 1.5)."),
            ParamDecl("action", .choice(["clip", "drop"]), default: .string("clip"), help: "'clip' every split to the training bounds; 'drop' training rows outside them."),
            columnsDecl("numeric columns"),
        ], primary: "method", help: "Clip values to, or drop training rows outside, bounds from the training values (z-score or IQR rule).")
    }

    static func clipMap(inputColumns: Int, columns: [Int], names: [String], lower: [Double], upper: [Double], rule: String) -> ColumnMap {
        ColumnMap(method: "outliers", inputColumns: inputColumns, columns: columns, names: names, parameters: ["lower": lower, "upper": upper],
                  attributes: ["rule": .string(rule), "action": .string("clip"), "formula": .string("y = min(max(x, lower), upper)")],
                  apply: { k, x in x.isNaN ? x : min(max(x, lower[k]), upper[k]) })
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let rule = params["method"]?.stringValue ?? "iqr"
        let threshold = params["threshold"]?.doubleValue ?? (rule == "zscore" ? 3 : 1.5)
        let columns = try train.selectColumns(params.selectedNames, default: .numeric, step: name)
        let x = train.floatFeatures()
        var lower: [Double] = [], upper: [Double] = []
        for j in columns {
            let values = train.column(j, of: x)
            if rule == "zscore" {
                let (mean, variance) = meanAndVariance(values) ?? (0, 0)
                let std = variance.squareRoot()
                lower.append(mean - threshold * std); upper.append(mean + threshold * std)
            } else {
                let sorted = sortedObserved(values)
                let q1 = sorted.isEmpty ? 0 : linearPercentile(sorted: sorted, 25), q3 = sorted.isEmpty ? 0 : linearPercentile(sorted: sorted, 75)
                lower.append(q1 - threshold * (q3 - q1)); upper.append(q3 + threshold * (q3 - q1))
            }
        }
        let names = columns.map(train.featureName)
        if params["action"]?.stringValue == "drop" {
            let width = train.columns
            let kept = (0..<train.rows).filter { row in
                !columns.enumerated().contains { k, j in
                    let v = Double(x[row * width + j])
                    return !v.isNaN && (v < lower[k] || v > upper[k])
                }
            }
            let fitted = PassThrough(method: name, inputColumns: train.columns, attributes: [
                "rule": .string(rule), "action": .string("drop"), "columns": .ints(columns.map(Int64.init)),
                "lower": .doubles(lower), "upper": .doubles(upper), "dropped_training_rows": .int(Int64(train.rows - kept.count)),
            ])
            return (fitted, train.subset(kept))
        }
        return try fitThenTransform(train, Self.clipMap(inputColumns: train.columns, columns: columns, names: names, lower: lower, upper: upper, rule: rule))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        if try group.attribute("action")?.stringValue == "drop" {
            return PassThrough(method: name, inputColumns: Int(try group.attribute("input_columns")?.intValue ?? 0))
        }
        let parts = try ColumnMap.readParts(group, parameters: ["lower", "upper"])
        return Self.clipMap(inputColumns: parts.inputColumns, columns: parts.columns, names: parts.names, lower: parts.values["lower"]!,
                            upper: parts.values["upper"]!, rule: try group.attribute("rule")?.stringValue ?? "iqr")
    }
}
