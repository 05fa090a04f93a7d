import Learn
import PipelineSpec
import PipelineStore

extension Dataset {
    /// Replaces each column `columns[k]` by `blocks[k].count` new columns named `blocks[k]`, filled by
    /// `fill(k, x, block)` (block zeroed beforehand); other columns keep their place and categories.
    func expandingColumns(_ columns: [Int], blocks: [[String]],
                          fill: (_ k: Int, _ x: Float, _ block: inout ArraySlice<Float>) throws -> Void) throws -> Dataset {
        let x = floatFeatures(), width = self.columns
        var names: [String] = [], sources: [(column: Int, block: Int?)] = []
        for j in 0..<width {
            if let k = columns.firstIndex(of: j) {
                names += blocks[k]
                sources.append((j, k))
            } else {
                names.append(featureName(j))
                sources.append((j, nil))
            }
        }
        let outWidth = names.count
        var out = [Float](repeating: 0, count: rows * outWidth)
        for row in 0..<rows {
            var position = row * outWidth
            for (j, k) in sources {
                let value = x[row * width + j]
                if let k {
                    var block = out[position..<(position + blocks[k].count)]
                    try fill(k, value, &block)
                    out.replaceSubrange(position..<(position + blocks[k].count), with: block)
                    position += blocks[k].count
                } else {
                    out[position] = value
                    position += 1
                }
            }
        }
        let expanded = Set(columns.map(featureName))
        return replacingFeatures(out, names: names, categories: categories.filter { !expanded.contains($0.key) })
    }

    /// The display name of value `v` in column `j`: its category name, or the number.
    func valueName(_ v: Double, column j: Int) -> String {
        if let names = categories[featureName(j)], v >= 0, Int(v) < names.count, Double(Int(v)) == v { return names[Int(v)] }
        return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}

/// Distinct observed (non-NaN) values of the selected training columns, ascending; NaN is an error.
func knownValues(_ train: Dataset, _ columns: [Int], step: String) throws -> [[Double]] {
    let x = train.floatFeatures()
    return try columns.map { j in
        let values = train.column(j, of: x)
        if values.contains(where: \.isNaN) {
            throw StageError("\(step): column '\(train.featureName(j))' has missing training values; add an impute step before it")
        }
        return Array(Set(values)).sorted()
    }
}

/// Writes per-column value lists as datasets `values_0`, `values_1`, … (empty lists are skipped).
func writeValueLists(_ lists: [[Double]], prefix: String, to group: HDF5Group) throws {
    for (k, list) in lists.enumerated() where !list.isEmpty { _ = try group.createDataset("\(prefix)_\(k)", shape: [list.count], data: list) }
}

/// Reads lists written by `writeValueLists`.
func readValueLists(_ count: Int, prefix: String, from group: HDF5Group) throws -> [[Double]] {
    try (0..<count).map { k in group.contains("\(prefix)_\(k)") ? try group.dataset("\(prefix)_\(k)").read(as: Double.self) : [] }
}

/// `one_hot`: replaces each selected column by one 0/1 column per category seen in the training rows, named
/// `column=category` (scikit-learn's `OneHotEncoder`, categories sorted). A category not seen in training is an
/// error (`handle_unknown: error`) or encodes as all zeros (`ignore`). Defaults to the categorical columns.
struct OneHotEncoding: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("one_hot", fields: [
            ParamDecl("handle_unknown", .choice(["error", "ignore"]), default: .string("error"),
                      help: "A category not seen in training: 'error', or 'ignore' (all-zero indicators)."),
            columnsDecl("categorical columns"),
        ], help: "One 0/1 column per training category (names column=category).")
    }

    struct Fitted: FittedTransform {
        let inputColumns: Int
        let columns: [Int]
        let known: [[Double]]
        let blocks: [[String]]
        let ignoreUnknown: Bool
        var method: String { "one_hot" }

        func transform(_ data: Dataset) throws -> Dataset {
            guard data.columns == inputColumns else { throw StageError("\(method): fitted on \(inputColumns) columns, given \(data.columns)") }
            return try data.expandingColumns(columns, blocks: blocks) { k, x, block in
                if let position = known[k].firstIndex(of: Double(x)) {
                    block[block.startIndex + position] = 1
                } else if !ignoreUnknown {
                    let shown = x.isNaN ? "a missing value" : "'\(data.valueName(Double(x), column: columns[k]))'"
                    throw StageError("one_hot: column '\(data.featureName(columns[k]))' has \(shown), not seen in training (set handle_unknown: ignore)")
                }
            }
        }

        func write(to group: HDF5Group) throws {
            try group.setAttribute("input_columns", .int(Int64(inputColumns)))
            try group.setAttribute("columns", .ints(columns.map(Int64.init)))
            try group.setAttribute("handle_unknown", .string(ignoreUnknown ? "ignore" : "error"))
            try group.setAttribute("output_names", .strings(blocks.flatMap { $0 }))
            try group.setAttribute("block_sizes", .ints(blocks.map { Int64($0.count) }))
            try writeValueLists(known, prefix: "categories", to: group)
        }
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let columns = try train.selectColumns(params.selectedNames, default: .categorical, step: name)
        let known = try knownValues(train, columns, step: name)
        let blocks = zip(columns, known).map { j, values in values.map { "\(train.featureName(j))=\(train.valueName($0, column: j))" } }
        let fitted = Fitted(inputColumns: train.columns, columns: columns, known: known, blocks: blocks,
                            ignoreUnknown: params["handle_unknown"]?.stringValue == "ignore")
        return try fitThenTransform(train, fitted)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        let columns = try group.intList("columns")
        let names = try group.stringList("output_names"), sizes = try group.intList("block_sizes")
        var blocks: [[String]] = [], start = 0
        for size in sizes { blocks.append(Array(names[start..<(start + size)])); start += size }
        return Fitted(inputColumns: Int(try group.attribute("input_columns")?.intValue ?? 0), columns: columns,
                      known: try readValueLists(columns.count, prefix: "categories", from: group), blocks: blocks,
                      ignoreUnknown: try group.attribute("handle_unknown")?.stringValue == "ignore")
    }
}

