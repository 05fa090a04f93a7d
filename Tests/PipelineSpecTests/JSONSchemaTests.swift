import Foundation
import XCTest
@testable import PipelineSpec

final class JSONSchemaTests: XCTestCase {
    private var schema: ParamValue { JSONSchemaGenerator.schema(for: FakeCatalog.all) }

    private func def(_ name: String) -> [String: ParamValue]? {
        schema.mapValue?["$defs"]?.mapValue?[name]?.mapValue
    }

    func testEachKindHasADefinition() {
        let defs = schema.mapValue?["$defs"]?.mapValue ?? [:]
        XCTAssertEqual(Set(defs.keys), Set(FakeCatalog.all.map { "stage_\($0.kind)" } + ["stage", "inputs", "resources"]))
        let kinds = def("stage")?["properties"]?.mapValue?["kind"]?.mapValue?["enum"]
        XCTAssertEqual(kinds, .list(["evaluate", "fit", "load", "scale", "shell", "source", "split", "transform"].map { .string($0) }))
        XCTAssertEqual(def("stage")?["allOf"]?.listValue?.count, FakeCatalog.all.count)
    }

    func testKindDefinitionListsParamsRequiredAndForbidsOthers() throws {
        let fit = try XCTUnwrap(def("stage_fit"))
        XCTAssertEqual(fit["type"], .string("object"))
        XCTAssertEqual(fit["description"], .string("Fits a model."))
        XCTAssertEqual(fit["additionalProperties"], .bool(false))
        XCTAssertEqual(fit["required"], .list([.string("kind"), .string("epochs")]))
        let properties = try XCTUnwrap(fit["properties"]?.mapValue)
        XCTAssertEqual(Set(properties.keys), ["kind", "inputs", "description", "resources", "epochs", "learning_rate", "optimizer", "layers", "shuffle", "tag"])
        XCTAssertEqual(properties["kind"], .map(["const": .string("fit")]))
        XCTAssertEqual(properties["inputs"], .map(["$ref": .string("#/$defs/inputs")]))

        let epochs = try XCTUnwrap(properties["epochs"]?.mapValue)
        XCTAssertEqual(epochs["description"], .string("Passes over the data."))
        XCTAssertNil(epochs["default"])
        let epochsTypes = try XCTUnwrap(epochs["anyOf"]?.listValue)
        XCTAssertEqual(epochsTypes.first, .map(["type": .string("integer"), "minimum": .int(1), "maximum": .int(1000)]))

        let rate = try XCTUnwrap(properties["learning_rate"]?.mapValue)
        XCTAssertEqual(rate["default"], .double(0.1))
        XCTAssertEqual(rate["anyOf"]?.listValue?.first, .map(["type": .string("number"), "exclusiveMinimum": .double(0)]))

        XCTAssertEqual(properties["optimizer"]?.mapValue?["anyOf"]?.listValue?.first,
                       .map(["enum": .list([.string("sgd"), .string("lbfgs"), .string("adam")])]))
        XCTAssertEqual(properties["layers"]?.mapValue?["minItems"], .int(1))
        XCTAssertEqual(properties["tag"]?.mapValue?["type"], .string("string"))
    }

    func testKindWithoutParamsRequiresOnlyKind() throws {
        let evaluate = try XCTUnwrap(def("stage_evaluate"))
        XCTAssertEqual(evaluate["required"], .list([.string("kind")]))
        XCTAssertEqual(evaluate["additionalProperties"], .bool(false))
        XCTAssertEqual(Set(evaluate["properties"]?.mapValue?.keys ?? [:].keys), ["kind", "inputs", "description", "resources"])
    }

    func testPathAndDictionaryParams() throws {
        let load = try XCTUnwrap(def("stage_load")?["properties"]?.mapValue)
        XCTAssertEqual(load["file"], .map(["type": .string("string"), "minLength": .int(1), "description": .string("The file to read.")]))
        XCTAssertEqual(def("stage_load")?["required"], .list([.string("kind"), .string("file")]))
        let shell = try XCTUnwrap(def("stage_shell")?["properties"]?.mapValue)
        XCTAssertEqual(shell["env"]?.mapValue?["additionalProperties"], .map(["type": .string("string")]))
        XCTAssertEqual(shell["args"]?.mapValue?["default"], .list([]))
    }

    func testTopLevel() throws {
        let top = try XCTUnwrap(schema.mapValue)
        XCTAssertEqual(top["$schema"], .string("https://json-schema.org/draft/2020-12/schema"))
        XCTAssertEqual(top["required"], .list([.string("pipeline"), .string("name"), .string("stages")]))
        XCTAssertEqual(top["additionalProperties"], .bool(false))
        let properties = try XCTUnwrap(top["properties"]?.mapValue)
        XCTAssertEqual(Set(properties.keys), Set(SpecParser.topLevelKeys))
        XCTAssertEqual(properties["pipeline"]?.mapValue?["const"], .int(1))
        XCTAssertEqual(properties["stages"]?.mapValue?["minProperties"], .int(1))
    }

    func testPrettyJSONRoundTripsThroughJSONSerialization() throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(schema.prettyJSON().utf8))
        XCTAssertEqual(try fromFoundation(parsed), numbersAsDoubles(schema))
        // The compact canonical form parses to the same value.
        let compact = try JSONSerialization.jsonObject(with: Data(schema.canonicalJSON.utf8))
        XCTAssertEqual(try fromFoundation(compact), numbersAsDoubles(schema))
    }

    func testPrettyJSONRoundTripsAwkwardStrings() throws {
        let value: ParamValue = .map(["q\"uote": .string("tab\there\nnewline \\ back \u{01} ≥ é"), "n": .double(-2.5e-7)])
        let parsed = try JSONSerialization.jsonObject(with: Data(value.prettyJSON().utf8))
        XCTAssertEqual(try fromFoundation(parsed), value)
        XCTAssertEqual(ParamValue.string("\u{01}").canonicalJSON, "\"\\u0001\"")
    }

    func testPrettyJSONLayout() {
        let value: ParamValue = .map(["b": .list([.int(1), .map([:])]), "a": .string("x"), "c": .list([])])
        XCTAssertEqual(value.prettyJSON(), """
        {
          "a": "x",
          "b": [
            1,
            {}
          ],
          "c": []
        }
        """)
    }

    private struct NotJSON: Error {}

    /// JSONSerialization's output as a value, every number as a double (JSON does not tell 1 from 1.0).
    private func fromFoundation(_ object: Any) throws -> ParamValue {
        switch object {
        case is NSNull: return .null
        case let s as String: return .string(s)
        case let n as NSNumber:
            if String(describing: type(of: n)).contains("Boolean") { return .bool(n.boolValue) }
            return .double(n.doubleValue)
        case let l as [Any]: return .list(try l.map(fromFoundation))
        case let m as [String: Any]: return .map(try m.mapValues(fromFoundation))
        default: throw NotJSON()
        }
    }

    private func numbersAsDoubles(_ value: ParamValue) -> ParamValue {
        switch value {
        case .int(let i): return .double(Double(i))
        case .list(let l): return .list(l.map(numbersAsDoubles))
        case .map(let m): return .map(m.mapValues(numbersAsDoubles))
        default: return value
        }
    }
}
