import Foundation
import Learn

/// An in-process `Collective` for tests: `size` threads of one process play the ranks, exchanging buffers
/// through shared slots guarded by a barrier. Sums go in rank order like `MPICommunicator`'s, so a trainer
/// run on these threads behaves as it would on MPI ranks, without mpirun.
final class ThreadGroup: @unchecked Sendable {
    // The condition guards every field below; that is the reason for @unchecked Sendable.
    private let condition = NSCondition()
    private var arrived = 0
    private var generation = 0
    private var slots: [[UInt8]]
    let size: Int

    init(size: Int) {
        self.size = size
        slots = Array(repeating: [], count: size)
    }

    /// The collective of rank `rank`.
    func member(_ rank: Int) -> ThreadCollective { ThreadCollective(group: self, rank: rank) }

    /// Runs `body(rank)` on `size` threads and waits for them all; rethrows the first error.
    func run(_ body: @escaping @Sendable (ThreadCollective) throws -> Void) throws {
        let errors = ErrorBox()
        let done = DispatchGroup()
        for rank in 0..<size {
            done.enter()
            let thread = Thread {
                do { try body(self.member(rank)) } catch { errors.set(error) }
                done.leave()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        done.wait()
        if let error = errors.error { throw error }
    }

    func barrier() {
        condition.lock()
        defer { condition.unlock() }
        let mine = generation
        arrived += 1
        if arrived == size {
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == mine { condition.wait() }
        }
    }

    func put(_ rank: Int, _ bytes: [UInt8]) {
        condition.lock()
        slots[rank] = bytes
        condition.unlock()
    }

    func slot(_ rank: Int) -> [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        return slots[rank]
    }
}

struct ThreadCollective: Collective {
    let group: ThreadGroup
    let rank: Int
    var size: Int { group.size }

    func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws { sum(values) }
    func allreduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws { sum(values) }

    private func sum<T: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<T>) {
        group.put(rank, Array(UnsafeRawBufferPointer(values)))
        group.barrier()
        let parts = (0..<size).map { group.slot($0) }
        group.barrier()
        // Rank 0's values, then each further rank added in order: the same association as MPICommunicator.
        for (r, part) in parts.enumerated() {
            part.withUnsafeBytes { raw in
                let p = raw.bindMemory(to: T.self)
                for i in 0..<values.count { values[i] = r == 0 ? p[i] : values[i] + p[i] }
            }
        }
    }

    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) throws {
        if rank == root { group.put(rank, Array(UnsafeRawBufferPointer(bytes))) }
        group.barrier()
        let data = group.slot(root)
        group.barrier()
        data.withUnsafeBytes { bytes.copyMemory(from: $0) }
    }

    func barrier() throws { group.barrier() }
}

private final class ErrorBox: @unchecked Sendable {
    // The lock guards `error`.
    private let lock = NSLock()
    private(set) var error: Error?
    func set(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
}
