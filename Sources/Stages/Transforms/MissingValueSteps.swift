import Learn
import PipelineSpec
import PipelineStore

/// `drop_missing_rows`: removes training rows with a missing value (NaN) in the selected columns. Other splits
/// cannot lose rows (their predictions must line up with their inputs): by default a missing value there is an
/// error; `other_splits: keep` passes such rows on for a later `impute` step.
struct DropMissingRows: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("drop_missing_rows", fields: [
            columnsDecl("every column"),
            ParamDecl("other_splits", .choice(["error", "keep"]), default: .string("error"),
                      help: "Rows of other splits are never dropped: 'error' rejects a missing value there, 'keep' passes it on (impute later)."),
        ], help: "Drop training rows with a missing value; other splits keep their rows.")
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let columns = try train.selectColumns(params.selectedNames, default: .all, step: name)
        let x = train.floatFeatures(), width = train.columns
        let kept = (0..<train.rows).filter { row in !columns.contains { x[row * width + $0].isNaN } }
        let strict = params["other_splits"]?.stringValue != "keep"
        let selectedNames = columns.map(train.featureName)
        let fitted = PassThrough(method: name, inputColumns: train.columns,
                                 attributes: ["columns": .ints(columns.map(Int64.init)), "column_names": .strings(selectedNames.isEmpty ? [""] : selectedNames),
                                              "other_splits": .string(strict ? "error" : "keep"),
                                              "dropped_training_rows": .int(Int64(train.rows - kept.count))],
                                 validate: Self.validator(columns: columns, names: selectedNames, strict: strict))
        return (fitted, train.subset(kept))
    }

    static func validator(columns: [Int], names: [String], strict: Bool) -> @Sendable (Dataset) throws -> Void {
        { data in
            guard strict else { return }
            let x = data.floatFeatures(), width = data.columns
            for row in 0..<data.rows {
                for (k, j) in columns.enumerated() where x[row * width + j].isNaN {
                    throw StageError("drop_missing_rows: row \(row) of a non-training split has a missing '\(names[k])'; rows are dropped from the training split only (set other_splits: keep and add an impute step)")
                }
            }
        }
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        let columns = try group.intList("columns")
        let strict = try group.attribute("other_splits")?.stringValue != "keep"
        var names = try group.stringList("column_names")
        if names.count != columns.count { names = columns.map { "column\($0)" } }
        return PassThrough(method: name, inputColumns: Int(try group.attribute("input_columns")?.intValue ?? 0),
                           attributes: ["columns": .ints(columns.map(Int64.init)), "column_names": .strings(names.isEmpty ? [""] : names),
                                        "other_splits": .string(strict ? "error" : "keep")],
                           validate: Self.validator(columns: columns, names: names, strict: strict))
    }
}

/// `drop_missing_columns`: removes the columns whose missing fraction on the training rows exceeds `threshold`;
/// the same columns are removed from every split.
struct DropMissingColumns: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("drop_missing_columns", fields: [
            ParamDecl("threshold", .number(min: 0, max: 1), default: .double(0.5), help: "Drop a column when more than this fraction of its training values is missing."),
        ], primary: "threshold", help: "Drop columns with too many missing training values.")
    }

    struct Fitted: FittedTransform {
        let inputColumns: Int
        let kept: [Int]
        var method: String { "drop_missing_columns" }
        func transform(_ data: Dataset) throws -> Dataset {
            guard data.columns == inputColumns else { throw StageError("\(method): fitted on \(inputColumns) columns, given \(data.columns)") }
            return data.keepingColumns(kept)
        }
        func write(to group: HDF5Group) throws {
            try group.setAttribute("input_columns", .int(Int64(inputColumns)))
            try group.setAttribute("kept_columns", .ints(kept.map(Int64.init)))
        }
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let threshold = params["threshold"]?.doubleValue ?? 0.5
        let x = train.floatFeatures(), width = train.columns
        let kept = (0..<width).filter { j in
            let missing = (0..<train.rows).reduce(0) { $0 + (x[$1 * width + j].isNaN ? 1 : 0) }
            return train.rows == 0 || Double(missing) / Double(train.rows) <= threshold
        }
        return try fitThenTransform(train, Fitted(inputColumns: width, kept: kept))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        Fitted(inputColumns: Int(try group.attribute("input_columns")?.intValue ?? 0), kept: try group.intList("kept_columns"))
    }
}

extension Dataset {
    /// The dataset with only the columns `kept` (ascending), names and categories following.
    func keepingColumns(_ kept: [Int]) -> Dataset {
        let x = floatFeatures(), width = columns
        var out = [Float](repeating: 0, count: rows * kept.count)
        for row in 0..<rows { for (k, j) in kept.enumerated() { out[row * kept.count + k] = x[row * width + j] } }
        let names = kept.map(featureName)
        return replacingFeatures(out, names: names, categories: categories.filter { names.contains($0.key) })
    }

