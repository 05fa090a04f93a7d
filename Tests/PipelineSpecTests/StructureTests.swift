import Foundation
import XCTest
@testable import PipelineSpec

/// The top level: format version, required keys, `stages`, several errors at once, rendering.
final class StructureTests: XCTestCase {
    func testMinimalPipelineParses() throws {
        let spec = try parsed("pipeline: 1\nname: tiny\nstages:\n  a:\n    kind: source\n")
        XCTAssertEqual(spec.formatVersion, 1)
        XCTAssertEqual(spec.name, "tiny")
        XCTAssertEqual(spec.seed, SpecParser.defaultSeed)
        XCTAssertEqual(spec.params, [:])
        XCTAssertEqual(spec.stages.map(\.name), ["a"])
        XCTAssertEqual(spec.stages[0].location, SourceLocation(file: "p.yaml", line: 4, column: 3))
        XCTAssertEqual(spec.baseDirectory, "/base")
    }

    func testParsingAFileResolvesItsDirectory() throws {
        let dir = NSTemporaryDirectory() + "spec-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/sub/../p.yaml"
        try Data("pipeline: 1\nname: f\nstages:\n  a:\n    kind: source\n".utf8).write(to: URL(fileURLWithPath: dir + "/p.yaml"))
        let spec = try FakeCatalog.parser.parse(contentsOf: path)
        XCTAssertEqual(spec.file, path)
        XCTAssertEqual(spec.baseDirectory, PathResolution.resolve(dir, against: "/"))
        XCTAssertEqual(spec.stages.first?.location.file, path)
    }

    func testParsingAMissingFile() {
        XCTAssertThrowsError(try FakeCatalog.parser.parse(contentsOf: "/nonexistent/dir/p.yaml")) { error in
            let diagnostics = (error as? ValidationFailure)?.diagnostics ?? []
            XCTAssertEqual(diagnostics.map(\.description), ["/nonexistent/dir/p.yaml:1:1: error: the pipeline file does not exist"])
        }
    }

    func testPathResolution() {
        XCTAssertEqual(PathResolution.resolve("data/x.csv", against: "/a/b"), "/a/b/data/x.csv")
        XCTAssertEqual(PathResolution.resolve("../x.csv", against: "/a/b/"), "/a/x.csv")
        XCTAssertEqual(PathResolution.resolve("./x//y/./z", against: "/a"), "/a/x/y/z")
        XCTAssertEqual(PathResolution.resolve("/abs/../x", against: "/ignored"), "/x")
    }

