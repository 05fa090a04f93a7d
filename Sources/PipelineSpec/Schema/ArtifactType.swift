/// The kind of thing a stage output is; checked when stages are wired so a model fed to `scale` is a
/// validation error, not a crash.
public enum ArtifactType: String, Sendable, CaseIterable, Codable, Comparable {
    /// Features (and optional labels) as an HDF5 file.
    case dataset
    /// A fitted transform (e.g. a scaler's statistics).
    case transform
    /// A trained model.
    case model
    /// Evaluation metrics.
    case metrics
    /// Opaque files produced by a `shell` stage.
    case files

    public static func < (a: ArtifactType, b: ArtifactType) -> Bool { a.rawValue < b.rawValue }
}
