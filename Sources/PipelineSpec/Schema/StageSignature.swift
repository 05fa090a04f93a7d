/// How many inputs of one artifact type a stage kind takes.
public struct InputRule: Sendable {
    /// The artifact type.
    public let type: ArtifactType
    /// Fewest inputs of this type.
    public let min: Int
    /// Most inputs of this type; nil for unbounded.
    public let max: Int?

    /// Declares an input rule.
    public init(_ type: ArtifactType, min: Int = 1, max: Int? = 1) {
        self.type = type
        self.min = min
        self.max = max
    }
}

/// One input as the stage will see it: its key (binding name), its type, and where it comes from.
public struct BoundInput: Sendable, Hashable {
    /// The name the stage sees (the mapping key, the output name, or the upstream stage name).
    public let key: String
    /// The artifact type the upstream declares for it.
    public let type: ArtifactType
    /// The upstream stage.
    public let stage: String
    /// The upstream output name.
    public let output: String

    /// Creates a bound input.
    public init(key: String, type: ArtifactType, stage: String, output: String) {
        self.key = key
        self.type = type
        self.stage = stage
        self.output = output
    }
}

/// One output a stage will produce.
public struct OutputDecl: Sendable, Hashable {
    /// Output name, addressed downstream as `stage.name`.
    public let name: String
    /// Its type.
    public let type: ArtifactType

    /// Declares an output.
    public init(_ name: String, _ type: ArtifactType) {
        self.name = name
        self.type = type
    }
}

/// What a kind-specific check found: a message tied to a parameter key (for its location) or to the
/// stage's `inputs`.
public struct KindProblem: Sendable, Hashable {
    /// Where the problem belongs.
    public enum Subject: Sendable, Hashable { case param(String), inputs, stage }
    /// The subject.
    public let subject: Subject
    /// What is wrong (expected vs found).
    public let message: String
    /// Optional hint.
    public let hint: String?

    /// Creates a problem.
    public init(_ subject: Subject, _ message: String, hint: String? = nil) {
        self.subject = subject
        self.message = message
        self.hint = hint
    }
}

/// What a kind check may look at: resolved parameters, bound inputs, and the directory paths are relative to.
public struct KindCheckContext: Sendable {
    /// Parameters after defaults and `${params.…}` interpolation.
    public let params: [String: ParamValue]
    /// The stage's bound inputs.
    public let inputs: [BoundInput]
    /// Directory that relative paths are resolved against (the pipeline file's directory).
    public let baseDirectory: String

    /// Creates a context.
    public init(params: [String: ParamValue], inputs: [BoundInput], baseDirectory: String) {
        self.params = params
        self.inputs = inputs
        self.baseDirectory = baseDirectory
    }

    /// A path parameter resolved against the base directory.
    public func path(_ key: String) -> String? {
        params[key]?.stringValue.map { PathResolution.resolve($0, against: baseDirectory) }
    }
}

/// The declaration of a stage kind that validation, planning, help and JSON Schema use. Execution is
/// not here: the `Stages` module pairs each signature with its implementation.
public struct StageSignature: Sendable {
    /// The value of `kind:` in YAML.
    public let kind: String
    /// One-line summary.
    public let summary: String
    /// The implementation's version: bump it when the kind computes something different for the same
    /// parameters and inputs, so cached results made by the old code are not reused.
    public let version: Int
    /// Declared parameters.
    public let params: [ParamDecl]
    /// Accepted input types and counts; an input of an unlisted type is an error.
    public let inputs: [InputRule]
    /// Outputs, given the resolved parameters and bound inputs.
    public let outputs: @Sendable (KindCheckContext) -> [OutputDecl]
    /// Kind-specific checks beyond declared types (files exist, a named input is present, …).
    public let check: @Sendable (KindCheckContext) -> [KindProblem]
    /// Versions of the plug-ins the parameters select (e.g. the model families a `model:` names), by plug-in name,
    /// for those past version 1. Like `version`, they go into the fingerprint, so changing one plug-in's numbers
    /// invalidates only the stages that use it.
    public let pluginVersions: @Sendable ([String: ParamValue]) -> [String: Int]

    /// Declares a kind.
    public init(kind: String, summary: String, version: Int = 1, params: [ParamDecl], inputs: [InputRule],
                outputs: @escaping @Sendable (KindCheckContext) -> [OutputDecl],
                check: @escaping @Sendable (KindCheckContext) -> [KindProblem] = { _ in [] },
                pluginVersions: @escaping @Sendable ([String: ParamValue]) -> [String: Int] = { _ in [:] }) {
        self.kind = kind
        self.summary = summary
        self.version = version
        self.params = params
        self.inputs = inputs
        self.outputs = outputs
        self.check = check
        self.pluginVersions = pluginVersions
    }

    /// The names of parameters of type `.path`: files the stage reads, whose contents go into its fingerprint.
    public var pathParams: [String] {
        params.filter { if case .path = $0.type { return true }; return false }.map(\.name)
    }
}

/// Resolving user-written paths.
public enum PathResolution {
    /// `path` if absolute, else `base/path`, with `.`/`..` components folded.
    public static func resolve(_ path: String, against base: String) -> String {
        let joined = path.hasPrefix("/") ? path : (base.hasSuffix("/") ? base + path : base + "/" + path)
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", !parts.isEmpty, parts.last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
