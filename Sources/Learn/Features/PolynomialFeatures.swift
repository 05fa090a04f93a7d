// Polynomial feature construction (scikit-learn's PolynomialFeatures).

/// Products of input columns up to `degree`, in scikit-learn's order: the bias `1` (when included), then
/// every degree-1 term, every degree-2 term, … each degree listing the index combinations with repetition
/// in lexicographic order (`combinations_with_replacement`); `interactionOnly` keeps only products of
/// distinct columns. Names follow `get_feature_names_out`: `a`, `a^2`, `a b`, `a^2 b`.
public struct PolynomialFeatures: Sendable, Equatable {
    /// Input column indices of each output term (empty for the bias).
    public let terms: [[Int]]
    /// Number of input columns.
    public let features: Int

    /// The terms for `features` inputs.
    public init(features: Int, degree: Int, interactionOnly: Bool, includeBias: Bool) {
        var terms: [[Int]] = includeBias ? [[]] : []
        var current: [[Int]] = [[]]
        for _ in 1...max(1, degree) {
            var next: [[Int]] = []
            for term in current {
                let start = term.last.map { interactionOnly ? $0 + 1 : $0 } ?? 0
                for j in start..<features { next.append(term + [j]) }
            }
            terms += next
            current = next
        }
        self.init(terms: terms, features: features)
    }

    /// Stored terms.
    public init(terms: [[Int]], features: Int) {
        self.terms = terms
        self.features = features
    }

    /// Output names from input names.
    public func names(_ inputs: [String]) -> [String] {
        terms.map { term in
            guard !term.isEmpty else { return "1" }
            var parts: [String] = []
            var i = 0
            while i < term.count {
                var power = 1
                while i + power < term.count, term[i + power] == term[i] { power += 1 }
                parts.append(power == 1 ? inputs[term[i]] : "\(inputs[term[i]])^\(power)")
                i += power
            }
            return parts.joined(separator: " ")
        }
    }

    /// Expands rows (products computed left to right in Float).
    public func transform(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Float] {
        let width = terms.count
        var out = [Float](repeating: 0, count: rows * width)
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<rows {
                let row = x.baseAddress! + i * features
                for (t, term) in terms.enumerated() {
                    var v: Float = 1
                    for j in term { v *= row[j] }
                    o[i * width + t] = v
                }
            }
        }
        return out
    }
}
