/// Numeric features plus integer class labels, as read from a table.
public struct LabeledMatrix: Sendable, Equatable {
    /// Features, row-major: `rows` × `featureNames.count`.
    public let features: [Float]
    /// Number of rows (examples).
    public let rows: Int
    /// The feature columns, in matrix column order.
    public let featureNames: [String]
    /// One class code per row.
    public let labels: [Int32]
    /// When labels were text: the sorted distinct class names, `labels[i]` indexing into it.
    /// Nil when the label column held integers, which are used as codes directly.
    public let classNames: [String]?

    /// Number of feature columns.
    public var columns: Int { featureNames.count }
}

extension CSVTable {
    /// Converts the table into a float feature matrix and a label vector.
    ///
    /// `featureColumns` defaults to every column except the label. Labels that all parse as integers become
    /// codes as they are; otherwise each distinct text becomes a class, numbered in sorted order.
    /// A cell that is not a number is an error naming the file, line, column and value.
    public func labeledMatrix(labelColumn: String, featureColumns: [String]? = nil) throws -> LabeledMatrix {
        guard let labelIndex = columnIndex(labelColumn) else {
            throw DataLoadError(path: path, "no label column '\(labelColumn)' (columns: \(header.joined(separator: ", ")))")
        }
        let names = featureColumns ?? header.filter { $0 != labelColumn }
        let featureIndices = try names.map { name -> Int in
            guard let index = columnIndex(name) else {
                throw DataLoadError(path: path, "no feature column '\(name)' (columns: \(header.joined(separator: ", ")))")
            }
            return index
        }

        let columnCount = featureIndices.count
        let features = try [Float](unsafeUninitializedCapacity: rows.count * columnCount) { out, initialized in
            for (row, cells) in rows.enumerated() {
                for (column, cellIndex) in featureIndices.enumerated() {
                    let cell = cells[cellIndex]
                    guard let value = Float(cell.trimmingSpaces()) else {
                        initialized = row * columnCount + column
                        let problem = cell.isEmpty ? "missing value" : "expected a number, found '\(cell)'"
                        throw DataLoadError(path: path, "line \(rowLines[row]), column '\(header[cellIndex])': \(problem)")
                    }
                    out[row * columnCount + column] = value
                }
            }
            initialized = rows.count * columnCount
        }

        let rawLabels = rows.map { String($0[labelIndex].trimmingSpaces()) }
        if let emptyRow = rawLabels.firstIndex(of: "") {
            throw DataLoadError(path: path, "line \(rowLines[emptyRow]), column '\(labelColumn)': missing label")
        }
        let integerLabels = rawLabels.compactMap { Int32($0) }
        if integerLabels.count == rawLabels.count {
            return LabeledMatrix(features: features, rows: rows.count, featureNames: names, labels: integerLabels,
                                 classNames: nil)
        }
        let classNames = Array(Set(rawLabels)).sorted()
        let codes = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, Int32($0)) })
        return LabeledMatrix(features: features, rows: rows.count, featureNames: names,
                             labels: rawLabels.map { codes[$0]! }, classNames: classNames)
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> Substring {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
