import XCTest
@testable import PipelineSpec

/// Syntax-level problems: reported by YAMLDocument with the line to fix.
final class YAMLSyntaxTests: XCTestCase {
    func testTabIndentingAStageNameIsReportedAtTheTab() {
        let text = "pipeline: 1\nname: x\nstages:\n\ta:\n    kind: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 4, column: 1, keyPath: nil,
                         contains: ["YAML syntax error"], hintContains: "tabs")
    }

    func testTabIndentingAParameterIsReportedOnItsLine() {
        let text = """
        pipeline: 1
        name: x
        stages:
          a:
            kind: source
        \trows: 3

        """
        let d = onlyDiagnostic(text)
        assertDiagnostic(d, line: 6, column: 1, keyPath: nil, contains: ["YAML syntax error", "tab"], hintContains: "tab")
        XCTAssertTrue(d?.hint?.contains("spaces") ?? false)
    }

    func testUnclosedFlowSequenceIsReportedAtTheOpeningBracket() {
        let text = """
        pipeline: 1
        name: x
        stages:
          a:
            kind: fit
            inputs: [a, b
            epochs: 3

        """
        // The '[' is on line 6, column 13; libyaml only notices at line 7 (the ':' of 'epochs').
        assertDiagnostic(onlyDiagnostic(text), line: 6, column: 13, keyPath: nil,
                         contains: ["YAML syntax error", "did not find expected ',' or ']'", "flow sequence that starts here", "stopped at 7:11"],
                         hint: "check for an unclosed '[' or '{'")
    }

    func testUnclosedFlowSequenceOnTheLastLineIsNotReportedPastTheEnd() {
        let text = "pipeline: 1\nname: x\nstages:\n  a:\n    kind: fit\n    epochs: 3\n    layers: [1, 2\n"
        assertDiagnostic(onlyDiagnostic(text), line: 7, column: 13, keyPath: nil,
                         contains: ["did not find expected ',' or ']'", "flow sequence that starts here", "stopped at 8:1"],
                         hint: "check for an unclosed '[' or '{'")
    }

    func testUnclosedFlowMappingIsReportedAtTheOpeningBrace() {
        let text = "pipeline: 1\nname: x\nstages:\n  a:\n    kind: scale\n    inputs: {train: s.train, test: s.test\n  b:\n    kind: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 6, column: 13, keyPath: nil,
                         contains: ["did not find expected ',' or '}'", "flow mapping that starts here", "stopped at 7:4"],
                         hint: "check for an unclosed '[' or '{'")
    }

    func testWrongClosingBracketOnTheSameLineIsReportedWhereItIs() {
        let text = "pipeline: 1\nname: x\nstages:\n  a:\n    kind: fit\n    epochs: 3\n    layers: [1, 2}\n"
        assertDiagnostic(onlyDiagnostic(text), line: 7, column: 18, keyPath: nil,
                         contains: ["did not find expected ',' or ']'", "while parsing a flow sequence at 7:13"],
                         hint: "check for an unclosed '[' or '{'")
    }

    func testKeyIndentedDeeperThanItsSiblingIsReportedOnItsLine() {
        let text = """
        pipeline: 1
        name: x
        stages:
          a:
            kind: source
             rows: 3

        """
        // "kind: source\n rows" reads as a multi-line plain scalar, so the ':' after 'rows' is the problem.
        assertDiagnostic(onlyDiagnostic(text), line: 6, column: 10, keyPath: nil,
                         contains: ["YAML syntax error", "mapping values are not allowed"], hintContains: "indentation")
    }

    func testKeyIndentedBetweenTwoLevelsIsReportedOnItsLine() {
        let text = """
        pipeline: 1
        name: x
        stages:
          a:
            kind: source
           rows: 3

        """
        assertDiagnostic(onlyDiagnostic(text), line: 6, column: 4, keyPath: nil,
                         contains: ["YAML syntax error", "did not find expected key", "block mapping at 4:3"],
                         hintContains: "indentation")
    }

    func testDuplicateTopLevelKeyIsReportedAtTheSecondOccurrence() {
        let text = """
        pipeline: 1
        name: x
        seed: 3
        name: y
        stages:
          a:
            kind: source

        """
        assertDiagnostic(onlyDiagnostic(text), line: 4, column: 1, keyPath: nil,
                         contains: ["duplicate key 'name'", "already defined at line 2, column 1"],
                         hintContains: "once")
    }

    func testDuplicateKeyInsideAStageIsReportedAtTheSecondOccurrence() {
        let text = """
        pipeline: 1
        name: x
        stages:
          a:
            kind: fit
            epochs: 3
            layers:
              - 4
              - 5
            epochs: 4
          b:
            kind: source

        """
        assertDiagnostic(onlyDiagnostic(text), line: 10, column: 5, keyPath: nil,
                         contains: ["duplicate key 'epochs'", "already defined at line 6, column 5"],
                         hintContains: "once")
    }

    func testDuplicateStageNameIsReportedAtTheSecondStage() {
        let text = """
        pipeline: 1
        name: x
        stages:
          a:
            kind: source
          b:
            kind: source
          a:
            kind: load
            file: x.csv

        """
        assertDiagnostic(onlyDiagnostic(text), line: 8, column: 3, keyPath: nil,
                         contains: ["duplicate key 'a'", "already defined at line 4, column 3"], hintContains: "once")
    }

    func testTopLevelListIsRejected() {
        assertDiagnostic(onlyDiagnostic("- pipeline: 1\n- name: x\n"), line: 1, column: 1, keyPath: nil,
                         contains: ["top level must be a mapping", "found a list"])
    }

    func testTopLevelPlainScalarIsRejected() {
        assertDiagnostic(onlyDiagnostic("hello\n"), line: 1, column: 1, keyPath: nil,
                         contains: ["top level must be a mapping", "found the string \"hello\""])
    }

    func testEmptyFileIsRejected() {
        assertDiagnostic(onlyDiagnostic(""), line: 1, column: 1, keyPath: nil,
                         contains: ["the file is empty", "expected a mapping with 'pipeline: 1'"])
    }

    func testCommentOnlyFileIsEmpty() {
        assertDiagnostic(onlyDiagnostic("# nothing yet\n\n# really\n"), line: 1, column: 1, keyPath: nil,
                         contains: ["the file is empty"])
    }

    func testDiagnosticNamesTheFileItWasGiven() throws {
        do {
            _ = try FakeCatalog.parser.parse("pipeline: 1\nname: [a\n", file: "dir/train.yaml", baseDirectory: "/")
            XCTFail("expected a syntax error")
        } catch let failure as ValidationFailure {
            XCTAssertEqual(failure.diagnostics.count, 1)
            XCTAssertEqual(failure.diagnostics.first?.location?.file, "dir/train.yaml")
            XCTAssertTrue(failure.diagnostics.first?.description.hasPrefix("dir/train.yaml:2:7: error: YAML syntax error") ?? false,
                          failure.description)
        }
    }
}
