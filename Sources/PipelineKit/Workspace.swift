import Foundation
import PipelineSpec
import PipelineStore

/// Where a pipeline's state lives: the cache (`.pipeline/` beside the file, or `$PIPELINE_CACHE_DIR`)
/// and the lockfile (`NAME.lock` beside `NAME.yaml`).
public struct Workspace: Sendable {
    /// The pipeline file's absolute directory.
    public let directory: String
    /// The lockfile's path.
    public let lockfilePath: String
    /// The content-addressed cache.
    public let cache: ArtifactCache

    /// The workspace of the pipeline file at `pipelinePath`.
    public init(pipelinePath: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let absolute = PathResolution.resolve(pipelinePath, against: FileManager.default.currentDirectoryPath)
        directory = (absolute as NSString).deletingLastPathComponent
        let stem = ((absolute as NSString).lastPathComponent as NSString).deletingPathExtension
        lockfilePath = "\(directory)/\(stem).lock"
        let cacheRoot = environment["PIPELINE_CACHE_DIR"].map { PathResolution.resolve($0, against: FileManager.default.currentDirectoryPath) }
        cache = ArtifactCache(root: cacheRoot ?? "\(directory)/.pipeline")
    }

    /// The lock that serialises runs over this cache.
    public func lock(wait seconds: Double) throws -> WorkspaceLock {
        try WorkspaceLock(path: cache.root + "/lock", timeout: seconds)
    }
}
