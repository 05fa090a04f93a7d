import Foundation
import PipelinePlan
import PipelineSpec
import XCTest

final class StageGraphTests: XCTestCase {
    // MARK: references

    func testReferenceToAMissingStageSuggestsTheClosest() {
        let text = header + "stages:\n  src:\n    kind: source\n  sc:\n    kind: scale\n    inputs: [scr]\n"
        assertDiagnostic(onlyGraphDiagnostic(text), line: 8, column: 14, keyPath: "stages.sc.inputs",
                         contains: ["input 'scr' names no stage of this pipeline", "expected one of sc, src"], hint: "did you mean 'src'?")
    }

    func testReferenceToAMissingStageDoesNotSuggestTheStageItself() {
        let text = header + "stages:\n  src:\n    kind: source\n  scale:\n    kind: scale\n    inputs: [scal]\n"
        assertDiagnostic(onlyGraphDiagnostic(text), line: 8, column: 14, keyPath: "stages.scale.inputs",
                         contains: ["input 'scal' names no stage"], hint: nil)
    }

    func testReferenceToAMissingOutputSuggestsTheClosest() {
        let text = header + """
        stages:
          src:
            kind: source
          split:
            kind: split
            inputs: [src]
          sc:
            kind: scale
            inputs: [split.trian, split.validation]

        """
        assertDiagnostic(onlyGraphDiagnostic(text), line: 11, column: 14, keyPath: "stages.sc.inputs",
                         contains: ["stage 'split' has no output 'trian'", "it has train, validation"], hint: "did you mean 'train'?")
    }

    func testReferenceToAMissingOutputInMappingForm() {
        let text = header + "stages:\n  src:\n    kind: source\n  sc:\n    kind: scale\n    inputs: {train: src.dat}\n"
        assertDiagnostic(onlyGraphDiagnostic(text), line: 8, column: 21, keyPath: "stages.sc.inputs",
                         contains: ["stage 'src' has no output 'dat'", "it has data"], hint: "did you mean 'data'?")
    }

    // MARK: cycles

    func testThreeStageCycleNamesTheWholePathInDataFlowOrder() {
        let text = header + """
        stages:
          a:
            kind: transform
            inputs: [c]
          b:
            kind: transform
            inputs: [a]
          c:
            kind: transform
            inputs: [b]

        """
        // Data flows a -> b -> c -> a; the message follows the arrows and closes the loop, and points at
        // the reference that reads the first stage named.
        assertDiagnostic(onlyGraphDiagnostic(text), line: 12, column: 14, keyPath: "stages.c.inputs",
                         contains: ["dependency cycle: b -> c -> a -> b"],
                         hint: "a stage cannot depend, directly or through others, on its own output")
    }

    func testSelfLoop() {
        let text = header + "stages:\n  src:\n    kind: source\n  a:\n    kind: transform\n    inputs: [src, a]\n"
        assertDiagnostic(onlyGraphDiagnostic(text), line: 8, column: 19, keyPath: "stages.a.inputs",
                         contains: ["dependency cycle: a -> a"],
                         hint: "a stage cannot depend, directly or through others, on its own output")
    }

    func testCycleBesideAValidBranchAndAnUnknownReference() {
        let text = header + """
        stages:
          src:
            kind: source
          ok:
            kind: transform
            inputs: [src]
          x:
            kind: transform
            inputs: [y, srx]
          y:
            kind: transform
            inputs: {d: x.out}

        """
        let found = graphDiagnostics(text)
        XCTAssertEqual(found.count, 2, found.map(\.description).joined(separator: "\n"))
        guard found.count == 2 else { return }
        // x reads y and y reads x: data flows y -> x -> y; reported at x's reference to y.
        assertDiagnostic(found[0], line: 11, column: 14, keyPath: "stages.x.inputs",
                         contains: ["dependency cycle: y -> x -> y"],
                         hint: "a stage cannot depend, directly or through others, on its own output")
        assertDiagnostic(found[1], line: 11, column: 17, keyPath: "stages.x.inputs",
                         contains: ["input 'srx' names no stage", "expected one of ok, src, x, y"], hint: "did you mean 'src'?")
    }

    // MARK: input types and counts

    func testModelFedToAKindThatTakesDatasets() {
        let text = header + """
        stages:
          src:
            kind: source
          m:
            kind: fit
            inputs: [src]
            epochs: 2
          sc:
            kind: scale
            inputs: [m]

        """
        let found = graphDiagnostics(text)
        XCTAssertEqual(found.count, 2, found.map(\.description).joined(separator: "\n"))
        guard found.count == 2 else { return }
        assertDiagnostic(found[0], line: 12, column: 13, keyPath: "stages.sc.inputs",
                         contains: ["kind 'scale' takes at least 1 dataset input", "found 0"])
        assertDiagnostic(found[1], line: 12, column: 14, keyPath: "stages.sc.inputs",
                         contains: ["input 'm' (from stage 'm') is a model", "but kind 'scale' takes dataset inputs"])
    }

