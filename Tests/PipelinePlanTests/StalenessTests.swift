import PipelinePlan
import PipelineSpec
import PipelineStore
import XCTest

final class StalenessTests: XCTestCase {
    private let params: [String: ParamValue] = ["epochs": .int(2), "lr": .double(0.5)]
    private let inputHashes = ["train": "aaaa1111aaaa1111", "test": "bbbb2222bbbb2222"]
    private let fileHashes = ["file": "cccc3333cccc3333"]

    private let sources = ["train": "split.train", "test": "split.test"]

    private func current(params: [String: ParamValue]? = nil, seed: UInt64 = 7, inputs: [String: String]? = nil,
                         sources: [String: String]? = nil, files: [String: String]? = nil, kindVersion: Int = 1) -> FingerprintInputs {
        FingerprintInputs(stage: "m", kind: "fit", kindVersion: kindVersion, params: params ?? self.params, seed: seed,
                          inputs: inputs ?? inputHashes, sources: sources ?? self.sources, files: files ?? fileHashes)
    }

    /// A record of exactly `current()` having run, with one output.
    private func record() -> StageRecord {
        StageRecord(kind: "fit", fingerprint: current().fingerprint, seed: 7, params: params, inputs: inputHashes, sources: sources, files: fileHashes,
                    outputs: ["model": StoredObject(type: "model", hash: "dddd", bytes: 10)], metrics: ["accuracy": 0.9], seconds: 1.5)
    }

    private func reasons(kind: String = "fit", params: [String: ParamValue]? = nil, seed: UInt64 = 7, current: FingerprintInputs?,
                         record: StageRecord?, upstreamStale: [String] = [], outputExists: @escaping (StoredObject) -> Bool = { _ in true }) -> [StaleReason] {
        Staleness.reasons(kind: kind, params: params ?? self.params, seed: seed, current: current, record: record,
                          upstreamStale: upstreamStale, outputExists: outputExists)
    }

    func testUpToDateHasNoReasons() {
        XCTAssertEqual(reasons(current: current(), record: record()), [])
    }

    func testNeverRun() {
        let found = reasons(current: current(), record: nil)
        XCTAssertEqual(found, [.neverRun])
        XCTAssertEqual(found.map(\.description), ["never run"])
    }

    func testParamChangedFromTo() {
        var changed = params
        changed["epochs"] = .int(5)
        let found = reasons(params: changed, current: current(params: changed), record: record())
        XCTAssertEqual(found, [.paramChanged("epochs", from: .int(2), to: .int(5))])
        XCTAssertEqual(found.map(\.description), ["param 'epochs' changed: 2 -> 5"])
    }

    func testParamAddedAndRemovedAreReportedInKeyOrder() {
        let changed: [String: ParamValue] = ["epochs": .int(2), "optimizer": .string("adam")]
        let found = reasons(params: changed, current: current(params: changed), record: record())
        XCTAssertEqual(found, [.paramChanged("lr", from: .double(0.5), to: nil), .paramChanged("optimizer", from: nil, to: .string("adam"))])
        XCTAssertEqual(found.map(\.description), ["param 'lr' changed: 0.5 -> unset", "param 'optimizer' changed: unset -> adam"])
    }

    func testSeedChanged() {
        let found = reasons(seed: 8, current: current(seed: 8), record: record())
        XCTAssertEqual(found, [.seedChanged(from: 7, to: 8)])
        XCTAssertEqual(found.map(\.description), ["seed changed: 7 -> 8"])
    }

    func testInputChanged() {
        var changed = inputHashes
        changed["test"] = "eeee5555eeee5555"
        let found = reasons(current: current(inputs: changed), record: record())
        XCTAssertEqual(found, [.inputChanged("test", from: "bbbb2222bbbb2222", to: "eeee5555eeee5555")])
        XCTAssertEqual(found.map(\.description), ["input 'test' changed: bbbb2222bbbb -> eeee5555eeee"])
    }

    func testNewlyBoundInput() {
        var changed = inputHashes
        changed["extra"] = "ffff"
        XCTAssertEqual(reasons(current: current(inputs: changed), record: record()), [.inputChanged("extra", from: nil, to: "ffff")])
    }

