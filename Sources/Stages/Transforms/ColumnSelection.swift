import PipelineSpec

/// Which columns a step works on when its `columns:` option is absent.
enum ColumnDefault: Sendable {
    /// Columns without categories (scalers, imputation by mean/median, outliers, binning).
    case numeric
    /// Columns with categories (encoders).
    case categorical
    /// Every column.
    case all
}

/// The `columns:` option shared by steps that work on some columns only.
func columnsDecl(_ defaultText: String) -> ParamDecl {
    ParamDecl("columns", .list(of: .string, minCount: 1), help: "Feature names the step applies to (default: \(defaultText)).")
}

extension Dataset {
    /// The name of column `j`: its feature name, or `column<j>` for unnamed features.
    func featureName(_ j: Int) -> String {
        j < featureNames.count ? featureNames[j] : "column\(j)"
    }

    /// Whether column `j` holds category codes.
    func isCategorical(_ j: Int) -> Bool { categories[featureName(j)] != nil }

    /// The column indices `names` selects (in the dataset's column order), or those of `fallback` when `names`
    /// is nil; unknown names are an error naming the step and the known columns.
    func selectColumns(_ names: [String]?, default fallback: ColumnDefault, step: String) throws -> [Int] {
        guard let names else {
            return (0..<columns).filter { j in
                switch fallback {
                case .numeric: return !isCategorical(j)
                case .categorical: return isCategorical(j)
                case .all: return true
                }
            }
        }
        let all = (0..<columns).map(featureName)
        for name in names where !all.contains(name) {
            throw StageError("\(step): no column '\(name)' (columns: \(all.joined(separator: ", ")))")
        }
        return (0..<columns).filter { names.contains(all[$0]) }
    }

    /// Column `j` of the row-major float features `x`, widened to Double.
    func column(_ j: Int, of x: [Float]) -> [Double] {
        let width = columns
        return x.withUnsafeBufferPointer { src in (0..<rows).map { Double(src[$0 * width + j]) } }
    }

    /// The same rows with new tabular features (`names.count` columns) and categories.
    func replacingFeatures(_ x: [Float], names: [String], categories: [String: [String]]) -> Dataset {
        Dataset(features: .float32(x), rows: rows, sampleShape: [names.count], labels: labels, classNames: classNames,
                featureNames: names, targets: targets, targetName: targetName, categories: categories)
    }

    /// Every column's name (`column<j>` for unnamed ones).
    var allFeatureNames: [String] { (0..<columns).map(featureName) }
}

extension [String: ParamValue] {
    /// The `columns:` option, when given.
    var selectedNames: [String]? { self["columns"]?.listValue?.compactMap(\.stringValue) }
}
