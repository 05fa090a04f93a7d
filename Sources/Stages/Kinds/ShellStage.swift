import Foundation
import PipelineSpec

/// `shell`: runs a command with declared dependency and output files, cached like a DVC stage — the
/// escape hatch for anything the catalogue lacks.
///
/// The command runs with `/bin/sh -c` in the pipeline's directory. Upstream artifacts are passed as
/// environment variables `PIPELINE_INPUT_<KEY>` (paths), plus `PIPELINE_SEED` and `PIPELINE_STAGE`.
/// The files listed in `outs` must exist afterwards; they are stored in the cache as the `files`
/// output and restored into the workspace on a cache hit. On failure the declared outputs are removed,
/// so no partial output is left behind.
public struct ShellStage: StageKind {
    public init() {}

    public var signature: StageSignature {
        StageSignature(
            kind: "shell", summary: "Run a shell command with declared dependencies and outputs, cached by their contents.",
            params: [
                ParamDecl("command", .string, required: true, help: "Command line, run by /bin/sh -c in the pipeline's directory."),
                ParamDecl("deps", .list(of: .path(mustExist: true)), default: .list([]),
                          help: "Files the command reads; their contents are part of the fingerprint."),
                ParamDecl("outs", .list(of: .path(mustExist: false), minCount: 1), required: true,
                          help: "Files the command writes (relative to the pipeline's directory)."),
                ParamDecl("env", .dictionary(of: .string), default: .map([:]), help: "Extra environment variables."),
            ],
            inputs: ArtifactType.allCases.map { InputRule($0, min: 0, max: nil) },
            outputs: { _ in [OutputDecl("files", .files)] },
            check: { context in
                var problems: [KindProblem] = []
                for out in context.params["outs"]?.listValue ?? [] {
                    if let path = out.stringValue, path.hasPrefix("/") || path.split(separator: "/").contains("..") {
                        problems.append(KindProblem(.param("outs"), "output '\(path)' must be a relative path inside the pipeline's directory"))
                    }
                }
                return problems
            })
    }

    /// The declared output paths, relative.
    private func outs(_ params: [String: ParamValue]) -> [String] {
        (params["outs"]?.listValue ?? []).compactMap(\.stringValue)
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let outs = outs(context.params)
        let absoluteOuts = outs.map { PathResolution.resolve($0, against: context.baseDirectory) }
        for path in absoluteOuts { try? FileManager.default.removeItem(atPath: path) }

        var environment = ProcessInfo.processInfo.environment
        for (key, input) in context.inputs {
            environment["PIPELINE_INPUT_" + key.uppercased().replacingOccurrences(of: "-", with: "_")] = input.path
        }
        environment["PIPELINE_SEED"] = String(context.seed)
        environment["PIPELINE_STAGE"] = context.stage
        for (key, value) in context.params["env"]?.mapValue ?? [:] { environment[key] = value.stringValue }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", context.string("command")]
        process.currentDirectoryURL = URL(fileURLWithPath: context.baseDirectory)
        process.environment = environment
        let logPath = context.outputPath("command", extension: "log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        process.waitUntilExit()
        try log.close()
        let tail = (try? String(contentsOfFile: logPath, encoding: .utf8))?.split(separator: "\n").suffix(20).joined(separator: "\n") ?? ""
        try? FileManager.default.removeItem(atPath: logPath)

        func fail(_ message: String) -> StageError {
            for path in absoluteOuts { try? FileManager.default.removeItem(atPath: path) }
            return StageError(message + (tail.isEmpty ? "" : "\n--- command output (last lines) ---\n\(tail)"))
        }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw fail("command exited with status \(process.terminationStatus)")
        }
        let collected = context.outputPath("files", extension: "d")
        for (relative, absolute) in zip(outs, absoluteOuts) {
            guard FileManager.default.fileExists(atPath: absolute) else {
                throw fail("command succeeded but did not write its declared output '\(relative)'")
            }
            let destination = collected + "/" + relative
            try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: absolute, toPath: destination)
        }
        return StageResult(outputs: ["files": collected])
    }

    public func restore(outputs: [String: String], baseDirectory: String, params: [String: ParamValue]) throws {
        guard let stored = outputs["files"] else { return }
        for relative in outs(params) {
            let target = PathResolution.resolve(relative, against: baseDirectory)
            let source = stored + "/" + relative
            guard !FileManager.default.contentsEqual(atPath: source, andPath: target) else { continue }
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source, toPath: target)
            chmod(target, 0o644)
        }
    }
}