    func testMissingPipelineKey() {
        let text = "name: x\nstages:\n  a:\n    kind: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 1, column: 1, keyPath: "pipeline",
                         contains: ["missing required key 'pipeline'", "expected 'pipeline: 1'"])
    }

    func testUnsupportedVersion() {
        let text = "name: x\npipeline: 2\nstages:\n  a:\n    kind: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 2, column: 11, keyPath: "pipeline",
                         contains: ["unsupported format version 2", "reads version 1"])
    }

    func testVersionAsQuotedStringIsAWrongType() {
        let text = "pipeline: \"1\"\nname: x\nstages:\n  a:\n    kind: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 1, column: 11, keyPath: "pipeline",
                         contains: ["expected an integer", "found the string \"1\""])
    }

    func testMissingName() {
        let text = "pipeline: 1\nstages:\n  a:\n    kind: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 1, column: 1, keyPath: "name",
                         contains: ["missing required key 'name'", "expected a string"])
    }

    func testUnknownTopLevelKeyWithSuggestion() {
        let text = "pipeline: 1\nname: x\nsed: 4\nstages:\n  a:\n    kind: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 3, column: 1, keyPath: "sed",
                         contains: ["unknown top-level key 'sed'", "expected one of pipeline, name, description, seed, params, executor, stages"],
                         hint: "did you mean 'seed'?")
    }

    func testUnknownTopLevelKeyWithoutCloseMatchHasNoHint() {
        let text = "pipeline: 1\nname: x\nowner: me\nstages:\n  a:\n    kind: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 3, column: 1, keyPath: "owner",
                         contains: ["unknown top-level key 'owner'"])
    }

    func testEmptyStagesMapping() {
        let text = "pipeline: 1\nname: x\nstages: {}\n"
        assertDiagnostic(onlyDiagnostic(text), line: 3, column: 9, keyPath: "stages",
                         contains: ["'stages' is empty", "expected at least one stage"])
    }

    func testStagesWithNoValue() {
        let text = "pipeline: 1\nname: x\nstages:\n"
        assertDiagnostic(onlyDiagnostic(text), line: 3, column: 8, keyPath: "stages",
                         contains: ["expected a mapping from stage names to stages", "found null"])
    }

    func testStagesAsAList() {
        let text = "pipeline: 1\nname: x\nstages:\n  - kind: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 4, column: 3, keyPath: "stages",
                         contains: ["expected a mapping from stage names to stages", "found a list"])
    }

    func testMissingStages() {
        let text = "pipeline: 1\nname: x\n"
        assertDiagnostic(onlyDiagnostic(text), line: 1, column: 1, keyPath: "stages",
                         contains: ["missing required key 'stages'", "expected a mapping from stage names to stages"])
    }

    func testMisspelledStagesReportsBothTheUnknownKeyAndTheMissingOne() {
        let found = diagnostics("pipeline: 1\nname: x\nstges:\n  a:\n    kind: source\n")
        XCTAssertEqual(found.count, 2, found.map(\.description).joined(separator: "\n"))
        guard found.count == 2 else { return }
        assertDiagnostic(found[0], line: 1, column: 1, keyPath: "stages", contains: ["missing required key 'stages'"])
        assertDiagnostic(found[1], line: 3, column: 1, keyPath: "stges", contains: ["unknown top-level key 'stges'"],
                         hint: "did you mean 'stages'?")
    }

    func testEveryErrorIsReportedSortedByLine() {
        // Written so that the checker meets them out of file order: stage 'b' is checked after the
        // top-level keys, and 'a' has two problems at different lines.
        let text = """
        pipeline: 1
        name: x
        stages:
          a:
            kind: fit
            epochs: 0
            optimizer: adma
          b:
            kind: sclae
        seeds: 3

        """
        let found = diagnostics(text)
        XCTAssertEqual(found.count, 4, found.map(\.description).joined(separator: "\n"))
        guard found.count == 4 else { return }
        assertDiagnostic(found[0], line: 6, column: 13, keyPath: "stages.a.epochs",
                         contains: ["expected an integer in [1, 1000]", "found the integer 0"])
        assertDiagnostic(found[1], line: 7, column: 16, keyPath: "stages.a.optimizer",
                         contains: ["expected one of 'sgd', 'lbfgs', 'adam'", "found the string \"adma\""], hint: "did you mean 'adam'?")
        assertDiagnostic(found[2], line: 9, column: 11, keyPath: "stages.b.kind",
                         contains: ["unknown stage kind 'sclae'"], hint: "did you mean 'scale'?")
        assertDiagnostic(found[3], line: 10, column: 1, keyPath: "seeds",
                         contains: ["unknown top-level key 'seeds'"], hint: "did you mean 'seed'?")
    }

    func testThreeDistinctErrorsGiveThreeDiagnostics() {
        let text = """
        pipeline: 1
        name: x
        seed: -1
        stages:
          a:
            kind: source
            rows: many
          b:
            kind: fit
            epoch: 3
            epochs: 2

        """
        let found = diagnostics(text)
        XCTAssertEqual(found.map { $0.location?.line }, [3, 7, 10], found.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(found.map(\.keyPath), ["seed", "stages.a.rows", "stages.b.epoch"])
    }

    func testRenderingWithoutHint() {
        let d = Diagnostic("expected an integer, found the string \"x\"", at: SourceLocation(file: "pipelines/a.yaml", line: 12, column: 5),
                           keyPath: "stages.train.epochs")
        XCTAssertEqual(d.description, "pipelines/a.yaml:12:5: error: stages.train.epochs: expected an integer, found the string \"x\"")
    }

    func testRenderingWithHint() {
        let d = Diagnostic("unknown key 'epoch'", at: SourceLocation(file: "a.yaml", line: 3, column: 7),
                           keyPath: "stages.t.epoch", hint: "did you mean 'epochs'?")
        XCTAssertEqual(d.description, "a.yaml:3:7: error: stages.t.epoch: unknown key 'epoch'\n  hint: did you mean 'epochs'?")
    }

    func testRenderingWithoutKeyPathOrLocation() {
        XCTAssertEqual(Diagnostic("the file is empty", at: SourceLocation(file: "a.yaml", line: 1, column: 1)).description,
                       "a.yaml:1:1: error: the file is empty")
        XCTAssertEqual(Diagnostic("no file", at: nil, severity: .warning).description, "warning: no file")
    }

    func testRenderingOfAParsedError() {
        let text = "pipeline: 1\nname: x\nstages:\n  train:\n    kind: fit\n    epoch: 3\n    epochs: 3\n"
        XCTAssertEqual(onlyDiagnostic(text)?.description,
                       "p.yaml:6:5: error: stages.train.epoch: unknown key 'epoch' for a stage of kind 'fit'; "
                       + "expected one of epochs, learning_rate, optimizer, layers, shuffle, tag\n  hint: did you mean 'epochs'?")
    }

    func testValidationFailureDescriptionCountsErrors() {
        let failure = ValidationFailure([
            Diagnostic("second", at: SourceLocation(file: "a", line: 2, column: 1)),
            Diagnostic("unplaced", at: nil),
            Diagnostic("first", at: SourceLocation(file: "a", line: 1, column: 9)),
            Diagnostic("note", at: SourceLocation(file: "a", line: 1, column: 1), severity: .note),
        ])
        XCTAssertEqual(failure.diagnostics.map(\.message), ["note", "first", "second", "unplaced"])
        XCTAssertEqual(failure.description, "a:1:1: note: note\na:1:9: error: first\na:2:1: error: second\nerror: unplaced\n3 errors found")
    }
}
