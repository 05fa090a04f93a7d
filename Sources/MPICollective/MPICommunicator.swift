import CMPI
import Foundation
import Learn

/// `Collective` over MPI's world communicator (OpenMPI), for a process started by `mpirun` or `srun`.
///
/// Reductions are deterministic: `allreduceSum` gathers every rank's buffer (`MPI_Allgather`) and each rank
/// then adds the contributions itself in rank order 0, 1, …, size−1. `MPI_Allreduce` is not used because
/// the MPI standard does not promise the same summation order on every rank, nor from run to run (OpenMPI's
/// tuned component picks its algorithm from message size and rank count, and segmenting changes the
/// association); a gather then an ordered sum gives bit-identical results on every rank and on every run
/// with the same rank count, for (size−1)·n extra floats of traffic per rank — small next to a mini-batch's
/// compute for the networks trained here.
public struct MPICommunicator: Collective {
    public let rank: Int
    public let size: Int

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// True when this process was started by an MPI launcher (`mpirun`, or `srun` with PMI/PMIx).
    public static var launchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"].contains { environment[$0] != nil }
    }

    /// Initialises MPI (once per process) and returns the world communicator. Call `finalize()` before exiting.
    public static func initialize() throws -> MPICommunicator {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            try check(MPI_Init(nil, nil), "MPI_Init")
        }
        var rank: Int32 = 0, size: Int32 = 0
        try check(MPI_Comm_rank(pl_mpi_comm_world(), &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(pl_mpi_comm_world(), &size), "MPI_Comm_size")
        return MPICommunicator(rank: Int(rank), size: Int(size))
    }

    /// Shuts MPI down in this process (after the last collective call).
    public func finalize() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }

    /// Ends every rank of the job with `code` (used when one rank fails and the others would wait forever).
    public func abort(code: Int32) -> Never {
        // The rank's last messages first: MPI_Abort kills the job without flushing stdio.
        fflush(nil)
        MPI_Abort(pl_mpi_comm_world(), code)
        exit(code)
    }

    public func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws {
        try orderedSum(values, type: pl_mpi_float())
    }

    public func allreduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws {
        try orderedSum(values, type: pl_mpi_double())
    }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) throws {
        guard bytes.count > 0 else { return }
        try Self.check(MPI_Bcast(bytes.baseAddress, Int32(bytes.count), pl_mpi_byte(), Int32(root), pl_mpi_comm_world()), "MPI_Bcast")
    }

    public func barrier() throws {
        try Self.check(MPI_Barrier(pl_mpi_comm_world()), "MPI_Barrier")
    }

    /// All ranks' `values` gathered, then summed in rank order into `values`.
    private func orderedSum<T: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<T>, type: MPI_Datatype) throws {
        let n = values.count
        guard size > 1, n > 0 else { return }
        guard n <= Int(Int32.max) else { throw CollectiveError("allreduce of \(n) values exceeds MPI's 32-bit count") }
        let gathered = UnsafeMutableBufferPointer<T>.allocate(capacity: n * size)
        defer { gathered.deallocate() }
        try Self.check(MPI_Allgather(values.baseAddress, Int32(n), type, gathered.baseAddress, Int32(n), type, pl_mpi_comm_world()), "MPI_Allgather")
        let base = gathered.baseAddress!, out = values.baseAddress!
        out.update(from: base, count: n)
        for r in 1..<size {
            let part = base + r * n
            for i in 0..<n { out[i] += part[i] }
        }
    }

    private static func check(_ code: Int32, _ call: String) throws {
        guard code == pl_mpi_success() else { throw CollectiveError("\(call) failed with MPI error \(code)") }
    }
}
