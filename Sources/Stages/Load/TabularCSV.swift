/// How a CSV table becomes a dataset: which column is the label or target, which cells count as missing, which
/// columns are categorical.
public struct CSVDatasetOptions: Sendable {
    /// The class-label column (classification), if any.
    public var label: String?
    /// The real-valued target column (regression), if any.
    public var target: String?
    /// Cell texts (after trimming spaces) read as missing values.
    public var missingMarkers: Set<String>
    /// Columns read as categorical even when their values look numeric.
    public var categorical: [String]

    /// The default missing-value markers.
    public static let defaultMissingMarkers = ["", "NA", "NaN", "?", "null"]

    /// Creates options.
    public init(label: String? = nil, target: String? = nil, missingMarkers: [String] = CSVDatasetOptions.defaultMissingMarkers,
                categorical: [String] = []) {
        self.label = label
        self.target = target
        self.missingMarkers = Set(missingMarkers)
        self.categorical = categorical
    }
}

extension CSVTable {
    /// Converts the table into a dataset: every column except the label/target is a feature, in file order.
    ///
    /// - A missing cell (one of `missingMarkers`) is NaN.
    /// - A column listed in `categorical`, or holding a non-missing cell that is not a number, is categorical: its
    ///   distinct texts, sorted, are its categories and the column holds their codes 0, 1, … (as float32);
    ///   the names travel in `Dataset.categories`.
    /// - Label texts that all parse as integers are used as codes; otherwise the sorted distinct texts are the
    ///   class names. A missing label or target, or a target that is not a number, is an error naming the line.
    public func dataset(_ options: CSVDatasetOptions) throws -> Dataset {
        for name in [options.label, options.target].compactMap({ $0 }) + options.categorical where columnIndex(name) == nil {
            throw DataLoadError(path: path, "no column '\(name)' (columns: \(header.joined(separator: ", ")))")
        }
        let special = Set([options.label, options.target].compactMap { $0 })
        let featureIndices = header.indices.filter { !special.contains(header[$0]) }
        let width = featureIndices.count
        var x = [Float](repeating: 0, count: rows.count * width)
        var categories: [String: [String]] = [:]
        for (k, column) in featureIndices.enumerated() {
            let cells = rows.map { String($0[column].trimmingSpaces()) }
            let missing = cells.map { options.missingMarkers.contains($0) }
            let numbers = cells.map { Float($0) }
            let isCategorical = options.categorical.contains(header[column])
                || cells.indices.contains { !missing[$0] && numbers[$0] == nil }
            if isCategorical {
                let names = Array(Set(cells.indices.filter { !missing[$0] }.map { cells[$0] })).sorted()
                let code = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Float($0)) })
                for row in cells.indices { x[row * width + k] = missing[row] ? .nan : code[cells[row]]! }
                categories[header[column]] = names
            } else {
                for row in cells.indices { x[row * width + k] = missing[row] ? .nan : numbers[row]! }
            }
        }
        var labels: [Int32]?, classNames: [String] = []
        if let label = options.label {
            let index = columnIndex(label)!
            let texts = rows.map { String($0[index].trimmingSpaces()) }
            if let row = texts.indices.first(where: { options.missingMarkers.contains(texts[$0]) }) {
                throw DataLoadError(path: path, "line \(rowLines[row]), column '\(label)': missing label")
            }
            let integers = texts.compactMap { Int32($0) }
            if integers.count == texts.count {
                if let row = integers.firstIndex(where: { $0 < 0 }) {
                    throw DataLoadError(path: path, "line \(rowLines[row]), column '\(label)': negative label \(integers[row]); expected class indices 0, 1, … or class names")
                }
                labels = integers
            } else {
                classNames = Array(Set(texts)).sorted()
                let code = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, Int32($0)) })
                labels = texts.map { code[$0]! }
            }
        }
        var targets: [Float]?
        if let target = options.target {
            let index = columnIndex(target)!
            targets = try rows.indices.map { row in
                let text = String(rows[row][index].trimmingSpaces())
                guard !options.missingMarkers.contains(text), let value = Float(text) else {
                    throw DataLoadError(path: path, "line \(rowLines[row]), column '\(target)': " + (options.missingMarkers.contains(text) ? "missing target" : "expected a number, found '\(text)'"))
                }
                return value
            }
        }
        return Dataset(features: .float32(x), rows: rows.count, sampleShape: [width], labels: labels, classNames: classNames,
                       featureNames: featureIndices.map { header[$0] }, targets: targets, targetName: options.target, categories: categories)
    }
}
