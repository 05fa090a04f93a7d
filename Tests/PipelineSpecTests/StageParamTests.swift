import XCTest
@testable import PipelineSpec

/// Stage kinds and parameters: names, types, ranges, choices, defaults, interpolation, YAML typing.
final class StageParamTests: XCTestCase {
    /// A pipeline with one stage of kind `fit` with these extra lines (each indented 4 spaces, from line 6).
    private func fit(_ lines: String...) -> String {
        "pipeline: 1\nname: x\nstages:\n  a:\n    kind: fit\n" + lines.map { "    \($0)\n" }.joined()
    }

    // MARK: kinds and keys

    func testUnknownKindSuggestsTheClosestKind() {
        let text = "pipeline: 1\nname: x\nstages:\n  a:\n    kind: sclae\n"
        assertDiagnostic(onlyDiagnostic(text), line: 5, column: 11, keyPath: "stages.a.kind",
                         contains: ["unknown stage kind 'sclae'", "expected one of evaluate, fit, load, scale, shell, source, split, transform"],
                         hint: "did you mean 'scale'?")
    }

    func testUnknownKindFarFromEveryKindHasNoHint() {
        let text = "pipeline: 1\nname: x\nstages:\n  a:\n    kind: xgboost\n"
        assertDiagnostic(onlyDiagnostic(text), line: 5, column: 11, keyPath: "stages.a.kind", contains: ["unknown stage kind 'xgboost'"])
    }

    func testMissingKind() {
        let text = "pipeline: 1\nname: x\nstages:\n  a:\n    rows: 3\n"
        assertDiagnostic(onlyDiagnostic(text), line: 4, column: 3, keyPath: "stages.a",
                         contains: ["missing required key 'kind'", "expected one of evaluate, fit"])
    }

