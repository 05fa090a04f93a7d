import CHDF5

/// The element types this layer reads and writes.
public enum HDF5ElementType: String, Sendable, CaseIterable {
    case float32, float64, int32, int64, uint8, string
    /// Signed bytes (quantized weights).
    case int8

    /// Size of one element in memory, in bytes (string elements are pointers to variable-length text).
    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        case .uint8, .int8: return 1
        case .string: return MemoryLayout<UnsafePointer<CChar>>.size
        }
    }

    /// The native HDF5 memory type for numeric elements; nil for strings.
    var nativeTypeID: hid_t? {
        switch self {
        case .float32: return pl_h5t_native_float()
        case .float64: return pl_h5t_native_double()
        case .int32: return pl_h5t_native_int32()
        case .int64: return pl_h5t_native_int64()
        case .uint8: return pl_h5t_native_uint8()
        case .int8: return pl_h5t_native_int8()
        case .string: return nil
        }
    }

    /// Maps a stored HDF5 datatype onto the element type that holds its values without loss
    /// (int8 stays int8; other narrower integers widen: int16/uint16 → int32, uint32 → int64; float16 → float32).
    /// Returns nil for types with no lossless counterpart (uint64, compound, enum, …). Call with the lock held.
    static func from(typeID: hid_t) -> HDF5ElementType? {
        let size = H5Tget_size(typeID)
        switch H5Tget_class(typeID) {
        case H5T_FLOAT:
            return size <= 4 ? .float32 : (size == 8 ? .float64 : nil)
        case H5T_INTEGER:
            let signed = H5Tget_sign(typeID) != H5T_SGN_NONE
            switch (size, signed) {
            case (1, false): return .uint8
            case (1, true): return .int8
            case (2, _), (4, true): return .int32
            case (4, false), (8, true): return .int64
            default: return nil
            }
        case H5T_STRING:
            return .string
        default:
            return nil
        }
    }
}

/// Swift scalar types that map onto an HDF5 numeric element type.
public protocol HDF5Numeric: Sendable {
    /// The HDF5 element type matching this Swift type's memory layout.
    static var hdf5ElementType: HDF5ElementType { get }
}

extension Float: HDF5Numeric {
    /// `.float32`.
    public static var hdf5ElementType: HDF5ElementType { .float32 }
}

extension Double: HDF5Numeric {
    /// `.float64`.
    public static var hdf5ElementType: HDF5ElementType { .float64 }
}

extension Int32: HDF5Numeric {
    /// `.int32`.
    public static var hdf5ElementType: HDF5ElementType { .int32 }
}

extension Int64: HDF5Numeric {
    /// `.int64`.
    public static var hdf5ElementType: HDF5ElementType { .int64 }
}

extension UInt8: HDF5Numeric {
    /// `.uint8`.
    public static var hdf5ElementType: HDF5ElementType { .uint8 }
}

extension Int8: HDF5Numeric {
    /// `.int8`.
    public static var hdf5ElementType: HDF5ElementType { .int8 }
}

extension HDF5Numeric {
    /// The native HDF5 memory type id for this Swift type.
    static var nativeTypeID: hid_t { hdf5ElementType.nativeTypeID! }
}