    func testRemovedInputIsReportedAsAnInputChangeNotAnImplementationChange() {
        let found = reasons(current: current(inputs: ["train": inputHashes["train"]!]), record: record())
        XCTAssertEqual(found, [.inputChanged("test", from: "bbbb2222bbbb2222", to: nil)])
        XCTAssertEqual(found.map(\.description), ["input 'test' changed: bbbb2222bbbb -> none"])
    }

    func testFileChanged() {
        let found = reasons(current: current(files: ["file": "9999"]), record: record())
        XCTAssertEqual(found, [.fileChanged("file", from: "cccc3333cccc3333", to: "9999")])
        XCTAssertEqual(found.map(\.description), ["file of 'file' changed: cccc3333cccc -> 9999"])
    }

    func testInputTakenFromAnotherStageWithTheSameBytes() {
        var moved = sources
        moved["train"] = "resplit.train"
        let found = reasons(current: current(sources: moved), record: record())
        XCTAssertEqual(found, [.sourceChanged("train", from: "split.train", to: "resplit.train")])
        XCTAssertEqual(found.map(\.description), ["input 'train' now comes from resplit.train (was split.train)"])
    }

    func testALockfileWithoutSourcesReportsTheToolChange() throws {
        // A record written before sources were recorded: its fingerprint was computed without them.
        let old = FingerprintInputs(stage: "m", kind: "fit", kindVersion: 1, params: params, seed: 7, inputs: inputHashes, files: fileHashes)
        let text = """
        {"kind":"fit","fingerprint":"\(old.fingerprint)","seed":7,"params":{"epochs":2,"lr":0.5},"inputs":{"train":"aaaa1111aaaa1111","test":"bbbb2222bbbb2222"},
         "files":{"file":"cccc3333cccc3333"},"outputs":{"model":{"type":"model","hash":"dddd","bytes":10}},"metrics":{},"seconds":1}
        """
        let decoded = try JSONDecoder().decode(StageRecord.self, from: Data(text.utf8))
        XCTAssertEqual(decoded.sources, [:])
        XCTAssertEqual(reasons(current: current(), record: decoded), [.implementationChanged])
    }

    func testOutputMissing() {
        let found = reasons(current: current(), record: record(), outputExists: { $0.hash != "dddd" })
        XCTAssertEqual(found, [.outputMissing("model")])
        XCTAssertEqual(found.map(\.description), ["output 'model' missing from the cache"])
    }

    func testKindChanged() {
        XCTAssertEqual(reasons(kind: "train", current: nil, record: record()), [.kindChanged(from: "fit", to: "train")])
    }

    func testUpstreamStaleWithoutCurrentInputs() {
        let found = reasons(current: nil, record: record(), upstreamStale: ["split", "load"])
        XCTAssertEqual(found, [.upstreamStale(["split", "load"])])
        XCTAssertEqual(found.map(\.description), ["upstream will run: split, load"])
    }

    func testOnlyTheFingerprintDifferingMeansAnImplementationChange() {
        let found = reasons(current: current(kindVersion: 2), record: record())
        XCTAssertEqual(found, [.implementationChanged])
    }

    func testSeveralReasonsAreAllKeptCheapestFirst() {
        var changedParams = params
        changedParams["lr"] = .double(0.25)
        var changedInputs = inputHashes
        changedInputs["train"] = "0000"
        let found = reasons(params: changedParams, seed: 9, current: current(params: changedParams, seed: 9, inputs: changedInputs),
                            record: record(), outputExists: { _ in false })
        XCTAssertEqual(found, [.paramChanged("lr", from: .double(0.5), to: .double(0.25)), .seedChanged(from: 7, to: 9),
                               .inputChanged("train", from: "aaaa1111aaaa1111", to: "0000"), .outputMissing("model")])
    }

    func testLockfileRoundTripsThroughJSON() throws {
        var lock = Lockfile(pipeline: "p")
        lock.stages["m"] = record()
        let decoded = try JSONDecoder().decode(Lockfile.self, from: try JSONEncoder().encode(lock))
        XCTAssertEqual(decoded.pipeline, "p")
        XCTAssertEqual(decoded.lockfile, 1)
        XCTAssertEqual(decoded.stages["m"]?.params["epochs"], .int(2))
        XCTAssertEqual(decoded.stages["m"]?.outputs, record().outputs)
        XCTAssertEqual(decoded.stages["m"]?.fingerprint, record().fingerprint)
        XCTAssertEqual(decoded.stages["m"]?.sources, sources)
    }
}