    /// The dataset with `extra` columns (row-major, `names.count` wide) appended after the existing ones.
    func appendingColumns(_ extra: [Float], names: [String]) -> Dataset {
        let x = floatFeatures(), width = columns, added = names.count
        var out = [Float](repeating: 0, count: rows * (width + added))
        for row in 0..<rows {
            for j in 0..<width { out[row * (width + added) + j] = x[row * width + j] }
            for k in 0..<added { out[row * (width + added) + width + k] = extra[row * added + k] }
        }
        return replacingFeatures(out, names: allFeatureNames + names, categories: categories)
    }
}

/// `impute`: fills missing values (NaN) with a per-column statistic of the training rows (scikit-learn's
/// `SimpleImputer`): mean, median, most frequent (ties → smallest), or a constant; with `add_indicator`, appends a
/// 0/1 column `missingindicator_<name>` for every selected column that had missing training values
/// (`SimpleImputer(add_indicator=True)`). A column with no observed training value is an error unless the
/// strategy is `constant`. Mean, median and constant default to numeric columns; most_frequent to every column.
struct Imputation: TransformStep {
    static let strategies = ["mean", "median", "most_frequent", "constant"]

    var declaration: UnionVariant {
        UnionVariant("impute", fields: [
            ParamDecl("strategy", .choice(Self.strategies), default: .string("mean"), help: "Statistic of the training values that replaces a missing value."),
            ParamDecl("fill_value", .number(), default: .double(0), help: "strategy constant: the value filled in."),
            ParamDecl("add_indicator", .bool, default: .bool(false), help: "Append a 0/1 column per column that had missing training values."),
            columnsDecl("numeric columns; every column for most_frequent"),
        ], primary: "strategy", help: "Fill missing values with a training statistic (mean, median, most_frequent, constant).")
    }

    struct Fitted: FittedTransform {
        let map: ColumnMap
        /// Columns given an indicator, and the indicator names.
        let indicatorColumns: [Int]
        let indicatorNames: [String]
        var method: String { "impute" }

        func transform(_ data: Dataset) throws -> Dataset {
            let filled = try map.transform(data)
            guard !indicatorColumns.isEmpty else { return filled }
            let x = data.floatFeatures(), width = data.columns
            var extra = [Float](repeating: 0, count: data.rows * indicatorColumns.count)
            for row in 0..<data.rows {
                for (k, j) in indicatorColumns.enumerated() where x[row * width + j].isNaN { extra[row * indicatorColumns.count + k] = 1 }
            }
            return filled.appendingColumns(extra, names: indicatorNames)
        }

        func write(to group: HDF5Group) throws {
            try map.write(to: group)
            if !indicatorColumns.isEmpty {
                try group.setAttribute("indicator_columns", .ints(indicatorColumns.map(Int64.init)))
                try group.setAttribute("indicator_names", .strings(indicatorNames))
            }
        }
    }

    static func map(inputColumns: Int, columns: [Int], names: [String], statistics: [Double], strategy: String) -> ColumnMap {
        ColumnMap(method: "impute", inputColumns: inputColumns, columns: columns, names: names, parameters: ["statistics": statistics],
                  attributes: ["strategy": .string(strategy), "formula": .string("y = statistics[k] where x is missing, else x")],
                  apply: { k, x in x.isNaN ? statistics[k] : x })
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let strategy = params["strategy"]?.stringValue ?? "mean"
        let fill = params["fill_value"]?.doubleValue ?? 0
        let columns = try train.selectColumns(params.selectedNames, default: strategy == "most_frequent" ? .all : .numeric, step: name)
        let x = train.floatFeatures()
        var statistics: [Double] = [], indicators: [Int] = []
        for j in columns {
            let values = train.column(j, of: x)
            if values.contains(where: \.isNaN) { indicators.append(j) }
            let observed = sortedObserved(values)
            if strategy == "constant" { statistics.append(fill); continue }
            guard !observed.isEmpty else {
                throw StageError("impute: column '\(train.featureName(j))' has no observed training value to take the \(strategy) of (use strategy: constant or drop_missing_columns)")
            }
            switch strategy {
            case "mean": statistics.append(meanAndVariance(observed)!.mean)
            case "median": statistics.append(median(sorted: observed))
            default: statistics.append(mostFrequent(observed)!)
            }
        }
        let names = columns.map(train.featureName)
        let addIndicator = params["add_indicator"]?.boolValue ?? false
        let fitted = Fitted(map: Self.map(inputColumns: train.columns, columns: columns, names: names, statistics: statistics, strategy: strategy),
                            indicatorColumns: addIndicator ? indicators : [],
                            indicatorNames: addIndicator ? indicators.map { "missingindicator_\(train.featureName($0))" } : [])
        return try fitThenTransform(train, fitted)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        let parts = try ColumnMap.readParts(group, parameters: ["statistics"])
        return Fitted(map: Self.map(inputColumns: parts.inputColumns, columns: parts.columns, names: parts.names,
                                    statistics: parts.values["statistics"]!, strategy: try group.attribute("strategy")?.stringValue ?? "mean"),
                      indicatorColumns: try group.intList("indicator_columns"), indicatorNames: try group.stringList("indicator_names"))
    }
}
