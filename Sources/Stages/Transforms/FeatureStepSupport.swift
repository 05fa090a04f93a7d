import Learn
import PipelineSpec
import PipelineStore

extension Dataset {
    /// Column names: the dataset's own when it has one per column, else scikit-learn's defaults `x0`, `x1`, ….
    var columnNames: [String] {
        featureNames.count == columns ? featureNames : (0..<columns).map { "x\($0)" }
    }

    /// The same rows with new tabular features (`rows × names.count` values); labels and targets kept, and the
    /// category names of columns that keep their name (selection keeps them; constructed columns have none).
    func replacingFeatures(_ values: [Float], names: [String]) -> Dataset {
        let kept = categories.filter { names.contains($0.key) }
        return Dataset(features: .float32(values), rows: rows, sampleShape: [names.count], labels: labels, classNames: classNames,
                       featureNames: names, targets: targets, targetName: targetName, categories: kept)
    }

    /// The class labels, or a clear error for supervised steps given unlabelled data.
    func requireLabels(for step: String) throws -> [Int32] {
        guard let labels else { throw StageError("\(step): needs class labels in the training rows (this dataset has none)") }
        return labels
    }

    /// Throws unless the dataset has the column count a transform was fitted on.
    func requireColumns(_ expected: Int, for step: String) throws {
        guard columns == expected else { throw StageError("\(step): fitted on \(expected) columns, given \(columns)") }
    }
}

/// Runs a Learn numeric routine, turning its `FeatureError` into a `StageError` naming the step.
func numeric<T>(_ step: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as FeatureError { throw StageError("\(step): \(error.description)") }
}

/// A fitted column selection (every selector: variance threshold, univariate filters, RFE, L1 model):
/// keeps the columns `selected` of `inputColumns`, recorded by index and by name in the artifact.
struct ColumnSelection: FittedTransform {
    let method: String
    let inputColumns: Int
    let selected: [Int]
    let names: [String]
    /// Per-input-column scores the choice was made on (variance, F, χ², MI, |coef|, ranking), when any.
    let scores: [Double]
    let scoreName: String

    func transform(_ data: Dataset) throws -> Dataset {
        try data.requireColumns(inputColumns, for: method)
        let x = data.floatFeatures()
        let k = selected.count, d = inputColumns
        var out = [Float](repeating: 0, count: data.rows * k)
        x.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                selected.withUnsafeBufferPointer { s in
                    for i in 0..<data.rows { for (p, j) in s.enumerated() { dst[i * k + p] = src[i * d + j] } }
                }
            }
        }
        return data.replacingFeatures(out, names: names)
    }

    func write(to group: HDF5Group) throws {
        try group.setAttribute("input_columns", .int(Int64(inputColumns)))
        try group.setAttribute("selected_names", .strings(names.isEmpty ? ["(none)"] : names))
        _ = try group.createDataset("selected", shape: [selected.count], data: selected.map(Int32.init))
        if !scores.isEmpty {
            let dataset = try group.createDataset("scores", shape: [scores.count], data: scores)
            try dataset.setAttribute("meaning", .string(scoreName))
        }
    }

    static func read(method: String, from group: HDF5Group) throws -> ColumnSelection {
        let selected = try group.dataset("selected").read(as: Int32.self).map(Int.init)
        let names = selected.isEmpty ? [] : try group.stringList("selected_names")
        var scores: [Double] = [], scoreName = ""
        if group.contains("scores") {
            let dataset = try group.dataset("scores")
            scores = try dataset.read(as: Double.self)
            scoreName = try dataset.attribute("meaning")?.stringValue ?? ""
        }
        return ColumnSelection(method: method, inputColumns: Int(try group.attribute("input_columns")?.intValue ?? 0), selected: selected,
                               names: names, scores: scores, scoreName: scoreName)
    }

    /// A selection of `selected` columns of `data`, failing when nothing is left.
    static func make(_ method: String, _ data: Dataset, selected: [Int], scores: [Double], scoreName: String) throws -> ColumnSelection {
        guard !selected.isEmpty else { throw StageError("\(method): no feature passes the criterion; loosen it") }
        let names = data.columnNames
        return ColumnSelection(method: method, inputColumns: data.columns, selected: selected, names: selected.map { names[$0] },
                               scores: scores, scoreName: scoreName)
    }
}
