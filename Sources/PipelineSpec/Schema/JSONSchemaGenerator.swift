/// Generates the JSON Schema (draft 2020-12) of the pipeline file from the stage signatures, so editors
/// complete and check pipeline files with the same declarations validation uses.
public enum JSONSchemaGenerator {
    /// The schema's `$id`.
    public static let schemaID = "https://pipeline.dev/schemas/pipeline.schema.json"

    /// The schema as a value (serialise with `canonicalJSON` or `prettyJSON`).
    public static func schema(for signatures: [StageSignature]) -> ParamValue {
        let sorted = signatures.sorted { $0.kind < $1.kind }
        var definitions: [String: ParamValue] = [
            "inputs": .map([
                "description": .string("Upstream outputs: a list of 'stage' or 'stage.output', or a mapping name: 'stage.output'."),
                "oneOf": .list([
                    .map(["type": .string("string"), "pattern": .string(referencePattern)]),
                    .map(["type": .string("array"), "items": .map(["type": .string("string"), "pattern": .string(referencePattern)])]),
                    .map(["type": .string("object"), "additionalProperties": .map(["type": .string("string"), "pattern": .string(referencePattern)])]),
                ]),
            ]),
        ]
        definitions["resources"] = .map(objectSchema(StageResources.declaration, extra: [:],
                                                     description: "What the stage asks a cluster for; not part of its fingerprint."))
        for signature in sorted {
            var properties: [String: ParamValue] = [
                "kind": .map(["const": .string(signature.kind)]),
                "inputs": .map(["$ref": .string("#/$defs/inputs")]),
                "description": .map(["type": .string("string")]),
                "resources": .map(["$ref": .string("#/$defs/resources")]),
            ]
            for decl in signature.params {
                var property = schema(of: decl.type)
                property["description"] = .string(decl.help)
                if let value = decl.defaultValue { property["default"] = value }
                properties[decl.name] = .map(property)
            }
            definitions["stage_\(signature.kind)"] = .map([
                "type": .string("object"),
                "description": .string(signature.summary),
                "properties": .map(properties),
                "required": .list((["kind"] + signature.params.filter(\.required).map(\.name)).map { .string($0) }),
                "additionalProperties": .bool(false),
            ])
        }
        // A stage is matched on its `kind` first, so an editor reports errors against the right kind.
        let dispatch: [ParamValue] = sorted.map { signature in
            .map(["if": .map(["properties": .map(["kind": .map(["const": .string(signature.kind)])]), "required": .list([.string("kind")])]),
                  "then": .map(["$ref": .string("#/$defs/stage_\(signature.kind)")])])
        }
        definitions["stage"] = .map([
            "type": .string("object"),
            "required": .list([.string("kind")]),
            "properties": .map(["kind": .map(["enum": .list(sorted.map { .string($0.kind) })])]),
            "allOf": .list(dispatch),
        ])
        let scalarParam: ParamValue = .map(["type": .list(["boolean", "integer", "number", "string"].map { .string($0) })])
        return .map([
            "$schema": .string("https://json-schema.org/draft/2020-12/schema"),
            "$id": .string(schemaID),
            "title": .string("pipeline file, format version 1"),
            "type": .string("object"),
            "required": .list(["pipeline", "name", "stages"].map { .string($0) }),
            "additionalProperties": .bool(false),
            "properties": .map([
                "pipeline": .map(["const": .int(1), "description": .string("File format version.")]),
                "name": .map(["type": .string("string"), "minLength": .int(1)]),
                "description": .map(["type": .string("string")]),
                "seed": .map(["type": .string("integer"), "minimum": .int(0), "description": .string("Seed every stage's random stream derives from.")]),
                "params": .map(["type": .string("object"), "description": .string("Named values usable as ${params.NAME}."),
                                "additionalProperties": .map(["anyOf": .list([scalarParam, .map(["type": .string("array"), "items": scalarParam])])])]),
                "executor": .map(objectSchema(ExecutorSpec.declaration, extra: [:], description: "Where stages run (pipeline run --executor overrides it).")),
                "stages": .map(["type": .string("object"), "minProperties": .int(1),
                                "propertyNames": .map(["pattern": .string(namePattern)]),
                                "additionalProperties": .map(["$ref": .string("#/$defs/stage")])]),
            ]),
            "$defs": .map(definitions),
        ])
    }

