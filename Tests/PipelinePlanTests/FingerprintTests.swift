import Foundation
import PipelinePlan
import PipelineSpec
import XCTest

final class FingerprintTests: XCTestCase {
    private let base = """
    pipeline: 1
    name: fp
    seed: 7
    stages:
      src:
        kind: source
      m:
        kind: fit
        inputs: [src]
        epochs: 2
        lr: 0.5
        optimizer: adam

    """

    /// The fingerprint of stage `m` of `text`, with fixed input and file hashes.
    private func fingerprint(_ text: String, inputs: [String: String] = ["src": "aa11"], files: [String: String] = [:]) throws -> String {
        let parsed = try spec(text)
        let stage = try XCTUnwrap(parsed.stage("m"))
        return FingerprintInputs(stage: "m", kind: stage.kind, kindVersion: Kinds.fit.version, params: stage.params, seed: parsed.seed,
                                 inputs: inputs, files: files).fingerprint
    }

    func testCanonicalTextIsSortedCompactJSON() {
        let inputs = FingerprintInputs(stage: "m", kind: "fit", kindVersion: 3, params: ["optimizer": .string("sgd"), "lr": .double(0.5), "epochs": .int(2)],
                                       seed: 7, inputs: ["train": "ab12"], files: ["file": "f00d"])
        XCTAssertEqual(inputs.canonicalText,
                       #"{"files":{"file":"f00d"},"format":2,"inputs":{"train":"ab12"},"kind":"fit","kind_version":3,"params":{"epochs":2,"lr":0.5,"optimizer":"sgd"},"seed":"7","stage":"m"}"#)
        // sha256 of the text above, computed with coreutils' sha256sum.
        XCTAssertEqual(inputs.fingerprint, "79da45642467d1ad41ec76d818e74162f6e116fbb229c01e41de9418d43dc962")
    }

    func testSeedIsWrittenAsAStringSoItSurvivesBeyondInt64() {
        let inputs = FingerprintInputs(stage: "m", kind: "k", kindVersion: 1, params: [:], seed: UInt64.max, inputs: [:], files: [:])
        XCTAssertTrue(inputs.canonicalText.contains(#""seed":"18446744073709551615""#), inputs.canonicalText)
    }

    func testCanonicalJSONOfNestedMapsSortsKeysAtEveryLevel() {
        let value: ParamValue = .map([
            "zeta": .list([.map(["b": .int(1), "a": .bool(false)]), .null]),
            "alpha": .map(["y": .double(1.5), "x": .string("q\"uote")]),
            "Mid": .double(-0.25),
        ])
        XCTAssertEqual(value.canonicalJSON, #"{"Mid":-0.25,"alpha":{"x":"q\"uote","y":1.5},"zeta":[{"a":false,"b":1},null]}"#)
    }

    func testCanonicalJSONOfSpecialNumbers() {
        XCTAssertEqual(ParamValue.double(1).canonicalJSON, "1.0")
        XCTAssertEqual(ParamValue.int(1).canonicalJSON, "1")
        XCTAssertEqual(ParamValue.double(.infinity).canonicalJSON, #""inf""#)
        XCTAssertEqual(ParamValue.double(-.infinity).canonicalJSON, #""-inf""#)
        XCTAssertEqual(ParamValue.double(.nan).canonicalJSON, #""nan""#)
        XCTAssertEqual(ParamValue.double(1e-5).canonicalJSON, "1e-05")
    }

    // MARK: cosmetic changes keep the fingerprint

    func testKeyOrderInsideAStageDoesNotMatter() throws {
        let reordered = base.replacingOccurrences(of: "    inputs: [src]\n    epochs: 2\n    lr: 0.5\n    optimizer: adam\n",
                                                  with: "    optimizer: adam\n    lr: 0.5\n    epochs: 2\n    inputs: [src]\n")
        XCTAssertNotEqual(reordered, base)
        XCTAssertEqual(try fingerprint(reordered), try fingerprint(base))
    }

    func testTopLevelKeyOrderCommentsAndBlankLinesDoNotMatter() throws {
        let variant = """
        # A comment at the top.
        seed: 7   # the seed
        name: fp
        pipeline: 1

        stages:
          # the model
          m:
            kind: fit
            inputs: [src]

            epochs: 2     # two passes
            lr: 0.5
            optimizer: adam
          src:
            kind: source

        """
        XCTAssertEqual(try fingerprint(variant), try fingerprint(base))
    }

    func testEquivalentSpellingsOfAValueDoNotMatter() throws {
        let variants = [
            base.replacingOccurrences(of: "lr: 0.5", with: "lr: 5e-1"),
            base.replacingOccurrences(of: "lr: 0.5", with: "lr: 0.50"),
            base.replacingOccurrences(of: "lr: 0.5", with: "lr: .5"),
            base.replacingOccurrences(of: "optimizer: adam", with: "optimizer: 'adam'"),
            base.replacingOccurrences(of: "optimizer: adam", with: "optimizer: \"adam\""),
            base.replacingOccurrences(of: "    inputs: [src]", with: "    inputs:\n      - src"),
            base.replacingOccurrences(of: "seed: 7", with: "seed: 0x7"),
        ]
        let expected = try fingerprint(base)
        for variant in variants {
            XCTAssertNotEqual(variant, base)
            XCTAssertEqual(try fingerprint(variant), expected, variant)
        }
    }

    func testWritingADefaultExplicitlyDoesNotMatter() throws {
        let withoutDefault = base.replacingOccurrences(of: "    optimizer: adam\n", with: "")
        let withDefault = base.replacingOccurrences(of: "optimizer: adam", with: "optimizer: sgd")
        XCTAssertEqual(try fingerprint(withoutDefault), try fingerprint(withDefault))
    }

    func testInterpolatedValueEqualsTheLiteral() throws {
        let interpolated = base.replacingOccurrences(of: "seed: 7\n", with: "seed: 7\nparams:\n  rate: 0.5\n")
            .replacingOccurrences(of: "lr: 0.5", with: "lr: ${params.rate}")
        XCTAssertEqual(try fingerprint(interpolated), try fingerprint(base))
    }

    func testIntegerForANumberParameterEqualsTheDecimal() throws {
        XCTAssertEqual(try fingerprint(base.replacingOccurrences(of: "lr: 0.5", with: "lr: 1")),
                       try fingerprint(base.replacingOccurrences(of: "lr: 0.5", with: "lr: 1.0")))
    }

    // MARK: real changes change it

    func testChangingAParameterValueChangesIt() throws {
        let original = try fingerprint(base)
        XCTAssertNotEqual(try fingerprint(base.replacingOccurrences(of: "lr: 0.5", with: "lr: 0.25")), original)
        XCTAssertNotEqual(try fingerprint(base.replacingOccurrences(of: "epochs: 2", with: "epochs: 3")), original)
        XCTAssertNotEqual(try fingerprint(base.replacingOccurrences(of: "optimizer: adam", with: "optimizer: sgd")), original)
    }

    func testChangingTheSeedChangesIt() throws {
        XCTAssertNotEqual(try fingerprint(base.replacingOccurrences(of: "seed: 7", with: "seed: 8")), try fingerprint(base))
        XCTAssertNotEqual(try fingerprint(base.replacingOccurrences(of: "seed: 7\n", with: "")), try fingerprint(base))
    }

    func testChangingAnInputHashChangesIt() throws {
        XCTAssertNotEqual(try fingerprint(base, inputs: ["src": "aa12"]), try fingerprint(base))
        XCTAssertNotEqual(try fingerprint(base, inputs: ["other": "aa11"]), try fingerprint(base))
    }

    func testChangingAFileHashChangesIt() throws {
        XCTAssertNotEqual(try fingerprint(base, files: ["file": "1"]), try fingerprint(base, files: ["file": "2"]))
        XCTAssertNotEqual(try fingerprint(base, files: ["file": "1"]), try fingerprint(base))
    }

    func testKindAndKindVersionAreInIt() {
        let a = FingerprintInputs(stage: "m", kind: "fit", kindVersion: 1, params: [:], seed: 0, inputs: [:], files: [:])
        let renamed = FingerprintInputs(stage: "n", kind: "fit", kindVersion: 1, params: [:], seed: 0, inputs: [:], files: [:])
        XCTAssertNotEqual(a.fingerprint, renamed.fingerprint, "the stage name seeds its random stream, so it is part of the key")
        let b = FingerprintInputs(stage: "m", kind: "fit", kindVersion: 2, params: [:], seed: 0, inputs: [:], files: [:])
        let c = FingerprintInputs(stage: "m", kind: "fot", kindVersion: 1, params: [:], seed: 0, inputs: [:], files: [:])
        XCTAssertNotEqual(a.fingerprint, b.fingerprint)
        XCTAssertNotEqual(a.fingerprint, c.fingerprint)
        XCTAssertEqual(a.fingerprint.count, 64)
        XCTAssertTrue(a.fingerprint.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) })
    }

    func testIntAndDoubleParamsAreDistinguished() {
        // Nothing converts them silently: a kind declaring an int and one declaring a number see different values.
        let i = FingerprintInputs(stage: "m", kind: "k", kindVersion: 1, params: ["p": .int(1)], seed: 0, inputs: [:], files: [:])
        let d = FingerprintInputs(stage: "m", kind: "k", kindVersion: 1, params: ["p": .double(1)], seed: 0, inputs: [:], files: [:])
        XCTAssertNotEqual(i.fingerprint, d.fingerprint)
    }
}

extension FingerprintTests {
    func testPluginVersionsAreInItOnlyWhenGiven() {
        let none = FingerprintInputs(stage: "m", kind: "k", kindVersion: 1, params: [:], seed: 0, inputs: [:], files: [:])
        // Stages whose parameters select no versioned plug-in have no plugin_versions key at all.
        XCTAssertEqual(none.canonicalText,
                       #"{"files":{},"format":2,"inputs":{},"kind":"k","kind_version":1,"params":{},"seed":"0","stage":"m"}"#)
        let v2 = FingerprintInputs(stage: "m", kind: "k", kindVersion: 1, params: [:], seed: 0, inputs: [:], files: [:],
                                   pluginVersions: ["random_forest": 2])
        let v3 = FingerprintInputs(stage: "m", kind: "k", kindVersion: 1, params: [:], seed: 0, inputs: [:], files: [:],
                                   pluginVersions: ["random_forest": 3])
        XCTAssertTrue(v2.canonicalText.contains(#""plugin_versions":{"random_forest":2}"#), v2.canonicalText)
        XCTAssertNotEqual(none.fingerprint, v2.fingerprint)
        XCTAssertNotEqual(v2.fingerprint, v3.fingerprint)
    }
}

extension FingerprintTests {
    func testInputSourcesAreInItOnlyForStagesWithInputs() {
        let sourced = FingerprintInputs(stage: "m", kind: "k", kindVersion: 1, params: [:], seed: 0, inputs: ["train": "ab12"],
                                        sources: ["train": "split.train"], files: [:])
        XCTAssertEqual(sourced.canonicalText,
                       #"{"files":{},"format":2,"inputs":{"train":"ab12"},"kind":"k","kind_version":1,"params":{},"seed":"0","sources":{"train":"split.train"},"stage":"m"}"#)
        // The same bytes from a differently named stage or output are another result: stages write their
        // sources' names into what they produce (a model's trained_on).
        let renamedStage = FingerprintInputs(stage: "m", kind: "k", kindVersion: 1, params: [:], seed: 0, inputs: ["train": "ab12"],
                                             sources: ["train": "split2.train"], files: [:])
        let otherOutput = FingerprintInputs(stage: "m", kind: "k", kindVersion: 1, params: [:], seed: 0, inputs: ["train": "ab12"],
                                            sources: ["train": "split.test"], files: [:])
        XCTAssertNotEqual(sourced.fingerprint, renamedStage.fingerprint)
        XCTAssertNotEqual(sourced.fingerprint, otherOutput.fingerprint)
        XCTAssertNotEqual(renamedStage.fingerprint, otherOutput.fingerprint)
    }
}