/// `ordinal`: replaces each selected column's values by their position among the training categories, sorted
/// (scikit-learn's `OrdinalEncoder`); an unseen category becomes `unknown_value`, a missing value stays missing.
/// The columns become plain numbers (no longer categorical). Defaults to the categorical columns.
struct OrdinalEncoding: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("ordinal", fields: [
            ParamDecl("unknown_value", .number(), default: .double(-1), help: "Code given to a category not seen in training."),
            columnsDecl("categorical columns"),
        ], help: "Integer codes 0, 1, … for the training categories, in sorted order.")
    }

    static func map(_ inputColumns: Int, _ columns: [Int], _ names: [String], known: [[Double]], unknown: Double) -> ColumnMap {
        let lookup = known.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, Double($0)) }) }
        var map = ColumnMap(method: "ordinal", inputColumns: inputColumns, columns: columns, names: names, parameters: [:],
                            attributes: ["unknown_value": .double(unknown), "formula": .string("y = position of x in categories_k, or unknown_value")],
                            apply: { k, x in x.isNaN ? x : (lookup[k][x] ?? unknown) })
        map.dropsCategories = true
        return map
    }

    struct Fitted: FittedTransform {
        let map: ColumnMap
        let known: [[Double]]
        var method: String { "ordinal" }
        func transform(_ data: Dataset) throws -> Dataset { try map.transform(data) }
        func write(to group: HDF5Group) throws {
            try map.write(to: group)
            try writeValueLists(known, prefix: "categories", to: group)
        }
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let columns = try train.selectColumns(params.selectedNames, default: .categorical, step: name)
        let x = train.floatFeatures()
        let known = columns.map { Array(Set(train.column($0, of: x).filter { !$0.isNaN })).sorted() }
        let map = Self.map(train.columns, columns, columns.map(train.featureName), known: known, unknown: params["unknown_value"]?.doubleValue ?? -1)
        return try fitThenTransform(train, Fitted(map: map, known: known))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        let p = try ColumnMap.readParts(group, parameters: [])
        let known = try readValueLists(p.columns.count, prefix: "categories", from: group)
        return Fitted(map: Self.map(p.inputColumns, p.columns, p.names, known: known, unknown: try group.attribute("unknown_value")?.doubleValue ?? -1),
                      known: known)
    }
}