    /// Stage names: a letter or '_' first, then letters, digits, '_' or '-'.
    static let namePattern = "^[A-Za-z_][A-Za-z0-9_-]*$"
    static let referencePattern = "^[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z_][A-Za-z0-9_-]*)?$"
    /// A `${params.NAME}` reference, accepted wherever a typed value is.
    static let interpolation: ParamValue = .map(["type": .string("string"), "pattern": .string("\\$\\{params\\.[A-Za-z0-9_-]+\\}")])

    static func schema(of type: ParamType) -> [String: ParamValue] {
        func withInterpolation(_ base: [String: ParamValue]) -> [String: ParamValue] {
            ["anyOf": .list([.map(base), interpolation])]
        }
        switch type {
        case .bool: return withInterpolation(["type": .string("boolean")])
        case let .int(lo, hi):
            var s: [String: ParamValue] = ["type": .string("integer")]
            if let lo { s["minimum"] = .int(lo) }
            if let hi { s["maximum"] = .int(hi) }
            return withInterpolation(s)
        case let .number(lo, hi, exLo, exHi):
            var s: [String: ParamValue] = ["type": .string("number")]
            if let lo { s[exLo ? "exclusiveMinimum" : "minimum"] = .double(lo) }
            if let hi { s[exHi ? "exclusiveMaximum" : "maximum"] = .double(hi) }
            return withInterpolation(s)
        case .string: return ["type": .string("string")]
        case .any: return [:]
        case .path: return ["type": .string("string"), "minLength": .int(1)]
        case .choice(let options): return withInterpolation(["enum": .list(options.map { .string($0) })])
        case let .list(element, minCount):
            var s: [String: ParamValue] = ["type": .string("array"), "items": .map(schema(of: element))]
            if minCount > 0 { s["minItems"] = .int(minCount) }
            return s
        case .dictionary(let element):
            return ["type": .string("object"), "additionalProperties": .map(schema(of: element))]
        case .oneOf(let types):
            return ["anyOf": .list(types.map { .map(schema(of: $0)) })]
        case .object(let fields):
            return objectSchema(fields, extra: [:])
        case let .union(discriminator, variants):
            var forms: [ParamValue] = [.map(["enum": .list(variants.map { .string($0.name) })])]
            for variant in variants {
                forms.append(.map(objectSchema(variant.fields, extra: [discriminator: .map(["const": .string(variant.name)])],
                                               required: [discriminator], description: variant.help)))
                var shorthand: [ParamValue] = [.map(objectSchema(variant.fields, extra: [:])), .map(["type": .string("null")])]
                if let primary = variant.primary, let decl = variant.fields.first(where: { $0.name == primary }) {
                    shorthand.append(.map(schema(of: decl.type)))
                }
                forms.append(.map(["type": .string("object"), "additionalProperties": .bool(false), "required": .list([.string(variant.name)]),
                                   "properties": .map([variant.name: .map(["anyOf": .list(shorthand)])])]))
            }
            return ["anyOf": .list(forms)]
        }
    }

    static func objectSchema(_ fields: [ParamDecl], extra: [String: ParamValue], required: [String] = [], description: String = "") -> [String: ParamValue] {
        var properties = extra
        for decl in fields {
            var property = schema(of: decl.type)
            property["description"] = .string(decl.help)
            if let value = decl.defaultValue { property["default"] = value }
            properties[decl.name] = .map(property)
        }
        var result: [String: ParamValue] = [
            "type": .string("object"), "additionalProperties": .bool(false), "properties": .map(properties),
            "required": .list((required + fields.filter(\.required).map(\.name)).map { .string($0) }),
        ]
        if !description.isEmpty { result["description"] = .string(description) }
        return result
    }
}

extension ParamValue {
    /// Indented JSON with sorted keys (for files people read, such as the committed schema).
    public func prettyJSON(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1), close = String(repeating: "  ", count: indent)
        switch self {
        case .list(let items) where !items.isEmpty:
            return "[\n" + items.map { pad + $0.prettyJSON(indent: indent + 1) }.joined(separator: ",\n") + "\n\(close)]"
        case .map(let fields) where !fields.isEmpty:
            return "{\n" + fields.keys.sorted().map { pad + ParamValue.quote($0) + ": " + fields[$0]!.prettyJSON(indent: indent + 1) }
                .joined(separator: ",\n") + "\n\(close)}"
        default:
            return canonicalJSON
        }
    }
}
