/// The collective operations data-parallel training needs, independent of how processes talk (MPI, or
/// nothing at all). The trainer depends on this protocol only; the MPI implementation lives in the
/// `MPICollective` target.
///
/// Contract: every rank calls the same operations in the same order with buffers of the same length.
/// `allreduceSum` must give the same bits on every rank and the same bits on every run with the same
/// number of ranks (a fixed reduction order), so that every rank applies the identical optimizer step and
/// repeated runs are bit-identical.
public protocol Collective: Sendable {
    /// This process's rank, 0 ..< size.
    var rank: Int { get }
    /// Number of processes taking part.
    var size: Int { get }
    /// Replaces `values` on every rank by the element-wise sum over ranks, summed in rank order 0, 1, …, size−1.
    func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws
    /// Replaces `values` on every rank by the element-wise sum over ranks, summed in rank order 0, 1, …, size−1.
    func allreduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws
    /// Copies rank `root`'s `bytes` into `bytes` on every other rank.
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) throws
    /// Returns once every rank has called it.
    func barrier() throws
}

extension Collective {
    /// Whether this rank writes outputs, checkpoints and metrics (rank 0 does; the others only compute).
    public var isLeader: Bool { rank == 0 }

    /// Rank `root`'s value of `value`, on every rank.
    public func broadcast(_ value: Int, root: Int = 0) throws -> Int {
        var copy = Int64(value)
        try withUnsafeMutableBytes(of: &copy) { try broadcast($0, root: root) }
        return Int(copy)
    }

    /// The rows of a batch `lower ..< upper` this rank takes: a fixed contiguous share, rows
    /// `lower + m·rank/size ..< lower + m·(rank+1)/size` with `m = upper − lower` (shares differ by at most one
    /// row; a rank's share is empty when the batch has fewer rows than there are ranks).
    public func shard(_ lower: Int, _ upper: Int) -> Range<Int> {
        let m = upper - lower
        return (lower + m * rank / size) ..< (lower + m * (rank + 1) / size)
    }
}

/// One process: every collective is the identity. Training with it is ordinary single-process training.
public struct SingleProcess: Collective {
    /// Creates the single-process collective.
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws {}
    public func allreduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws {}
    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) throws {}
    public func barrier() throws {}
}

/// A collective operation that failed (a lost peer, a transport error).
public struct CollectiveError: Error, CustomStringConvertible, Sendable {
    /// What failed.
    public let description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
