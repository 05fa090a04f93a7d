import PipelineStore

/// A fitted per-column mapping `y = f_k(x)` on selected columns, the other columns passing unchanged: the shared
/// shape of imputers, clippers, scalers, power transforms and ordinal encoders. Its fitted state is a few
/// per-column parameter vectors, written as float64 datasets; the mapping is rebuilt from them when read.
struct ColumnMap: FittedTransform {
    let method: String
    /// Columns of the data it was fitted on.
    let inputColumns: Int
    /// The columns it maps, ascending.
    let columns: [Int]
    /// Their names, for the transform file.
    let names: [String]
    /// Per-column parameters, by name, each with one value per mapped column.
    let parameters: [String: [Double]]
    /// Extra attributes describing the fitted state (formula, options).
    let attributes: [String: HDF5AttributeValue]
    /// Whether mapped columns stop being categorical (ordinal encoding turns codes into plain numbers).
    var dropsCategories = false
    /// The mapping of the k-th mapped column.
    let apply: @Sendable (_ k: Int, _ x: Double) throws -> Double

    func transform(_ data: Dataset) throws -> Dataset {
        guard data.columns == inputColumns else { throw StageError("\(method): fitted on \(inputColumns) columns, given \(data.columns)") }
        var x = data.floatFeatures()
        let width = data.columns, rows = data.rows
        try x.withUnsafeMutableBufferPointer { values in
            for row in 0..<rows {
                for (k, j) in columns.enumerated() {
                    values[row * width + j] = Float(try apply(k, Double(values[row * width + j])))
                }
            }
        }
        var result = data
        result.features = .float32(x)
        if dropsCategories { for j in columns { result.categories[data.featureName(j)] = nil } }
        return result
    }

    func write(to group: HDF5Group) throws {
        // Sorted: dictionary order changes between processes, and creation order is part of the file's bytes.
        for key in attributes.keys.sorted() { try group.setAttribute(key, attributes[key]!) }
        try group.setAttribute("input_columns", .int(Int64(inputColumns)))
        try group.setAttribute("columns", .ints(columns.map(Int64.init)))
        if !names.isEmpty { try group.setAttribute("column_names", .strings(names)) }
        for name in parameters.keys.sorted() where !parameters[name]!.isEmpty {
            _ = try group.createDataset(name, shape: [parameters[name]!.count], data: parameters[name]!)
        }
    }

    /// The stored parts of a `ColumnMap` written by `write(to:)`.
    static func readParts(_ group: HDF5Group, parameters: [String]) throws -> (inputColumns: Int, columns: [Int], names: [String], values: [String: [Double]]) {
        let columns = try group.intList("columns")
        var values: [String: [Double]] = [:]
        for name in parameters {
            values[name] = columns.isEmpty || !group.contains(name) ? [] : try group.dataset(name).read(as: Double.self)
        }
        return (Int(try group.attribute("input_columns")?.intValue ?? 0), columns, try group.stringList("column_names"), values)
    }
}

/// A fitted transform that leaves every split unchanged (steps that only resample the training rows), after
/// checking the column count.
struct PassThrough: FittedTransform {
    let method: String
    let inputColumns: Int
    /// Extra attributes describing what the step did to the training rows.
    var attributes: [String: HDF5AttributeValue] = [:]
    /// A check on other splits (e.g. no missing values left); throws to reject them.
    var validate: @Sendable (Dataset) throws -> Void = { _ in }

    func transform(_ data: Dataset) throws -> Dataset {
        guard data.columns == inputColumns else { throw StageError("\(method): fitted on \(inputColumns) columns, given \(data.columns)") }
        try validate(data)
        return data
    }

    func write(to group: HDF5Group) throws {
        try group.setAttribute("input_columns", .int(Int64(inputColumns)))
        for key in attributes.keys.sorted() { try group.setAttribute(key, attributes[key]!) }
    }
}