    func testTooFewInputsOfAType() {
        let text = header + "stages:\n  src:\n    kind: source\n  m:\n    kind: fit\n    inputs: [src]\n    epochs: 2\n  ev:\n    kind: evaluate\n    inputs: [m]\n"
        assertDiagnostic(onlyGraphDiagnostic(text), line: 12, column: 13, keyPath: "stages.ev.inputs",
                         contains: ["kind 'evaluate' takes exactly 1 dataset input,", "found 0"])
    }

    func testNoInputsAtAllIsReportedAtTheStage() {
        let text = header + "stages:\n  t:\n    kind: transform\n"
        assertDiagnostic(onlyGraphDiagnostic(text), line: 4, column: 3, keyPath: "stages.t.inputs",
                         contains: ["kind 'transform' takes at least 1 dataset input", "found 0"])
    }

    func testTooManyInputsOfAType() {
        let text = header + """
        stages:
          a:
            kind: source
          b:
            kind: source
          c:
            kind: source
          m:
            kind: fit
            epochs: 1
            inputs: [a, b, c]

        """
        assertDiagnostic(onlyGraphDiagnostic(text), line: 13, column: 13, keyPath: "stages.m.inputs",
                         contains: ["kind 'fit' takes 1 to 2 dataset inputs", "found 3"])
    }

    func testInputsToAKindThatTakesNone() {
        let text = header + "stages:\n  src:\n    kind: source\n  other:\n    kind: source\n    inputs: [src]\n"
        assertDiagnostic(onlyGraphDiagnostic(text), line: 8, column: 14, keyPath: "stages.other.inputs",
                         contains: ["input 'src' (from stage 'src') is a dataset", "kind 'source' takes no inputs"])
    }

    func testEvaluateWithOneOfEachIsAccepted() throws {
        let text = header + "stages:\n  src:\n    kind: source\n  m:\n    kind: fit\n    inputs: [src]\n    epochs: 2\n  ev:\n    kind: evaluate\n    inputs: [m, src]\n"
        let g = try graph(text)
        XCTAssertEqual(g.nodes["ev"]?.inputs, [BoundInput(key: "m", type: .model, stage: "m", output: "model"),
                                                BoundInput(key: "src", type: .dataset, stage: "src", output: "data")])
        XCTAssertEqual(g.nodes["ev"]?.outputs, [OutputDecl("metrics", .metrics)])
    }

    // MARK: files

    func testMissingInputFile() throws {
        let dir = try temporaryDirectory(self)
        let text = header + "stages:\n  raw:\n    kind: load\n    file: missing.csv\n"
        assertDiagnostic(onlyGraphDiagnostic(text, baseDirectory: dir), line: 6, column: 11, keyPath: "stages.raw.file",
                         contains: ["input file 'missing.csv' does not exist", "(looked for \(dir)/missing.csv)"])
    }

    func testDirectoryGivenAsAFile() throws {
        let dir = try temporaryDirectory(self)
        try FileManager.default.createDirectory(atPath: dir + "/folder", withIntermediateDirectories: true)
        let text = header + "stages:\n  raw:\n    kind: load\n    file: folder\n"
        assertDiagnostic(onlyGraphDiagnostic(text, baseDirectory: dir), line: 6, column: 11, keyPath: "stages.raw.file",
                         contains: ["expected a file, but 'folder' is a directory"])
    }

    func testMissingFileInAListOfPaths() throws {
        let dir = try temporaryDirectory(self)
        _ = FileManager.default.createFile(atPath: dir + "/a.csv", contents: Data("x".utf8))
        let text = header + "stages:\n  raw:\n    kind: load\n    file: a.csv\n    extra: [a.csv, gone.csv]\n"
        assertDiagnostic(onlyGraphDiagnostic(text, baseDirectory: dir), line: 7, column: 12, keyPath: "stages.raw.extra",
                         contains: ["input file 'gone.csv' does not exist"])
    }

    func testExistingFilesRelativeAndAbsoluteAreAccepted() throws {
        let dir = try temporaryDirectory(self)
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/a.csv", contents: Data("x".utf8))
        let text = header + "stages:\n  raw:\n    kind: load\n    file: ../a.csv\n    extra: [\(dir)/a.csv, ./../a.csv]\n    out: not-there.csv\n"
        let g = try graph(text, baseDirectory: dir + "/sub")
        XCTAssertEqual(g.order, ["raw"])
    }

