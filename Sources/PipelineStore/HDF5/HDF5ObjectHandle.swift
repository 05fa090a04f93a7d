import CHDF5

/// Owns one HDF5 object id (group or dataset) and closes it when the last reference goes away.
/// It also keeps its file alive, so objects outlive the `HDF5File` value they came from.
final class HDF5ObjectHandle: Sendable {
    let id: hid_t
    let file: HDF5File
    let location: HDF5Location

    init(id: hid_t, file: HDF5File, location: HDF5Location) {
        self.id = id
        self.file = file
        self.location = location
    }

    deinit {
        let id = self.id
        HDF5Library.withLock {
            // After a strong file close the id is already gone; closing it again would only push an error.
            if Self.isValid(id), H5Oclose(id) < 0 { HDF5Library.clearErrorStack() }
        }
    }

    /// Whether `id` still names an open HDF5 object (call with the lock held).
    static func isValid(_ id: hid_t) -> Bool {
        guard id >= 0 else { return false }
        let valid = H5Iis_valid(id)
        if valid < 0 { HDF5Library.clearErrorStack() }
        return valid > 0
    }
}
