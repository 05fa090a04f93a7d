/// The value of an HDF5 attribute: a UTF-8 string, a 64-bit integer or a double, as a scalar or a 1-D array.
public enum HDF5AttributeValue: Sendable, Equatable {
    case string(String)
    case strings([String])
    case int(Int64)
    case ints([Int64])
    case double(Double)
    case doubles([Double])

    /// The scalar string, if this is `.string`.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The scalar integer, if this is `.int`.
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The scalar double, if this is `.double` (or `.int`, converted).
    public var doubleValue: Double? {
        switch self {
        case .double(let value): return value
        case .int(let value): return Double(value)
        default: return nil
        }
    }

    /// The doubles, if this is `.doubles` or `.ints` (converted), or a scalar number as a one-element list.
    public var doublesValue: [Double]? {
        switch self {
        case .doubles(let values): return values
        case .ints(let values): return values.map(Double.init)
        case .double(let value): return [value]
        case .int(let value): return [Double(value)]
        default: return nil
        }
    }

    /// The integers, if this is `.ints`, or a scalar integer as a one-element list.
    public var intsValue: [Int64]? {
        switch self {
        case .ints(let values): return values
        case .int(let value): return [value]
        default: return nil
        }
    }
}
