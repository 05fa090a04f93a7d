import CHDF5

/// Attribute reading and writing shared by groups and datasets.
enum HDF5AttributeIO {
    /// Creates or replaces attribute `name` on the object.
    static func set(_ name: String, _ value: HDF5AttributeValue, on handle: HDF5ObjectHandle) throws {
        try HDF5Library.withLock {
            let location = handle.location
            let exists = H5Aexists(handle.id, name)
            if exists < 0 { throw location.error("H5Aexists", "cannot check attribute '\(name)'") }
            if exists > 0 { try location.check(H5Adelete(handle.id, name), "H5Adelete") }

            func create(type: hid_t, count: Int?, write: (hid_t) -> herr_t) throws {
                let space: hid_t
                if let count {
                    var dims = [hsize_t(count)]
                    space = try location.check(id: H5Screate_simple(1, &dims, nil), "H5Screate_simple")
                } else {
                    space = try location.check(id: H5Screate(H5S_SCALAR), "H5Screate")
                }
                defer { H5Sclose(space) }
                let attribute = try location.check(
                    id: H5Acreate2(handle.id, name, type, space, pl_h5p_default(), pl_h5p_default()),
                    "H5Acreate2", "cannot create attribute '\(name)'")
                defer { H5Aclose(attribute) }
                try location.check(write(attribute), "H5Awrite")
            }

            switch value {
            case .string(let text):
                let type = try HDF5StringIO.variableUTF8Type(location)
                defer { H5Tclose(type) }
                try HDF5StringIO.withCStringArray([text]) { pointer in
                    try create(type: type, count: nil) { H5Awrite($0, type, pointer) }
                }
            case .strings(let texts):
                let type = try HDF5StringIO.variableUTF8Type(location)
                defer { H5Tclose(type) }
                try HDF5StringIO.withCStringArray(texts) { pointer in
                    try create(type: type, count: texts.count) { H5Awrite($0, type, pointer) }
                }
            case .int(var number):
                try create(type: pl_h5t_native_int64(), count: nil) { H5Awrite($0, pl_h5t_native_int64(), &number) }
            case .ints(let numbers):
                try numbers.withUnsafeBufferPointer { buffer in
                    try create(type: pl_h5t_native_int64(), count: numbers.count) {
                        H5Awrite($0, pl_h5t_native_int64(), buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                    }
                }
            case .double(var number):
                try create(type: pl_h5t_native_double(), count: nil) { H5Awrite($0, pl_h5t_native_double(), &number) }
            case .doubles(let numbers):
                try numbers.withUnsafeBufferPointer { buffer in
                    try create(type: pl_h5t_native_double(), count: numbers.count) {
                        H5Awrite($0, pl_h5t_native_double(), buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                    }
                }
            }
        }
    }

    /// The value of attribute `name`, or nil when the object has no such attribute.
    static func get(_ name: String, on handle: HDF5ObjectHandle) throws -> HDF5AttributeValue? {
        try HDF5Library.withLock {
            let location = handle.location
            let exists = H5Aexists(handle.id, name)
            if exists < 0 { throw location.error("H5Aexists", "cannot check attribute '\(name)'") }
            if exists == 0 { return nil }
            let attribute = try location.check(id: H5Aopen(handle.id, name, pl_h5p_default()), "H5Aopen")
            defer { H5Aclose(attribute) }
            let type = try location.check(id: H5Aget_type(attribute), "H5Aget_type")
            defer { H5Tclose(type) }
            let space = try location.check(id: H5Aget_space(attribute), "H5Aget_space")
            defer { H5Sclose(space) }
            let isScalar = H5Sget_simple_extent_type(space) == H5S_SCALAR
            let points = H5Sget_simple_extent_npoints(space)
            if points < 0 { throw location.error("H5Sget_simple_extent_npoints") }
            let count = Int(points)

            switch H5Tget_class(type) {
            case H5T_STRING:
                let texts = try HDF5StringIO.read(count: count, fileType: type, space: space, location: location,
                                                  operation: "H5Aread") { H5Aread(attribute, $0, $1) }
                return isScalar ? .string(texts.first ?? "") : .strings(texts)
            case H5T_INTEGER:
                var numbers = [Int64](repeating: 0, count: count)
                if count > 0 {
                    try location.check(numbers.withUnsafeMutableBytes {
                        H5Aread(attribute, pl_h5t_native_int64(), $0.baseAddress!)
                    }, "H5Aread")
                }
                return isScalar ? .int(numbers.first ?? 0) : .ints(numbers)
            case H5T_FLOAT:
                var numbers = [Double](repeating: 0, count: count)
                if count > 0 {
                    try location.check(numbers.withUnsafeMutableBytes {
                        H5Aread(attribute, pl_h5t_native_double(), $0.baseAddress!)
                    }, "H5Aread")
                }
                return isScalar ? .double(numbers.first ?? 0) : .doubles(numbers)
            default:
                throw HDF5Error(operation: "H5Aread", filePath: location.filePath, objectPath: location.objectPath,
                                reason: "attribute '\(name)' has a type this layer does not read (not string, integer or float)")
            }
        }
    }

    /// The object's attribute names, sorted.
    static func names(on handle: HDF5ObjectHandle) throws -> [String] {
        try HDF5Library.withLock {
            final class Collector { var names: [String] = [] }
            let collector = Collector()
            var index: hsize_t = 0
            let status = withExtendedLifetime(collector) {
                H5Aiterate2(handle.id, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, clientData in
                    guard let name, let clientData else { return 0 }
                    Unmanaged<Collector>.fromOpaque(clientData).takeUnretainedValue().names.append(String(cString: name))
                    return 0
                }, Unmanaged.passUnretained(collector).toOpaque())
            }
            try handle.location.check(status, "H5Aiterate2")
            return collector.names.sorted()
        }
    }
}