/// `kbins`: discretises each selected column into bins whose edges come from the training values (scikit-learn's
/// `KBinsDiscretizer`): `uniform` widths or `quantile` (equal-count, numpy linear percentiles; edges closer than
/// 1e-8 merge). `encode: ordinal` gives the bin index, `onehot` one 0/1 column per bin named `column=bin<i>`.
/// Values beyond the training range go to the first or last bin; missing values are an error.
struct BinDiscretization: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("kbins", fields: [
            ParamDecl("n_bins", .int(min: 2), default: .int(5), help: "Bins per column (quantile bins may merge)."),
            ParamDecl("strategy", .choice(["uniform", "quantile"]), default: .string("quantile"), help: "Equal-width or equal-count bins."),
            ParamDecl("encode", .choice(["ordinal", "onehot"]), default: .string("ordinal"), help: "Bin index, or one 0/1 column per bin."),
            columnsDecl("numeric columns"),
        ], help: "Discretise columns into uniform or quantile bins fitted on the training values.")
    }

    struct Fitted: FittedTransform {
        let inputColumns: Int
        let columns: [Int]
        let edges: [[Double]]
        let onehot: Bool
        let names: [String]
        var method: String { "kbins" }

        func transform(_ data: Dataset) throws -> Dataset {
            guard data.columns == inputColumns else { throw StageError("\(method): fitted on \(inputColumns) columns, given \(data.columns)") }
            let x = data.floatFeatures(), width = data.columns
            for row in 0..<data.rows { for (k, j) in columns.enumerated() where x[row * width + j].isNaN {
                throw StageError("kbins: column '\(names[k])' has a missing value in row \(row); impute first")
            } }
            if onehot {
                let blocks = columns.indices.map { k in (0..<(edges[k].count - 1)).map { "\(names[k])=bin\($0)" } }
                return try data.expandingColumns(columns, blocks: blocks) { k, x, block in
                    block[block.startIndex + Int(binIndex(Double(x), edges: edges[k]))] = 1
                }
            }
            let map = ColumnMap(method: method, inputColumns: inputColumns, columns: columns, names: names, parameters: [:], attributes: [:],
                                apply: { k, x in binIndex(x, edges: edges[k]) })
            return try map.transform(data)
        }

        func write(to group: HDF5Group) throws {
            try group.setAttribute("input_columns", .int(Int64(inputColumns)))
            try group.setAttribute("columns", .ints(columns.map(Int64.init)))
            try group.setAttribute("column_names", .strings(names.isEmpty ? [""] : names))
            try group.setAttribute("encode", .string(onehot ? "onehot" : "ordinal"))
            try writeValueLists(edges, prefix: "bin_edges", to: group)
        }
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let columns = try train.selectColumns(params.selectedNames, default: .numeric, step: name)
        let bins = params["n_bins"]?.intValue ?? 5, quantile = params["strategy"]?.stringValue != "uniform"
        let x = train.floatFeatures()
        let edges = try columns.map { j -> [Double] in
            let values = train.column(j, of: x)
            guard !values.isEmpty, !values.contains(where: \.isNaN) else {
                throw StageError("kbins: column '\(train.featureName(j))' has missing or no training values; impute first")
            }
            return binEdges(values, bins: bins, quantile: quantile)
        }
        let fitted = Fitted(inputColumns: train.columns, columns: columns, edges: edges, onehot: params["encode"]?.stringValue == "onehot",
                            names: columns.map(train.featureName))
        return try fitThenTransform(train, fitted)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        let columns = try group.intList("columns")
        return Fitted(inputColumns: Int(try group.attribute("input_columns")?.intValue ?? 0), columns: columns,
                      edges: try readValueLists(columns.count, prefix: "bin_edges", from: group),
                      onehot: try group.attribute("encode")?.stringValue == "onehot", names: try group.stringList("column_names"))
    }
}
