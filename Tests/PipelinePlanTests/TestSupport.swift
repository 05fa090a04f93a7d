import Foundation
import PipelinePlan
import PipelineSpec
import XCTest

/// Fake stage kinds for planning tests (the test target sees only PipelinePlan and what it exports).
enum Kinds {
    static let source = StageSignature(
        kind: "source", summary: "Makes a dataset.", params: [ParamDecl("rows", .int(min: 1), default: .int(10), help: "Rows.")],
        inputs: [], outputs: { _ in [OutputDecl("data", .dataset)] })

    static let load = StageSignature(
        kind: "load", summary: "Reads files.",
        params: [
            ParamDecl("file", .path(mustExist: true), required: true, help: "Main file."),
            ParamDecl("extra", .list(of: .path(mustExist: true)), default: .list([]), help: "More files."),
            ParamDecl("out", .path(mustExist: false), help: "Not read."),
        ],
        inputs: [], outputs: { _ in [OutputDecl("data", .dataset)] })

    static let split = StageSignature(
        kind: "split", summary: "Two parts.", params: [ParamDecl("validation", .number(min: 0, max: 1), default: .double(0.1), help: "Fraction.")],
        inputs: [InputRule(.dataset)], outputs: { _ in [OutputDecl("train", .dataset), OutputDecl("validation", .dataset)] })

    static let scale = StageSignature(
        kind: "scale", summary: "Scales.",
        params: [
            ParamDecl("fit_on", .string, default: .string("train"), help: "Input the statistics come from."),
            ParamDecl("method", .choice(["standard", "minmax"]), default: .string("standard"), help: "How."),
        ],
        inputs: [InputRule(.dataset, min: 1, max: nil)],
        outputs: { context in context.inputs.map { OutputDecl($0.key, .dataset) } + [OutputDecl("transform", .transform)] },
        check: { context in
            var problems: [KindProblem] = []
            let keys = context.inputs.map(\.key)
            let fitOn = context.params["fit_on"]?.stringValue ?? "train"
            if keys.count > 1, !keys.contains(fitOn) {
                problems.append(KindProblem(.param("fit_on"), "fit_on '\(fitOn)' names none of the inputs (\(keys.joined(separator: ", ")))",
                                            hint: Suggestion.hint(for: fitOn, among: keys)))
            }
            if keys.contains("transform") {
                problems.append(KindProblem(.inputs, "an input may not be named 'transform'"))
            }
            if context.params["method"]?.stringValue == "minmax", keys.count > 3 {
                problems.append(KindProblem(.stage, "minmax takes at most 3 inputs here"))
            }
            return problems
        })

    static let transform = StageSignature(
        kind: "transform", summary: "Datasets to a dataset.", params: [],
        inputs: [InputRule(.dataset, min: 1, max: nil)], outputs: { _ in [OutputDecl("out", .dataset)] })

    static let fit = StageSignature(
        kind: "fit", summary: "Fits.", version: 3,
        params: [
            ParamDecl("epochs", .int(min: 1), required: true, help: "Epochs."),
            ParamDecl("lr", .number(min: 0, exclusiveMin: true), default: .double(0.1), help: "Step."),
            ParamDecl("optimizer", .choice(["sgd", "adam"]), default: .string("sgd"), help: "Optimizer."),
        ],
        inputs: [InputRule(.dataset, min: 1, max: 2)], outputs: { _ in [OutputDecl("model", .model)] })

    static let evaluate = StageSignature(
        kind: "evaluate", summary: "Scores.", params: [],
        inputs: [InputRule(.model), InputRule(.dataset)], outputs: { _ in [OutputDecl("metrics", .metrics)] })

    static let all = [source, load, split, scale, transform, fit, evaluate]
}

let header = "pipeline: 1\nname: x\n"

/// Parses `text` (which must be valid as a spec) with the fake kinds.
func spec(_ text: String, baseDirectory: String = "/base", file: StaticString = #filePath, line: UInt = #line) throws -> PipelineSpec {
    do {
        return try SpecParser(signatures: Kinds.all).parse(text, file: "p.yaml", baseDirectory: baseDirectory)
    } catch {
        XCTFail("spec did not parse:\n\(error)", file: file, line: line)
        throw error
    }
}

/// Builds the graph of `text`.
func graph(_ text: String, baseDirectory: String = "/base", file: StaticString = #filePath, line: UInt = #line) throws -> StageGraph {
    try StageGraph.build(try spec(text, baseDirectory: baseDirectory, file: file, line: line), signatures: Kinds.all)
}

/// The diagnostics building the graph of `text` fails with (the spec itself must be valid).
func graphDiagnostics(_ text: String, baseDirectory: String = "/base", file: StaticString = #filePath, line: UInt = #line) -> [Diagnostic] {
    guard let parsed = try? spec(text, baseDirectory: baseDirectory, file: file, line: line) else { return [] }
    do {
        _ = try StageGraph.build(parsed, signatures: Kinds.all)
        XCTFail("expected the graph to be rejected", file: file, line: line)
        return []
    } catch let failure as ValidationFailure {
        return failure.diagnostics
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
        return []
    }
}

/// The single graph diagnostic of `text`.
func onlyGraphDiagnostic(_ text: String, baseDirectory: String = "/base", file: StaticString = #filePath, line: UInt = #line) -> Diagnostic? {
    let found = graphDiagnostics(text, baseDirectory: baseDirectory, file: file, line: line)
    guard found.count == 1 else {
        XCTFail("expected one diagnostic, got \(found.count):\n" + found.map(\.description).joined(separator: "\n"), file: file, line: line)
        return nil
    }
    return found[0]
}

/// Checks a diagnostic's location, key path, message words and hint (nil hint means "no hint").
func assertDiagnostic(_ diagnostic: Diagnostic?, line: Int, column: Int, keyPath: String, contains words: [String],
                      hint: String? = nil, file: StaticString = #filePath, line callerLine: UInt = #line) {
    guard let diagnostic else { return XCTFail("no diagnostic", file: file, line: callerLine) }
    XCTAssertEqual(diagnostic.location, SourceLocation(file: "p.yaml", line: line, column: column), "\(diagnostic)", file: file, line: callerLine)
    XCTAssertEqual(diagnostic.keyPath, keyPath, "\(diagnostic)", file: file, line: callerLine)
    for word in words {
        XCTAssertTrue(diagnostic.message.contains(word), "message \"\(diagnostic.message)\" lacks \"\(word)\"", file: file, line: callerLine)
    }
    XCTAssertEqual(diagnostic.hint, hint, "\(diagnostic)", file: file, line: callerLine)
}

/// A fresh temporary directory, removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "plan-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}
