import PipelineSpec
import XCTest

/// `.object` and `.union` parameters: the shapes of `optimizer:`, `model:` and `layers:` in YAML.
final class StructuredParamTests: XCTestCase {
    static let net = StageSignature(
        kind: "net", summary: "A network.",
        params: [
            ParamDecl("optimizer", .union(discriminator: "type", variants: [
                UnionVariant("sgd", fields: [ParamDecl("lr", .number(min: 0, exclusiveMin: true), default: .double(0.01), help: ""),
                                             ParamDecl("momentum", .number(min: 0, max: 1), default: .double(0), help: "")]),
                UnionVariant("adam", fields: [ParamDecl("lr", .number(min: 0, exclusiveMin: true), default: .double(0.001), help: ""),
                                              ParamDecl("betas", .list(of: .number(), minCount: 2), default: .list([.double(0.9), .double(0.999)]), help: "")]),
            ]), default: .string("adam"), help: ""),
            ParamDecl("layers", .list(of: .union(discriminator: "type", variants: [
                UnionVariant("dense", fields: [ParamDecl("units", .int(min: 1), required: true, help: "")], primary: "units"),
                UnionVariant("dropout", fields: [ParamDecl("rate", .number(min: 0, max: 1, exclusiveMax: true), default: .double(0.5), help: "")], primary: "rate"),
                UnionVariant("flatten"),
            ])), default: .list([]), help: ""),
            ParamDecl("early_stopping", .object([
                ParamDecl("monitor", .choice(["val_loss", "val_accuracy"]), default: .string("val_loss"), help: ""),
                ParamDecl("patience", .int(min: 1), required: true, help: ""),
            ]), help: ""),
        ],
        inputs: [], outputs: { _ in [] })

    private func parse(_ body: String) throws -> [String: ParamValue] {
        let text = "pipeline: 1\nname: x\nstages:\n  n:\n    kind: net\n" + body
        return try SpecParser(signatures: [Self.net]).parse(text, file: "p.yaml", baseDirectory: "/").stage("n")!.params
    }

    private func errors(_ body: String) -> [Diagnostic] {
        do { _ = try parse(body); return [] } catch let failure as ValidationFailure { return failure.diagnostics } catch { return [] }
    }

    func testAllThreeUnionFormsNormaliseToTheSameValue() throws {
        let expected: ParamValue = .map(["type": .string("sgd"), "lr": .double(0.1), "momentum": .double(0)])
        XCTAssertEqual(try parse("    optimizer: {type: sgd, lr: 0.1}\n")["optimizer"], expected)
        XCTAssertEqual(try parse("    optimizer: {sgd: {lr: 0.1}}\n")["optimizer"], expected)
        XCTAssertEqual(try parse("    optimizer:\n      type: sgd\n      lr: 0.1\n")["optimizer"], expected)
        XCTAssertEqual(try parse("    optimizer: sgd\n")["optimizer"],
                       .map(["type": .string("sgd"), "lr": .double(0.01), "momentum": .double(0)]), "a bare name takes every default")
        XCTAssertEqual(try parse("")["optimizer"], .string("adam"), "the declared default is kept as written")
    }

    func testLayerListShorthandUsesThePrimaryField() throws {
        let layers = try parse("    layers: [{dense: 300}, {dropout: 0.2}, flatten, {type: dense, units: 10}]\n")["layers"]
        XCTAssertEqual(layers, .list([
            .map(["type": .string("dense"), "units": .int(300)]),
            .map(["type": .string("dropout"), "rate": .double(0.2)]),
            .map(["type": .string("flatten")]),
            .map(["type": .string("dense"), "units": .int(10)]),
        ]))
    }

    func testUnknownVariantSuggestsTheClosestName() {
        let found = errors("    optimizer: {type: adma}\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.location?.line, 6)
        XCTAssertEqual(found.first?.location?.column, 23)
        XCTAssertEqual(found.first?.message, "unknown 'adma'; expected one of 'sgd', 'adam'")
        XCTAssertEqual(found.first?.hint, "did you mean 'adam'?")
    }

    func testUnknownOptionOfAVariantIsReportedAtItsKey() {
        let found = errors("    optimizer:\n      type: sgd\n      momentun: 0.9\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.keyPath, "stages.n.optimizer.momentun")
        XCTAssertEqual(found.first?.location?.line, 8)
        XCTAssertEqual(found.first?.location?.column, 7)
        XCTAssertTrue(found.first?.message.hasPrefix("unknown key 'momentun' for 'sgd'; expected one of lr, momentum") ?? false, "\(found)")
        XCTAssertEqual(found.first?.hint, "did you mean 'momentum'?")
    }

    func testWrongTypeInsideAVariantAndMissingRequiredField() {
        let wrong = errors("    layers: [{dense: many}]\n")
        XCTAssertEqual(wrong.map(\.message), ["expected an integer ≥ 1, found the string \"many\""])
        XCTAssertEqual(wrong.first?.keyPath, "stages.n.layers[0].units")
        let missing = errors("    layers: [{type: dense}]\n")
        XCTAssertEqual(missing.map(\.message), ["missing required key 'units' for 'dense'; expected an integer ≥ 1"])
        let noPrimary = errors("    layers: [{flatten: 3}]\n")
        XCTAssertEqual(noPrimary.map(\.message), ["'flatten' takes a mapping of options, found the integer 3"])
    }

    func testObjectFieldsAreCheckedAndDefaulted() throws {
        XCTAssertEqual(try parse("    early_stopping: {patience: 3}\n")["early_stopping"],
                       .map(["monitor": .string("val_loss"), "patience": .int(3)]))
        let found = errors("    early_stopping: {monitor: val_acc}\n")
        XCTAssertEqual(Set(found.map(\.message)), [
            "expected one of 'val_loss', 'val_accuracy', found the string \"val_acc\"",
            "missing required key 'patience'; expected an integer ≥ 1",
        ])
    }

    func testSchemaDescribesUnionsAndObjects() throws {
        let schema = JSONSchemaGenerator.schema(for: [Self.net]).prettyJSON()
        let json = try JSONSerialization.jsonObject(with: Data(schema.utf8)) as! [String: Any]
        let defs = json["$defs"] as! [String: Any]
        let props = (defs["stage_net"] as! [String: Any])["properties"] as! [String: Any]
        let optimizer = (props["optimizer"] as! [String: Any])["anyOf"] as! [[String: Any]]
        XCTAssertEqual(optimizer.first?["enum"] as? [String], ["sgd", "adam"])
        let adamForm = optimizer.first { (($0["properties"] as? [String: Any])?["type"] as? [String: Any])?["const"] as? String == "adam" }
        XCTAssertNotNil(adamForm)
        XCTAssertEqual(adamForm?["additionalProperties"] as? Bool, false)
    }
}