    func testStageThatIsNotAMapping() {
        let text = "pipeline: 1\nname: x\nstages:\n  a: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 4, column: 6, keyPath: "stages.a",
                         contains: ["expected a mapping with 'kind'", "found the string \"source\""])
    }

    func testInvalidStageName() {
        let text = "pipeline: 1\nname: x\nstages:\n  a.b:\n    kind: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 4, column: 3, keyPath: "stages.a.b",
                         contains: ["invalid stage name 'a.b'", "a '.' separates a stage from its output"])
    }

    func testUnknownParameterSuggestsTheClosestParameter() {
        let d = onlyDiagnostic(fit("epochs: 3", "learning_rat: 0.1"))
        assertDiagnostic(d, line: 7, column: 5, keyPath: "stages.a.learning_rat",
                         contains: ["unknown key 'learning_rat' for a stage of kind 'fit'",
                                    "expected one of epochs, learning_rate, optimizer, layers, shuffle, tag"],
                         hint: "did you mean 'learning_rate'?")
    }

    func testMisspelledRequiredParameterReportsTheTypoAndTheMissingParameter() {
        let found = diagnostics(fit("epoch: 3"))
        XCTAssertEqual(found.count, 2, found.map(\.description).joined(separator: "\n"))
        guard found.count == 2 else { return }
        assertDiagnostic(found[0], line: 4, column: 3, keyPath: "stages.a.epochs",
                         contains: ["missing required parameter 'epochs' for kind 'fit'", "expected an integer in [1, 1000]"])
        assertDiagnostic(found[1], line: 6, column: 5, keyPath: "stages.a.epoch",
                         contains: ["unknown key 'epoch'"], hint: "did you mean 'epochs'?")
    }

    func testUnknownKeyForAKindWithoutParameters() {
        let text = "pipeline: 1\nname: x\nstages:\n  a:\n    kind: evaluate\n    inptus: [m, d]\n"
        assertDiagnostic(onlyDiagnostic(text), line: 6, column: 5, keyPath: "stages.a.inptus",
                         contains: ["unknown key 'inptus' for a stage of kind 'evaluate'", "expected only kind, inputs, description"],
                         hint: "did you mean 'inputs'?")
    }

    // MARK: types

    func testStringWhereIntegerExpected() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: ten")), line: 6, column: 13, keyPath: "stages.a.epochs",
                         contains: ["expected an integer in [1, 1000]", "found the string \"ten\""])
    }

    func testWholeNumberWithDecimalPointForAnIntegerHintsToDropIt() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 3.0")), line: 6, column: 13, keyPath: "stages.a.epochs",
                         contains: ["expected an integer in [1, 1000]", "found the number 3.0"],
                         hint: "write it without a decimal point: 3")
    }

    func testFractionForAnIntegerHasNoHint() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 2.5")), line: 6, column: 13, keyPath: "stages.a.epochs",
                         contains: ["expected an integer", "found the number 2.5"])
    }

    func testIntegerTooLargeForIntIsAnErrorNotACrash() {
        // Does not fit an Int, so it resolves as a number; the "drop the decimal point" hint must not trap.
        let d = onlyDiagnostic(fit("epochs: 99999999999999999999"))
        assertDiagnostic(d, line: 6, column: 13, keyPath: "stages.a.epochs", contains: ["expected an integer in [1, 1000]", "found the number"])
    }

    func testInfinityForAnIntegerIsAnErrorNotACrash() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: .inf")), line: 6, column: 13, keyPath: "stages.a.epochs",
                         contains: ["expected an integer", "found the number inf"])
    }

    func testListWhereStringExpected() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 3", "tag: [a, b]")), line: 7, column: 10, keyPath: "stages.a.tag",
                         contains: ["expected a string", "found a list"])
    }

    func testMappingWhereListExpected() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 3", "layers: {a: 1}")), line: 7, column: 13, keyPath: "stages.a.layers",
                         contains: ["expected a list of at least 1 of integers", "found a mapping"])
    }

    func testWrongListElementIsReportedAtTheElement() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 3", "layers: [16, x]")), line: 7, column: 18, keyPath: "stages.a.layers[1]",
                         contains: ["expected an integer ≥ 1", "found the string \"x\""])
    }

    func testBooleanParameterRejectsYes() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 3", "shuffle: yes")), line: 7, column: 14, keyPath: "stages.a.shuffle",
                         contains: ["expected true or false", "found the string \"yes\""])
    }

    func testDictionaryValuesAreTypeChecked() {
        let text = "pipeline: 1\nname: x\nstages:\n  a:\n    kind: shell\n    command: make\n    env:\n      HOME: /h\n      N: [1]\n"
        assertDiagnostic(onlyDiagnostic(text), line: 9, column: 10, keyPath: "stages.a.env.N",
                         contains: ["expected a string", "found a list"])
    }

    // MARK: ranges and choices

    func testIntegerBelowMinimum() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 0")), line: 6, column: 13, keyPath: "stages.a.epochs",
                         contains: ["expected an integer in [1, 1000]", "found the integer 0"])
    }

    func testIntegerAboveMaximum() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 1001")), line: 6, column: 13, keyPath: "stages.a.epochs",
                         contains: ["expected an integer in [1, 1000]", "found the integer 1001"])
    }

    func testIntegerAtInclusiveBoundsIsAccepted() throws {
        XCTAssertEqual(try parsed(fit("epochs: 1")).stages[0].params["epochs"], .int(1))
        XCTAssertEqual(try parsed(fit("epochs: 1000")).stages[0].params["epochs"], .int(1000))
    }

    func testNumberAtExclusiveLowerBound() {
        let text = "pipeline: 1\nname: x\nstages:\n  a:\n    kind: scale\n    clip: 0.0\n"
        assertDiagnostic(onlyDiagnostic(text), line: 6, column: 11, keyPath: "stages.a.clip",
                         contains: ["expected a number in (0, 10]", "found the number 0.0"])
    }

    func testNumberAtExclusiveUpperBound() {
        let text = "pipeline: 1\nname: x\nstages:\n  s:\n    kind: split\n    validation: 1\n"
        assertDiagnostic(onlyDiagnostic(text), line: 6, column: 17, keyPath: "stages.s.validation",
                         contains: ["expected a number in [0, 1)", "found the integer 1"])
    }

    func testNumberWithOnlyAnExclusiveMinimum() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 3", "learning_rate: 0")), line: 7, column: 20, keyPath: "stages.a.learning_rate",
                         contains: ["expected a number > 0", "found the integer 0"])
    }

    func testNumberAcceptsIntegerAndStoresADouble() throws {
        let spec = try parsed("pipeline: 1\nname: x\nstages:\n  s:\n    kind: split\n    validation: 0\n")
        XCTAssertEqual(spec.stages[0].params["validation"], .double(0))
    }

    func testNotANumberIsRejected() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 3", "learning_rate: .nan")), line: 7, column: 20, keyPath: "stages.a.learning_rate",
                         contains: ["expected a number > 0", "found the number nan"])
    }

    func testChoiceNotInTheListSuggestsTheClosest() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 3", "optimizer: adma")), line: 7, column: 16, keyPath: "stages.a.optimizer",
                         contains: ["expected one of 'sgd', 'lbfgs', 'adam'", "found the string \"adma\""], hint: "did you mean 'adam'?")
    }

    func testChoiceIsCaseSensitiveButSuggestsIgnoringCase() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 3", "optimizer: SGD")), line: 7, column: 16, keyPath: "stages.a.optimizer",
                         contains: ["found the string \"SGD\""], hint: "did you mean 'sgd'?")
    }

    func testSeedMustNotBeNegative() {
        let text = "pipeline: 1\nname: x\nseed: -1\nstages:\n  a:\n    kind: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 3, column: 7, keyPath: "seed", contains: ["expected an integer ≥ 0", "found the integer -1"])
    }

    // MARK: defaults and required parameters

    func testDefaultsAreApplied() throws {
        let stage = try parsed(fit("epochs: 7")).stages[0]
        XCTAssertEqual(stage.params, ["epochs": .int(7), "learning_rate": .double(0.1), "optimizer": .string("lbfgs"), "shuffle": .bool(true)])
        XCTAssertEqual(stage.paramLocations, ["epochs": SourceLocation(file: "p.yaml", line: 6, column: 13)])
    }

    func testWrittenValueOverridesTheDefault() throws {
        let stage = try parsed(fit("epochs: 7", "optimizer: sgd", "shuffle: false")).stages[0]
        XCTAssertEqual(stage.params["optimizer"], .string("sgd"))
        XCTAssertEqual(stage.params["shuffle"], .bool(false))
    }

    func testOptionalParameterWithoutDefaultStaysAbsent() throws {
        let stage = try parsed(fit("epochs: 7")).stages[0]
        XCTAssertNil(stage.params["tag"])
        XCTAssertNil(stage.params["layers"])
    }

    func testMissingRequiredParameterIsReportedAtTheStage() {
        let text = "pipeline: 1\nname: x\nstages:\n  first:\n    kind: source\n  train:\n    kind: fit\n    optimizer: sgd\n"
        assertDiagnostic(onlyDiagnostic(text), line: 6, column: 3, keyPath: "stages.train.epochs",
                         contains: ["missing required parameter 'epochs' for kind 'fit'", "expected an integer in [1, 1000]"])
    }

    func testMissingRequiredPathParameter() {
        let text = "pipeline: 1\nname: x\nstages:\n  raw:\n    kind: load\n"
        assertDiagnostic(onlyDiagnostic(text), line: 4, column: 3, keyPath: "stages.raw.file",
                         contains: ["missing required parameter 'file' for kind 'load'", "expected a file path"])
    }

    // MARK: inputs syntax

    func testInputsListAndMappingForms() throws {
        let text = """
        pipeline: 1
        name: x
        stages:
          a:
            kind: scale
            inputs: [src, sp.train]
          b:
            kind: scale
            inputs: {train: sp.train, test: src}
          c:
            kind: scale
            inputs: src

        """
        let spec = try parsed(text)
        XCTAssertEqual(spec.stage("a")?.inputs, [
            InputRef(key: nil, stage: "src", output: nil, location: SourceLocation(file: "p.yaml", line: 6, column: 14)),
            InputRef(key: nil, stage: "sp", output: "train", location: SourceLocation(file: "p.yaml", line: 6, column: 19)),
        ])
        XCTAssertEqual(spec.stage("a")?.inputsLocation, SourceLocation(file: "p.yaml", line: 6, column: 13))
        XCTAssertEqual(spec.stage("b")?.inputs.map { "\($0.key ?? "-")=\($0.text)" }, ["train=sp.train", "test=src"])
        XCTAssertEqual(spec.stage("c")?.inputs.map(\.text), ["src"])
    }

    func testInputThatIsNotAReference() {
        let text = "pipeline: 1\nname: x\nstages:\n  a:\n    kind: scale\n    inputs: [src, [x]]\n"
        assertDiagnostic(onlyDiagnostic(text), line: 6, column: 19, keyPath: "stages.a.inputs[1]",
                         contains: ["expected a stage name or 'stage.output'", "found a list"])
    }

    // MARK: interpolation

    func testWholeScalarInterpolationKeepsTheParameterType() throws {
        let text = """
        pipeline: 1
        name: x
        params:
          n: 12
          lr: 5e-1
          opt: adam
          deep: [8, 4]
        stages:
          a:
            kind: fit
            epochs: ${params.n}
            learning_rate: ${params.lr}
            optimizer: ${params.opt}
            layers: ${params.deep}

        """
        let spec = try parsed(text)
        XCTAssertEqual(spec.params, ["n": .int(12), "lr": .double(0.5), "opt": .string("adam"), "deep": .list([.int(8), .int(4)])])
        let params = spec.stages[0].params
        XCTAssertEqual(params["epochs"], .int(12))
        XCTAssertEqual(params["learning_rate"], .double(0.5))
        XCTAssertEqual(params["optimizer"], .string("adam"))
        XCTAssertEqual(params["layers"], .list([.int(8), .int(4)]))
    }

    func testIntegerParameterInterpolatedIntoANumberWidens() throws {
        let spec = try parsed("pipeline: 1\nname: x\nparams:\n  lr: 1\nstages:\n  a:\n    kind: fit\n    epochs: 2\n    learning_rate: ${params.lr}\n")
        XCTAssertEqual(spec.stages[0].params["learning_rate"], .double(1))
    }

    func testEmbeddedInterpolationSubstitutesText() throws {
        let text = """
        pipeline: 1
        name: x
        params:
          dir: /data/fm
          n: 3
          lr: 0.25
        stages:
          a:
            kind: fit
            epochs: 2
            tag: "run-${params.n}@${params.dir}/lr=${params.lr}.txt"

        """
        XCTAssertEqual(try parsed(text).stages[0].params["tag"], .string("run-3@/data/fm/lr=0.25.txt"))
    }

    func testEmbeddedInterpolationOfAnIntegerDoesNotMakeAnInteger() {
        // "${params.n}0" is the text "30", not the integer 30.
        let text = "pipeline: 1\nname: x\nparams:\n  n: 3\nstages:\n  a:\n    kind: fit\n    epochs: ${params.n}0\n"
        assertDiagnostic(onlyDiagnostic(text), line: 8, column: 13, keyPath: "stages.a.epochs",
                         contains: ["expected an integer", "found the string \"30\""])
    }

    func testInterpolatedValueIsTypeChecked() {
        let text = "pipeline: 1\nname: x\nparams:\n  n: many\nstages:\n  a:\n    kind: fit\n    epochs: ${params.n}\n"
        assertDiagnostic(onlyDiagnostic(text), line: 8, column: 13, keyPath: "stages.a.epochs",
                         contains: ["expected an integer in [1, 1000]", "found the string \"many\""])
    }

    func testUnknownInterpolationNameSuggestsTheClosest() {
        let text = "pipeline: 1\nname: x\nparams:\n  epochs: 5\n  rate: 0.1\nstages:\n  a:\n    kind: fit\n    epochs: ${params.epoch}\n"
        assertDiagnostic(onlyDiagnostic(text), line: 9, column: 13, keyPath: "stages.a.epochs",
                         contains: ["'${params.epoch}' names no entry of the top-level 'params'"], hint: "did you mean 'epochs'?")
    }

    func testInterpolationWithoutAnyParamsHintsToDeclareThem() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: ${params.n}")), line: 6, column: 13, keyPath: "stages.a.epochs",
                         contains: ["'${params.n}' names no entry"], hint: "declare it under a top-level 'params:' mapping")
    }

    func testOtherDollarBracesAreLeftAsWrittenAndDoubleDollarEscapes() throws {
        // Shell commands use ${VAR}; only ${params.NAME} is the tool's, and $${params.X} writes it literally.
        let spec = try parsed(fit("epochs: 2", "tag: \"${HOME} $${params.x}\""))
        XCTAssertEqual(spec.stage("a")?.params["tag"], .string("${HOME} ${params.x}"))
    }

    func testUnclosedInterpolation() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 2", "tag: a${params.n")), line: 7, column: 10, keyPath: "stages.a.tag",
                         contains: ["unclosed '${params.'", "expected ${params.NAME}"])
    }

    func testTopLevelParamsRejectNestedMappings() {
        let text = "pipeline: 1\nname: x\nparams:\n  opt: {a: 1}\nstages:\n  a:\n    kind: source\n"
        assertDiagnostic(onlyDiagnostic(text), line: 4, column: 8, keyPath: "params.opt",
                         contains: ["expected true or false or an integer or a number or a string", "found a mapping"])
    }

    // MARK: YAML 1.2 core typing

    func testNoAndYesStayStrings() throws {
        let spec = try parsed("pipeline: 1\nname: x\nparams:\n  a: no\n  b: yes\n  c: off\n  d: true\nstages:\n  s:\n    kind: source\n")
        XCTAssertEqual(spec.params, ["a": .string("no"), "b": .string("yes"), "c": .string("off"), "d": .bool(true)])
    }

    func testNoAsAStringParameter() throws {
        XCTAssertEqual(try parsed(fit("epochs: 2", "tag: no")).stages[0].params["tag"], .string("no"))
    }

    func testQuotedNumberIsAString() throws {
        XCTAssertEqual(try parsed(fit("epochs: 2", "tag: \"1\"")).stages[0].params["tag"], .string("1"))
        XCTAssertEqual(try parsed(fit("epochs: 2", "tag: '2.5'")).stages[0].params["tag"], .string("2.5"))
        assertDiagnostic(onlyDiagnostic(fit("epochs: '2'")), line: 6, column: 13, keyPath: "stages.a.epochs",
                         contains: ["found the string \"2\""])
    }

    func testExponentIsANumber() throws {
        XCTAssertEqual(try parsed(fit("epochs: 2", "learning_rate: 1e-3")).stages[0].params["learning_rate"], .double(0.001))
    }

    func testTildeIsNull() {
        assertDiagnostic(onlyDiagnostic(fit("epochs: 2", "tag: ~")), line: 7, column: 10, keyPath: "stages.a.tag",
                         contains: ["expected a string", "found null"])
    }

    func testScalarResolution() {
        XCTAssertEqual(ScalarValue.resolve("~"), .null)
        XCTAssertEqual(ScalarValue.resolve("null"), .null)
        XCTAssertEqual(ScalarValue.resolve(""), .null)
        XCTAssertEqual(ScalarValue.resolve("no"), .string("no"))
        XCTAssertEqual(ScalarValue.resolve("yes"), .string("yes"))
        XCTAssertEqual(ScalarValue.resolve("on"), .string("on"))
        XCTAssertEqual(ScalarValue.resolve("True"), .bool(true))
        XCTAssertEqual(ScalarValue.resolve("FALSE"), .bool(false))
        XCTAssertEqual(ScalarValue.resolve("1e-3"), .double(0.001))
        XCTAssertEqual(ScalarValue.resolve("-2.5E+2"), .double(-250))
        XCTAssertEqual(ScalarValue.resolve(".5"), .double(0.5))
        XCTAssertEqual(ScalarValue.resolve("-.inf"), .double(-.infinity))
        XCTAssertEqual(ScalarValue.resolve("+12"), .int(12))
        XCTAssertEqual(ScalarValue.resolve("-7"), .int(-7))
        XCTAssertEqual(ScalarValue.resolve("0x1F"), .int(31))
        XCTAssertEqual(ScalarValue.resolve("0o17"), .int(15))
        XCTAssertEqual(ScalarValue.resolve("1_000"), .string("1_000"))
        XCTAssertEqual(ScalarValue.resolve("1.2.3"), .string("1.2.3"))
        XCTAssertEqual(ScalarValue.resolve("e5"), .string("e5"))
        XCTAssertEqual(ScalarValue.resolve("1-2"), .string("1-2"))
        XCTAssertEqual(ScalarValue.resolve("-"), .string("-"))
        XCTAssertEqual(ScalarValue.resolve("nan"), .string("nan"))
        XCTAssertEqual(ScalarValue.resolve("０"), .string("０"))  // full-width digit
    }

    func testShapeDescriptions() throws {
        let root = try YAMLDocument.parse("a: '1'\nb: 1\nc: 1.50\nd: no\ne: ~\nf: [1]\ng: {x: 1}\nh: TRUE\n", file: "f")
        let shapes = root.entries?.map { "\($0.key)=\($0.value.shapeDescription)" }
        XCTAssertEqual(shapes, ["a=the string \"1\"", "b=the integer 1", "c=the number 1.50", "d=the string \"no\"",
                                "e=null", "f=a list", "g=a mapping", "h=the boolean true"])
    }

    func testNodeLocationsAreOneBased() throws {
        let root = try YAMLDocument.parse("top:\n  inner: [x, yy]\n", file: "f")
        let inner = root["top"]?.value["inner"]
        XCTAssertEqual(inner?.keyLocation, SourceLocation(file: "f", line: 2, column: 3))
        XCTAssertEqual(inner?.value.location, SourceLocation(file: "f", line: 2, column: 10))
        if case .list(let items)? = inner?.value.content {
            XCTAssertEqual(items.map(\.location.column), [11, 14])
        } else {
            XCTFail("expected a list")
        }
    }
}
