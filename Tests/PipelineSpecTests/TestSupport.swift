import XCTest
import PipelineSpec

/// A small catalogue of stage kinds for tests; shapes mirror the real ones without any ML.
enum FakeCatalog {
    static let source = StageSignature(
        kind: "source", summary: "Makes a dataset from nothing.",
        params: [
            ParamDecl("rows", .int(min: 1, max: 1_000_000), default: .int(100), help: "Rows to make."),
            ParamDecl("name", .string, help: "An optional label."),
        ],
        inputs: [],
        outputs: { _ in [OutputDecl("data", .dataset)] })

    static let load = StageSignature(
        kind: "load", summary: "Reads a dataset file.",
        params: [ParamDecl("file", .path(mustExist: true), required: true, help: "The file to read.")],
        inputs: [],
        outputs: { _ in [OutputDecl("data", .dataset)] })

    static let scale = StageSignature(
        kind: "scale", summary: "Scales datasets.",
        params: [
            ParamDecl("method", .choice(["standard", "minmax"]), default: .string("standard"), help: "How."),
            ParamDecl("clip", .number(min: 0, max: 10, exclusiveMin: true), help: "Clip at this many std."),
        ],
        inputs: [InputRule(.dataset, min: 1, max: nil)],
        outputs: { context in context.inputs.map { OutputDecl($0.key, .dataset) } + [OutputDecl("transform", .transform)] })

    static let split = StageSignature(
        kind: "split", summary: "Splits a dataset in two.",
        params: [ParamDecl("validation", .number(min: 0, max: 1, exclusiveMax: true), default: .double(0.1), help: "Fraction held out.")],
        inputs: [InputRule(.dataset)],
        outputs: { _ in [OutputDecl("train", .dataset), OutputDecl("validation", .dataset)] })

    static let transform = StageSignature(
        kind: "transform", summary: "Maps datasets to a dataset.",
        params: [ParamDecl("label", .string, default: .string("t"), help: "A label.")],
        inputs: [InputRule(.dataset, min: 1, max: nil)],
        outputs: { _ in [OutputDecl("out", .dataset)] })

    static let fit = StageSignature(
        kind: "fit", summary: "Fits a model.", version: 3,
        params: [
            ParamDecl("epochs", .int(min: 1, max: 1000), required: true, help: "Passes over the data."),
            ParamDecl("learning_rate", .number(min: 0, exclusiveMin: true), default: .double(0.1), help: "Step size."),
            ParamDecl("optimizer", .choice(["sgd", "lbfgs", "adam"]), default: .string("lbfgs"), help: "Optimizer."),
            ParamDecl("layers", .list(of: .int(min: 1), minCount: 1), help: "Hidden layer widths."),
            ParamDecl("shuffle", .bool, default: .bool(true), help: "Shuffle each epoch."),
            ParamDecl("tag", .string, help: "Free text."),
        ],
        inputs: [InputRule(.dataset, min: 1, max: 2)],
        outputs: { _ in [OutputDecl("model", .model)] })

    static let evaluate = StageSignature(
        kind: "evaluate", summary: "Scores a model.",
        params: [],
        inputs: [InputRule(.model), InputRule(.dataset)],
        outputs: { _ in [OutputDecl("metrics", .metrics)] })

    static let shell = StageSignature(
        kind: "shell", summary: "Runs a command.",
        params: [
            ParamDecl("command", .string, required: true, help: "The command."),
            ParamDecl("env", .dictionary(of: .string), help: "Environment."),
            ParamDecl("args", .list(of: .string), default: .list([]), help: "Arguments."),
        ],
        inputs: [InputRule(.files, min: 0, max: nil)],
        outputs: { _ in [OutputDecl("files", .files)] })

    static let all = [source, load, scale, split, transform, fit, evaluate, shell]

    static let parser = SpecParser(signatures: all)
}

/// Parses `text` and returns the diagnostics it fails with (empty when it parses).
func diagnostics(_ text: String, file: String = "p.yaml") -> [Diagnostic] {
    do {
        _ = try FakeCatalog.parser.parse(text, file: file, baseDirectory: "/base")
        return []
    } catch let failure as ValidationFailure {
        return failure.diagnostics
    } catch {
        return [Diagnostic("unexpected error \(error)", at: nil)]
    }
}

/// Parses `text`, which must succeed.
func parsed(_ text: String, file: String = "p.yaml", file callerFile: StaticString = #filePath, line callerLine: UInt = #line) throws -> PipelineSpec {
    do {
        return try FakeCatalog.parser.parse(text, file: file, baseDirectory: "/base")
    } catch {
        XCTFail("expected the pipeline to parse, got:\n\(error)", file: callerFile, line: callerLine)
        throw error
    }
}

/// The single diagnostic `text` fails with (fails the test when there is not exactly one).
func onlyDiagnostic(_ text: String, file callerFile: StaticString = #filePath, line callerLine: UInt = #line) -> Diagnostic? {
    let found = diagnostics(text)
    guard found.count == 1 else {
        XCTFail("expected exactly one diagnostic, got \(found.count):\n" + found.map(\.description).joined(separator: "\n"),
                file: callerFile, line: callerLine)
        return nil
    }
    return found[0]
}

/// Checks a diagnostic's location, key path, message words and hint.
func assertDiagnostic(_ diagnostic: Diagnostic?, line: Int, column: Int, keyPath: String?, contains words: [String],
                      hint: String? = nil, hintContains: String? = nil, file: String = "p.yaml",
                      file callerFile: StaticString = #filePath, line callerLine: UInt = #line) {
    guard let diagnostic else { return XCTFail("no diagnostic", file: callerFile, line: callerLine) }
    XCTAssertEqual(diagnostic.severity, .error, file: callerFile, line: callerLine)
    XCTAssertEqual(diagnostic.location, SourceLocation(file: file, line: line, column: column),
                   "location of: \(diagnostic)", file: callerFile, line: callerLine)
    XCTAssertEqual(diagnostic.keyPath, keyPath, "key path of: \(diagnostic)", file: callerFile, line: callerLine)
    for word in words {
        XCTAssertTrue(diagnostic.message.contains(word), "message \"\(diagnostic.message)\" lacks \"\(word)\"",
                      file: callerFile, line: callerLine)
    }
    if let hint {
        XCTAssertEqual(diagnostic.hint, hint, file: callerFile, line: callerLine)
    }
    if let hintContains {
        XCTAssertTrue(diagnostic.hint?.contains(hintContains) ?? false, "hint \(diagnostic.hint ?? "nil") lacks \"\(hintContains)\"",
                      file: callerFile, line: callerLine)
    }
    if hint == nil, hintContains == nil {
        XCTAssertNil(diagnostic.hint, "unexpected hint in: \(diagnostic)", file: callerFile, line: callerLine)
    }
}
