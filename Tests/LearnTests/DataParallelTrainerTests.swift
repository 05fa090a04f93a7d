import Learn
import XCTest

/// The trainer's data-parallel path on in-process ranks (`ThreadCollective`: threads exchanging buffers,
/// summing in rank order like MPI ranks do), against ordinary one-process training as the reference.
final class DataParallelTrainerTests: XCTestCase {
    /// Three Gaussian blobs in 5 dimensions.
    private func blobs(rows: Int, seed: UInt64) -> InMemoryBatchSource {
        var g = SeededGenerator(seed: seed)
        var x: [Float] = [], y: [Int32] = []
        for i in 0..<rows {
            let c = i % 3
            for d in 0..<5 { x.append(Float(g.nextGaussian()) + (d % 3 == c ? 2 : 0)) }
            y.append(Int32(c))
        }
        return InMemoryBatchSource(storage: .float32(x), labels: y, columns: 5)
    }

    private static func network(dropout: Bool = false, batchNorm: Bool = false) throws -> Network {
        var layers: [any Layer] = [DenseLayer(units: 12)]
        if batchNorm { layers.append(BatchNormLayer()) }
        layers.append(ActivationLayer(.tanh))
        if dropout { layers.append(DropoutLayer(rate: 0.3)) }
        layers.append(DenseLayer(units: 3))
        let net = try Network(inputShape: [5], layers: layers)
        var g = SeededGenerator(seed: 21)
        net.initialize(.heNormal, generator: &g)
        return net
    }

    /// Plain SGD with an L2 penalty and gradient-norm clipping: both must see the summed gradient, once.
    private func config(epochs: Int, batch: Int) throws -> TrainingConfig {
        TrainingConfig(epochs: epochs, batchSize: batch, loss: CrossEntropyLoss(), optimizer: try OptimizerFactory.make(name: "sgd"),
                       schedule: try ScheduleFactory.make(name: "constant", baseRate: 0.3, options: [:]),
                       penalty: Penalty(l1: 0, l2: 1e-3), clipNorm: 2)
    }

    /// Trains on `ranks` threads; returns every rank's final parameters and history.
    private func trainOnThreads(ranks: Int, epochs: Int, batch: Int, data: InMemoryBatchSource, dropout: Bool = false) throws
        -> [(parameters: [Float], history: [EpochStats])] {
        let results = Results(count: ranks)
        let config = try config(epochs: epochs, batch: batch)
        try ThreadGroup(size: ranks).run { collective in
            let net = try Self.network(dropout: dropout)
            var trainer = Trainer(network: net, config: config, generator: SeededGenerator(seed: 8))
            try trainer.run(network: net, training: data, validation: nil, collective: collective)
            results.set(collective.rank, (Array(net.parameters), trainer.state.history))
        }
        return results.all
    }

    private func trainInOneProcess(epochs: Int, batch: Int, data: InMemoryBatchSource) throws -> (parameters: [Float], history: [EpochStats]) {
        let net = try Self.network()
        var trainer = Trainer(network: net, config: try config(epochs: epochs, batch: batch), generator: SeededGenerator(seed: 8))
        try trainer.run(network: net, training: data, validation: nil)
        return (Array(net.parameters), trainer.state.history)
    }

    /// 2 and 3 ranks over 101 rows in global batches of 8: shares of 4/4 and 3/3/2 rows, a last batch of 5
    /// rows (3 ranks: 1/2/2), all equal one process up to float rounding (|Δw| ≤ 1e-5), and every rank ends
    /// with the same bits. Epoch loss and accuracy are summed over ranks: they match one process's too.
    func testRanksMatchOneProcessAndAgreeBitwise() throws {
        let data = blobs(rows: 101, seed: 4)
        let reference = try trainInOneProcess(epochs: 4, batch: 8, data: data)
        for ranks in [2, 3] {
            let results = try trainOnThreads(ranks: ranks, epochs: 4, batch: 8, data: data)
            for r in 1..<ranks { XCTAssertEqual(results[r].parameters, results[0].parameters, "rank \(r) of \(ranks) holds rank 0's exact weights") }
            let largest = zip(results[0].parameters, reference.parameters).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(largest, 1e-5, "\(ranks) ranks vs one process")
            for (a, b) in zip(results[0].history, reference.history) {
                XCTAssertEqual(a.trainLoss, b.trainLoss, accuracy: 1e-5)
                XCTAssertEqual(a.trainAccuracy, b.trainAccuracy, "\(ranks) ranks: correct rows counted over all ranks")
            }
        }
    }

    /// A global batch with fewer rows than ranks (the last batch of 1 row over 3 ranks) leaves two ranks
    /// with nothing to add: the step is still the one-process step.
    func testEmptySharesAddNothing() throws {
        let data = blobs(rows: 25, seed: 9)
        let reference = try trainInOneProcess(epochs: 3, batch: 4, data: data)
        let results = try trainOnThreads(ranks: 3, epochs: 3, batch: 4, data: data)
        let largest = zip(results[0].parameters, reference.parameters).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(largest, 1e-5)
    }

    /// With dropout the masks are drawn per (epoch, step, rank): ranks still agree bitwise, and a repeat run
    /// gives the same bits.
    func testDropoutStaysDeterministicAcrossRanksAndRuns() throws {
        let data = blobs(rows: 64, seed: 2)
        let first = try trainOnThreads(ranks: 2, epochs: 3, batch: 16, data: data, dropout: true)
        let second = try trainOnThreads(ranks: 2, epochs: 3, batch: 16, data: data, dropout: true)
        XCTAssertEqual(first[0].parameters, first[1].parameters)
        XCTAssertEqual(first[0].parameters, second[0].parameters)
    }

    /// Batch normalisation over one rank's rows is refused with a clear error.
    func testBatchNormalisationIsRefused() throws {
        let data = blobs(rows: 20, seed: 1)
        let config = try config(epochs: 1, batch: 4)
        XCTAssertThrowsError(try ThreadGroup(size: 2).run { collective in
            let net = try Self.network(batchNorm: true)
            var trainer = Trainer(network: net, config: config, generator: SeededGenerator(seed: 8))
            try trainer.run(network: net, training: data, validation: nil, collective: collective)
        }) { error in
            XCTAssertTrue("\(error)".contains("does not support batch normalisation"), "\(error)")
        }
    }

    /// The shares of a batch are contiguous, cover it exactly, and differ by at most one row.
    func testShardsCoverTheBatch() {
        let group = ThreadGroup(size: 3)
        let shares = (0..<3).map { group.member($0).shard(10, 17) }
        XCTAssertEqual(shares, [10..<12, 12..<14, 14..<17])
        XCTAssertEqual((0..<3).map { group.member($0).shard(0, 1) }, [0..<0, 0..<0, 0..<1])
    }
}

private final class Results: @unchecked Sendable {
    // The lock guards `values`.
    private let lock = NSLock()
    private var values: [(parameters: [Float], history: [EpochStats])?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ rank: Int, _ value: (parameters: [Float], history: [EpochStats])) { lock.lock(); values[rank] = value; lock.unlock() }
    var all: [(parameters: [Float], history: [EpochStats])] { lock.lock(); defer { lock.unlock() }; return values.map { $0! } }
}