    // MARK: kind checks

    func testKindCheckOnAWrittenParameterPointsAtItsValue() {
        let text = header + "stages:\n  a:\n    kind: source\n  b:\n    kind: source\n  sc:\n    kind: scale\n    inputs: {train: a, test: b}\n    fit_on: trian\n"
        assertDiagnostic(onlyGraphDiagnostic(text), line: 11, column: 13, keyPath: "stages.sc.fit_on",
                         contains: ["fit_on 'trian' names none of the inputs (train, test)"], hint: "did you mean 'train'?")
    }

    func testKindCheckOnADefaultedParameterPointsAtTheStage() {
        let text = header + "stages:\n  a:\n    kind: source\n  b:\n    kind: source\n  sc:\n    kind: scale\n    inputs: {x: a, y: b}\n"
        assertDiagnostic(onlyGraphDiagnostic(text), line: 8, column: 3, keyPath: "stages.sc.fit_on",
                         contains: ["fit_on 'train' names none of the inputs (x, y)"])
    }

    func testKindCheckOnInputsPointsAtInputs() {
        let text = header + "stages:\n  a:\n    kind: source\n  sc:\n    kind: scale\n    inputs: {transform: a}\n"
        assertDiagnostic(onlyGraphDiagnostic(text), line: 8, column: 13, keyPath: "stages.sc.inputs",
                         contains: ["an input may not be named 'transform'"])
    }

    func testKindCheckOnTheStagePointsAtTheStageName() {
        let text = header + "stages:\n  a:\n    kind: source\n  sp:\n    kind: split\n    inputs: [a]\n  sc:\n    kind: scale\n    method: minmax\n    inputs: [sp, a, sp.train]\n    fit_on: a\n"
        let found = graphDiagnostics(text)
        // Keys: train, validation, a, train → the second 'train' clashes before the kind check runs.
        XCTAssertEqual(found.map(\.keyPath), ["stages.sc.inputs"])
        let ok = header + "stages:\n  a:\n    kind: source\n  b:\n    kind: source\n  sp:\n    kind: split\n    inputs: [a]\n  sc:\n    kind: scale\n    method: minmax\n    inputs: [sp, a, b]\n    fit_on: a\n"
        assertDiagnostic(onlyGraphDiagnostic(ok), line: 11, column: 3, keyPath: "stages.sc",
                         contains: ["minmax takes at most 3 inputs here"])
    }

    func testAFailingStageDoesNotCascadeToItsDependents() throws {
        let dir = try temporaryDirectory(self)
        let text = header + "stages:\n  raw:\n    kind: load\n    file: nope.csv\n  sc:\n    kind: scale\n    inputs: {x: raw, y: raw}\n    fit_on: nothing\n"
        assertDiagnostic(onlyGraphDiagnostic(text, baseDirectory: dir), line: 6, column: 11, keyPath: "stages.raw.file",
                         contains: ["input file 'nope.csv' does not exist"])
    }

