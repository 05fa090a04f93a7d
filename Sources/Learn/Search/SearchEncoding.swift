// Unit-cube encodings of search-space points, shared by the samplers.
//
// "Raw" encoding: one value u ∈ [0, 1] per parameter (inactive parameters carry an arbitrary u that is ignored);
// uniform u decodes to the parameter's prior (uniform, log-uniform, uniform over the integer lattice, uniform
// choice). "Features": the GP input — numeric parameters as their u, categoricals one-hot, inactive ones fixed.

import Foundation

extension SearchDimension {
    /// Number of lattice points of an integer dimension (`(high − low) / step + 1`).
    var latticeCount: Int {
        if case .integer(let lo, let hi, let step, _) = self { return (hi - lo) / step + 1 }
        return 0
    }

    /// Maps a unit value to a value of this dimension (the inverse of `unit(of:)` up to integer rounding).
    ///
    /// real: `low + u(high − low)` (log: in log space); integer: lattice index `⌊u·K⌋` (log: `round(exp(·))`
    /// between `low − ½` and `high + ½`); categorical: `⌊u·count⌋`. Out-of-range `u` is clamped.
    func value(atUnit raw: Double) -> SearchValue {
        let u = Swift.min(Swift.max(raw.isFinite ? raw : 0.5, 0), 1)
        switch self {
        case .real(let lo, let hi, let log):
            if log {
                let v = Foundation.exp(Foundation.log(lo) + u * (Foundation.log(hi) - Foundation.log(lo)))
                return .real(Swift.min(Swift.max(v, lo), hi))
            }
            return .real(Swift.min(Swift.max(lo + u * (hi - lo), lo), hi))
        case .integer(let lo, let hi, let step, let log):
            if log {
                let a = Foundation.log(Double(lo) - 0.5), b = Foundation.log(Double(hi) + 0.5)
                let v = Int(Foundation.exp(a + u * (b - a)).rounded())
                return .integer(Swift.min(Swift.max(v, lo), hi))
            }
            let k = latticeCount
            return .integer(lo + Swift.min(Int(u * Double(k)), k - 1) * step)
        case .categorical(let count):
            return .choice(Swift.min(Int(u * Double(count)), count - 1))
        }
    }

    /// Maps a value of this dimension to its unit value (cell centre for lattice integers and choices).
    func unit(of value: SearchValue) -> Double {
        switch (self, value) {
        case (.real(let lo, let hi, let log), .real(let x)):
            let u = log ? (Foundation.log(x) - Foundation.log(lo)) / (Foundation.log(hi) - Foundation.log(lo))
                        : (x - lo) / (hi - lo)
            return Swift.min(Swift.max(u, 0), 1)
        case (.integer(let lo, let hi, let step, let log), .integer(let x)):
            if log {
                let a = Foundation.log(Double(lo) - 0.5), b = Foundation.log(Double(hi) + 0.5)
                return Swift.min(Swift.max((Foundation.log(Double(x)) - a) / (b - a), 0), 1)
            }
            let k = latticeCount
            let j = Swift.min(Swift.max((x - lo) / step, 0), k - 1)
            return (Double(j) + 0.5) / Double(k)
        case (.categorical(let count), .choice(let c)):
            return (Double(Swift.min(Swift.max(c, 0), count - 1)) + 0.5) / Double(count)
        default:
            return 0.5  // a value of the wrong kind is treated like an unknown one
        }
    }

    /// Whether `value` is a legal value of this dimension.
    func contains(_ value: SearchValue) -> Bool {
        switch (self, value) {
        case (.real(let lo, let hi, _), .real(let x)): return x >= lo && x <= hi
        case (.integer(let lo, let hi, let step, _), .integer(let x)): return x >= lo && x <= hi && (x - lo) % step == 0
        case (.categorical(let count), .choice(let c)): return c >= 0 && c < count
        default: return false
        }
    }
}

extension SearchSpace {
    /// Decodes a raw unit vector (one entry per parameter) into an assignment of the active parameters.
    public func assignment(fromUnit raw: [Double]) -> SearchAssignment {
        precondition(raw.count == parameters.count, "one unit value per parameter expected")
        var a = SearchAssignment()
        for (i, p) in parameters.enumerated() where isActive(i, in: a) {
            a[p.name] = p.dimension.value(atUnit: raw[i])
        }
        return a
    }

    /// Encodes an assignment as a raw unit vector; parameters absent from it get `fill(i)`.
    public func unitVector(of assignment: SearchAssignment, fill: (Int) -> Double = { _ in 0.5 }) -> [Double] {
        parameters.enumerated().map { i, p in
            if let v = assignment[p.name] { return p.dimension.unit(of: v) }
            return fill(i)
        }
    }

    /// Whether `assignment` holds exactly the active parameters, each with a legal value.
    public func isValid(_ assignment: SearchAssignment) -> Bool {
        var seen = SearchAssignment()
        for (i, p) in parameters.enumerated() {
            let v = assignment[p.name]
            if isActive(i, in: seen) {
                guard let v, p.dimension.contains(v) else { return false }
                seen[p.name] = v
            } else if v != nil {
                return false
            }
        }
        return seen.count == assignment.count
    }

    /// A prior sample: uniform unit values decoded in declaration order.
    func randomAssignment(_ g: inout SeededGenerator) -> SearchAssignment {
        assignment(fromUnit: parameters.map { _ in g.nextDouble() })
    }

    /// Width of the GP feature encoding: 1 per numeric parameter, `count` per categorical.
    var featureCount: Int {
        parameters.reduce(0) { n, p in
            if case .categorical(let c) = p.dimension { return n + c }
            return n + 1
        }
    }

    /// GP features of an assignment written into `out` (length `featureCount`): numeric → unit value
    /// (0.5 when inactive), categorical → one-hot (all zero when inactive).
    func writeFeatures(of assignment: SearchAssignment, into out: UnsafeMutablePointer<Double>) {
        var j = 0
        for p in parameters {
            let v = assignment[p.name]
            if case .categorical(let c) = p.dimension {
                for k in 0..<c { out[j + k] = 0 }
                if case .choice(let k)? = v, k >= 0, k < c { out[j + k] = 1 }
                j += c
            } else {
                out[j] = v.map { p.dimension.unit(of: $0) } ?? 0.5
                j += 1
            }
        }
    }
}
