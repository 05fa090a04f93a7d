// How many features a split examines, resolved against the number of columns (scikit-learn's rules).

import Foundation

/// Features examined per split.
public enum MaxFeatures: Sendable, Equatable {
    /// Every feature.
    case all
    /// ⌊√n⌋ (at least 1).
    case sqrt
    /// ⌊log₂ n⌋ (at least 1).
    case log2
    /// A fixed count (capped at n).
    case count(Int)
    /// ⌊fraction · n⌋ (at least 1).
    case fraction(Double)

    /// The count for `n` features.
    public func resolve(_ n: Int) -> Int {
        switch self {
        case .all: return n
        case .sqrt: return max(1, Int(Foundation.sqrt(Double(n))))
        case .log2: return max(1, Int(Foundation.log2(Double(n))))
        case .count(let k): return max(1, min(k, n))
        case .fraction(let f): return max(1, min(n, Int(f * Double(n))))
        }
    }
}