    func testIndependentWiringErrorsAreAllReportedInFileOrder() {
        let text = header + """
        stages:
          src:
            kind: source
          sp:
            kind: split
            inputs: [src]
          m:
            kind: fit
            epochs: 1
            inputs: [sp.tain]
          t:
            kind: transform
            inputs: [spp]
          ev:
            kind: evaluate
            inputs: [src, src]

        """
        let found = graphDiagnostics(text)
        XCTAssertEqual(found.map { $0.location?.line }, [12, 15, 18], found.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(found.map(\.keyPath), ["stages.m.inputs", "stages.t.inputs", "stages.ev.inputs"])
        guard found.count == 3 else { return }
        assertDiagnostic(found[0], line: 12, column: 14, keyPath: "stages.m.inputs",
                         contains: ["stage 'sp' has no output 'tain'"], hint: "did you mean 'train'?")
        assertDiagnostic(found[1], line: 15, column: 14, keyPath: "stages.t.inputs",
                         contains: ["input 'spp' names no stage"], hint: "did you mean 'sp'?")
        assertDiagnostic(found[2], line: 18, column: 19, keyPath: "stages.ev.inputs",
                         contains: ["two inputs are both named 'src' ('src.data' and 'src.data')"],
                         hint: "name them with the mapping form, e.g. inputs: {a: src.data, b: src.data}")
    }

    // MARK: order and neighbourhoods

    private let diamond = header + """
    stages:
      ev:
        kind: evaluate
        inputs: {model: m, test: t}
      t:
        kind: source
      m:
        kind: fit
        epochs: 1
        inputs: [s]
      s:
        kind: source
      other:
        kind: source

    """

    func testTopologicalOrderRespectsDependenciesWithFileOrderBreakingTies() throws {
        let g = try graph(diamond)
        XCTAssertEqual(g.order, ["t", "s", "m", "ev", "other"])
        for (index, name) in g.order.enumerated() {
            for upstream in g.nodes[name]!.upstream {
                XCTAssertLessThan(g.order.firstIndex(of: upstream)!, index, "\(upstream) must come before \(name)")
            }
        }
    }

    func testFileOrderIsKeptWhenNothingDepends() throws {
        let g = try graph(header + "stages:\n  z:\n    kind: source\n  a:\n    kind: source\n  m:\n    kind: source\n")
        XCTAssertEqual(g.order, ["z", "a", "m"])
    }

    func testUpstreamDownstreamAndDependents() throws {
        let g = try graph(diamond)
        XCTAssertEqual(g.withUpstream(["ev"]), ["ev", "m", "t", "s"])
        XCTAssertEqual(g.withUpstream(["m"]), ["m", "s"])
        XCTAssertEqual(g.withUpstream(["other", "t"]), ["other", "t"])
        XCTAssertEqual(g.withDownstream(["s"]), ["s", "m", "ev"])
        XCTAssertEqual(g.withDownstream(["t"]), ["t", "ev"])
        XCTAssertEqual(g.withDownstream(["ev"]), ["ev"])
        XCTAssertEqual(g.dependents(of: "s"), ["m"])
        XCTAssertEqual(g.dependents(of: "other"), [])
        XCTAssertEqual(g.nodes["ev"]?.upstream, ["m", "t"])
    }

    // MARK: input binding keys

    private let binding = header + """
    stages:
      src:
        kind: source
      sp:
        kind: split
        inputs: [src]
      a:
        kind: scale
        inputs: [src]
      b:
        kind: scale
        inputs: [sp]
      c:
        kind: scale
        inputs: {train: sp.validation, extra: src}
      d:
        kind: scale
        inputs: [src.data, sp.validation]
        fit_on: src

    """

    func testSingleOutputUpstreamIsKeyedByStageName() throws {
        let g = try graph(binding)
        XCTAssertEqual(g.nodes["a"]?.inputs, [BoundInput(key: "src", type: .dataset, stage: "src", output: "data")])
        XCTAssertEqual(g.nodes["a"]?.outputs.map(\.name), ["src", "transform"])
    }

    func testMultiOutputUpstreamExpandsToOutputNames() throws {
        let g = try graph(binding)
        XCTAssertEqual(g.nodes["b"]?.inputs, [BoundInput(key: "train", type: .dataset, stage: "sp", output: "train"),
                                               BoundInput(key: "validation", type: .dataset, stage: "sp", output: "validation")])
    }

    func testMappingFormUsesTheGivenKey() throws {
        let g = try graph(binding)
        XCTAssertEqual(g.nodes["c"]?.inputs, [BoundInput(key: "train", type: .dataset, stage: "sp", output: "validation"),
                                               BoundInput(key: "extra", type: .dataset, stage: "src", output: "data")])
    }

    func testExplicitOutputsAreKeyedLikeTheirUpstream() throws {
        let g = try graph(binding)
        XCTAssertEqual(g.nodes["d"]?.inputs.map(\.key), ["src", "validation"])
    }

    func testTwoInputsWithTheSameKeyAreAnError() {
        let text = header + "stages:\n  src:\n    kind: source\n  sp1:\n    kind: split\n    inputs: [src]\n  sp2:\n    kind: split\n    inputs: [src]\n  sc:\n    kind: scale\n    inputs: [sp1.train, sp2.train]\n"
        assertDiagnostic(onlyGraphDiagnostic(text), line: 14, column: 25, keyPath: "stages.sc.inputs",
                         contains: ["two inputs are both named 'train' ('sp1.train' and 'sp2.train')"],
                         hint: "name them with the mapping form, e.g. inputs: {a: sp1.train, b: sp2.train}")
    }

    func testNamedInputOfAMultiOutputStageMustChooseAnOutput() {
        let text = header + "stages:\n  src:\n    kind: source\n  sp:\n    kind: split\n    inputs: [src]\n  sc:\n    kind: scale\n    inputs: {x: sp}\n"
        assertDiagnostic(onlyGraphDiagnostic(text), line: 11, column: 17, keyPath: "stages.sc.inputs",
                         contains: ["'sp' has 2 outputs (train, validation) but a named input takes one", "write 'sp.OUTPUT'"])
    }
}
