// Internal helpers shared by the layers: growable scratch buffers, configuration parsing, shape text.

/// A heap buffer that grows to the largest size requested and is freed with its owner.
///
/// Contents are not preserved when it grows (callers always overwrite what they use). Not thread-safe:
/// it belongs to one layer or network, which is used from one thread at a time.
final class ScratchBuffer<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>?
    private(set) var capacity = 0

    init() {}

    /// A pointer to at least `count` elements (uninitialised on growth; for trivial types only).
    @inline(__always)
    func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if count > capacity || pointer == nil { grow(count) }
        return pointer!
    }

    private func grow(_ count: Int) {
        pointer?.deallocate()
        let n = Swift.max(count, 1)
        pointer = UnsafeMutablePointer<Element>.allocate(capacity: n)
        capacity = n
    }

    deinit { pointer?.deallocate() }
}

/// An empty mutable buffer, the value of a layer's slices before `bind`.
var unboundBuffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: nil, count: 0) }

/// "[3, 28, 28]".
func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

extension LayerValue {
    /// A short human-readable rendering for error messages.
    var text: String {
        switch self {
        case .int(let v): return "integer \(v)"
        case .double(let v): return "number \(v)"
        case .string(let v): return "string \"\(v)\""
        case .ints(let v): return "integer list \(shapeText(v))"
        }
    }
}

/// Reads a layer configuration, rejecting unknown keys and wrong types with messages that say what was expected.
struct ConfigurationReader {
    let kind: String
    let values: [String: LayerValue]

    init(kind: String, configuration: [String: LayerValue], allowed: [String]) throws {
        self.kind = kind
        self.values = configuration
        for key in configuration.keys.sorted() where !allowed.contains(key) {
            let expected = allowed.isEmpty ? "no keys" : allowed.map { "'\($0)'" }.joined(separator: ", ")
            throw LayerError("\(kind): unknown configuration key '\(key)'; expected \(expected)")
        }
    }

    private func missing(_ key: String, _ expected: String) -> LayerError {
        LayerError("\(kind): missing '\(key)' (expected \(expected))")
    }

    private func wrong(_ key: String, _ expected: String, _ found: LayerValue) -> LayerError {
        LayerError("\(kind): '\(key)' must be \(expected), found \(found.text)")
    }

    /// An integer ≥ `minimum` (a `.double` with an integral value is accepted).
    func int(_ key: String, minimum: Int, default value: Int? = nil) throws -> Int {
        let expected = "an integer ≥ \(minimum)"
        guard let v = values[key] else {
            if let value { return value }
            throw missing(key, expected)
        }
        let n: Int
        switch v {
        case .int(let i): n = i
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: n = Int(d)
        default: throw wrong(key, expected, v)
        }
        guard n >= minimum else { throw wrong(key, expected, v) }
        return n
    }

    /// A number in the range described by `accepts` / `expected` (an `.int` is accepted).
    func double(_ key: String, expected: String, default value: Double? = nil,
                accepts: (Double) -> Bool) throws -> Double {
        guard let v = values[key] else {
            if let value { return value }
            throw missing(key, expected)
        }
        let d: Double
        switch v {
        case .double(let x): d = x
        case .int(let i): d = Double(i)
        default: throw wrong(key, expected, v)
        }
        guard accepts(d) else { throw wrong(key, expected, v) }
        return d
    }

    /// A pair of integers ≥ `minimum`, written as `[h, w]` or as one integer `k` meaning `[k, k]`.
    func pair(_ key: String, minimum: Int, default value: (Int, Int)? = nil) throws -> (Int, Int) {
        let expected = "a pair [height, width] of integers ≥ \(minimum) (or one integer)"
        guard let v = values[key] else {
            if let value { return value }
            throw missing(key, expected)
        }
        switch v {
        case .int(let k) where k >= minimum: return (k, k)
        case .ints(let a) where a.count == 2 && a[0] >= minimum && a[1] >= minimum: return (a[0], a[1])
        default: throw wrong(key, expected, v)
        }
    }

    /// The raw value, if present.
    func raw(_ key: String) -> LayerValue? { values[key] }

    /// A wrong-value error for `key`.
    func error(_ key: String, expected: String, found: LayerValue) -> LayerError { wrong(key, expected, found) }

    /// A missing-key error for `key`.
    func missingError(_ key: String, expected: String) -> LayerError { missing(key, expected) }
}

/// `ceil(a / b)` for `b > 0` and any sign of `a`.
@inline(__always)
func ceilDiv(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? (a + b - 1) / b : -((-a) / b)
}

/// `floor(a / b)` for `b > 0` and any sign of `a`.
@inline(__always)
func floorDiv(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}
