import Learn
import PipelineSpec
import PipelineStore

/// Small helpers shared by the classical families: typed reads of validated `model:` options and
/// self-describing HDF5 datasets.
enum FamilyOptions {
    /// A number option (validated and defaulted by the declaration).
    static func double(_ params: [String: ParamValue], _ key: String, _ fallback: Double) -> Double {
        params[key]?.doubleValue ?? fallback
    }

    /// An integer option.
    static func int(_ params: [String: ParamValue], _ key: String, _ fallback: Int) -> Int {
        params[key]?.intValue ?? fallback
    }

    /// A boolean option.
    static func bool(_ params: [String: ParamValue], _ key: String, _ fallback: Bool) -> Bool {
        params[key]?.boolValue ?? fallback
    }

    /// A string option.
    static func string(_ params: [String: ParamValue], _ key: String, _ fallback: String) -> String {
        params[key]?.stringValue ?? fallback
    }

    /// A number declaration with a default.
    static func number(_ name: String, _ value: Double, min: Double? = 0, exclusiveMin: Bool = false, max: Double? = nil, _ help: String) -> ParamDecl {
        ParamDecl(name, .number(min: min, max: max, exclusiveMin: exclusiveMin), default: .double(value), help: help)
    }

    /// An integer declaration with a default.
    static func integer(_ name: String, _ value: Int, min: Int = 1, _ help: String) -> ParamDecl {
        ParamDecl(name, .int(min: min), default: .int(value), help: help)
    }

    /// `fit_intercept`.
    static let fitIntercept = ParamDecl("fit_intercept", .bool, default: .bool(true), help: "Fit an intercept (by centring for regressions).")
}

extension HDF5Group {
    /// Writes a float64 dataset with a `meaning` attribute.
    func writeDoubles(_ name: String, shape: [Int], _ data: [Double], meaning: String) throws {
        let dataset = try createDataset(name, shape: shape, data: data)
        try dataset.setAttribute("meaning", .string(meaning))
    }

    /// Writes a float32 dataset with a `meaning` attribute.
    func writeFloats(_ name: String, shape: [Int], _ data: [Float], meaning: String) throws {
        let dataset = try createDataset(name, shape: shape, data: data)
        try dataset.setAttribute("meaning", .string(meaning))
    }

    /// Reads a dataset, with a clear error when it is missing.
    func readRequired<T: HDF5Numeric>(_ name: String, as type: T.Type) throws -> [T] {
        guard contains(name) else { throw StageError("model file has no /\(name) dataset") }
        return try dataset(name).read(as: T.self)
    }

    /// Reads a required integer attribute.
    func requiredInt(_ name: String) throws -> Int {
        guard let value = try attribute(name)?.intValue else { throw StageError("model file has no '\(name)' attribute") }
        return Int(value)
    }

    /// Reads a required string attribute.
    func requiredString(_ name: String) throws -> String {
        guard let value = try attribute(name)?.stringValue else { throw StageError("model file has no '\(name)' attribute") }
        return value
    }
}

extension FitData {
    /// Labels as ±1 for a one-vs-rest problem of `positive` against the rest.
    func signs(positive: Int32) -> [Double] { (labels ?? []).map { $0 == positive ? 1 : -1 } }

    /// Regression targets as Double.
    var doubleTargets: [Double] { (targets ?? []).map(Double.init) }
}

/// Row-wise probabilities `1` at the arg-max of each row of `scores` and `0` elsewhere (first on ties): how
/// models without calibrated probabilities (SVMs) report their predicted class.
func oneHotArgmax(_ scores: [Double], rows: Int, classes: Int) -> [Float] {
    var out = [Float](repeating: 0, count: rows * classes)
    for r in 0..<rows {
        var best = 0
        for k in 1..<classes where scores[r * classes + k] > scores[r * classes + best] { best = k }
        out[r * classes + best] = 1
    }
    return out
}
