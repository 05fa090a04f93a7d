import Foundation

/// Turns pipeline YAML into a `PipelineSpec`, checking structure and every stage's parameters against
/// its kind's declaration. Collects all problems rather than stopping at the first.
///
/// Wiring between stages (missing references, cycles, input types) is checked by the planner, which
/// owns the graph.
public struct SpecParser: Sendable {
    /// The only format version this tool reads.
    public static let formatVersion = 1
    /// The default pipeline seed when `seed:` is absent.
    public static let defaultSeed: UInt64 = 0
    /// Keys a stage may have besides its kind's parameters.
    public static let stageKeys = ["kind", "inputs", "description", "resources"]
    /// Top-level keys.
    public static let topLevelKeys = ["pipeline", "name", "description", "seed", "params", "executor", "stages"]

    private let signatures: [String: StageSignature]

    /// A parser that knows these stage kinds.
    public init(signatures: [StageSignature]) {
        self.signatures = Dictionary(signatures.map { ($0.kind, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Reads and parses the file at `path`. Throws `ValidationFailure`.
    public func parse(contentsOf path: String) throws -> PipelineSpec {
        let (text, base) = try Self.read(path)
        return try parse(text, file: path, baseDirectory: base)
    }

    /// Reads and parses the file at `path` as far as possible (see `parsePartially(_:file:baseDirectory:)`).
    public func parsePartially(contentsOf path: String) throws -> PartialResult {
        let (text, base) = try Self.read(path)
        return try parsePartially(text, file: path, baseDirectory: base)
    }

    /// The file's text and absolute directory; a missing or non-UTF-8 file is a located diagnostic.
    static func read(_ path: String) throws -> (text: String, baseDirectory: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw ValidationFailure([Diagnostic("the pipeline file \(reason)", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationFailure([Diagnostic("the pipeline file is not valid UTF-8", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        let absolute = PathResolution.resolve(path, against: FileManager.default.currentDirectoryPath)
        return (text, (absolute as NSString).deletingLastPathComponent)
    }

    /// Parses YAML text named `file`, resolving relative paths against `baseDirectory`.
    public func parse(_ text: String, file: String, baseDirectory: String) throws -> PipelineSpec {
        let result = try parsePartially(text, file: file, baseDirectory: baseDirectory)
        if let spec = result.spec, result.diagnostics.isEmpty { return spec }
        throw ValidationFailure(result.diagnostics)
    }

    /// What parsing found even when the file has errors: the stages that could be read (for checking
    /// the graph around the broken ones), the names of stages with errors, and every diagnostic.
    public struct PartialResult: Sendable {
        /// The spec with every stage whose kind is known; nil when the file's shape is too broken.
        public let spec: PipelineSpec?
        /// Stages that exist but have parameter or input errors (kind checks skip them).
        public let invalidStages: Set<String>
        /// Stage names written in the file whose kind or shape could not be read (left out of `spec`).
        public let unreadableStages: Set<String>
        /// Every problem found.
        public let diagnostics: [Diagnostic]
    }

    /// Parses as much as possible. Throws only for YAML syntax errors (nothing can be read after them).
    public func parsePartially(_ text: String, file: String, baseDirectory: String) throws -> PartialResult {
        let root = try YAMLDocument.parse(text, file: file)
        var diagnostics: [Diagnostic] = []
        var invalid = Set<String>(), unreadable = Set<String>()
        let spec = parseRoot(root, file: file, baseDirectory: baseDirectory, invalid: &invalid, unreadable: &unreadable, into: &diagnostics)
        return PartialResult(spec: spec, invalidStages: invalid, unreadableStages: unreadable,
                             diagnostics: diagnostics.filter { $0.severity == .error })
    }

    private func parseRoot(_ root: SpecNode, file: String, baseDirectory: String, invalid: inout Set<String>, unreadable: inout Set<String>,
                           into diagnostics: inout [Diagnostic]) -> PipelineSpec? {
        guard let entries = root.entries else {
            diagnostics.append(Diagnostic("the top level must be a mapping with 'pipeline: 1', 'name' and 'stages', found \(root.shapeDescription)",
                                          at: root.location))
            return nil
        }
        for entry in entries where !Self.topLevelKeys.contains(entry.key) {
            diagnostics.append(Diagnostic("unknown top-level key '\(entry.key)'; expected one of \(Self.topLevelKeys.joined(separator: ", "))",
                                          at: entry.keyLocation, keyPath: entry.key,
                                          hint: Suggestion.hint(for: entry.key, among: Self.topLevelKeys)))
        }
        let checker = ParamChecker(pipelineParams: [:])
        let version = checkVersion(root, checker: checker, into: &diagnostics)
        let name = required("name", in: root, as: .string, checker: checker, keyPath: "name", into: &diagnostics)?.stringValue
        if let entry = root["description"] {
            _ = checker.check(entry.value, as: .string, keyPath: "description", into: &diagnostics)
        }
        var seed = Self.defaultSeed
        if let entry = root["seed"], let value = checker.check(entry.value, as: .int(min: 0), keyPath: "seed", into: &diagnostics) {
            seed = UInt64(value.intValue!)
        }
        var params: [String: ParamValue] = [:]
        if let entry = root["params"] {
            if let value = checker.check(entry.value, as: .dictionary(of: .oneOf([.bool, .int(), .number(), .string, .list(of: .oneOf([.bool, .int(), .number(), .string]))])),
                                         keyPath: "params", into: &diagnostics) {
                params = value.mapValue ?? [:]
            }
        }
        var executor: ExecutorSpec?
        if let entry = root["executor"], let value = checker.check(entry.value, as: .object(ExecutorSpec.declaration), keyPath: "executor", into: &diagnostics) {
            executor = ExecutorSpec.from(value.mapValue ?? [:])
        }
        let stages = parseStages(root, params: params, invalid: &invalid, unreadable: &unreadable, into: &diagnostics)
        _ = version
        guard let stages else { return nil }
        var spec = PipelineSpec(file: file, baseDirectory: baseDirectory, formatVersion: Self.formatVersion, name: name ?? "",
                                seed: seed, params: params, stages: stages)
        spec.executor = executor
        return spec
    }

    private func checkVersion(_ root: SpecNode, checker: ParamChecker, into diagnostics: inout [Diagnostic]) -> Int? {
        guard let entry = root["pipeline"] else {
            diagnostics.append(Diagnostic("missing required key 'pipeline' (the file format version); expected 'pipeline: \(Self.formatVersion)' at the top",
                                          at: root.location, keyPath: "pipeline"))
            return nil
        }
        guard let value = checker.check(entry.value, as: .int(), keyPath: "pipeline", into: &diagnostics) else { return nil }
        guard value.intValue == Self.formatVersion else {
            diagnostics.append(Diagnostic("unsupported format version \(value); this tool reads version \(Self.formatVersion)",
                                          at: entry.value.location, keyPath: "pipeline"))
            return nil
        }
        return Self.formatVersion
    }

    private func required(_ key: String, in node: SpecNode, as type: ParamType, checker: ParamChecker, keyPath: String,
                          into diagnostics: inout [Diagnostic]) -> ParamValue? {
        guard let entry = node[key] else {
            diagnostics.append(Diagnostic("missing required key '\(key)'; expected \(type.expectation)", at: node.location, keyPath: keyPath))
            return nil
        }
        return checker.check(entry.value, as: type, keyPath: keyPath, into: &diagnostics)
    }

    private func parseStages(_ root: SpecNode, params: [String: ParamValue], invalid: inout Set<String>, unreadable: inout Set<String>,
                             into diagnostics: inout [Diagnostic]) -> [StageSpec]? {
        guard let entry = root["stages"] else {
            diagnostics.append(Diagnostic("missing required key 'stages'; expected a mapping from stage names to stages",
                                          at: root.location, keyPath: "stages"))
            return nil
        }
        guard let stageEntries = entry.value.entries else {
            let found = entry.value.shapeDescription
            diagnostics.append(Diagnostic("expected a mapping from stage names to stages, found \(found)", at: entry.value.location, keyPath: "stages"))
            return nil
        }
        if stageEntries.isEmpty {
            diagnostics.append(Diagnostic("'stages' is empty; expected at least one stage", at: entry.value.location, keyPath: "stages"))
            return nil
        }
        let stageParser = StageParser(signatures: signatures, checker: ParamChecker(pipelineParams: params),
                                      stageNames: stageEntries.map(\.key))
        var stages: [StageSpec] = []
        for stageEntry in stageEntries {
            guard let (stage, valid) = stageParser.parse(stageEntry, into: &diagnostics) else {
                unreadable.insert(stageEntry.key)
                continue
            }
            stages.append(stage)
            if !valid { invalid.insert(stage.name) }
        }
        return stages
    }
}
