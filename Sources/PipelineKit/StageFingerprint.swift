import PipelinePlan
import PipelineSpec
import PipelineStore

/// Assembles a stage's fingerprint inputs: its declaration, its inputs' content hashes, and the content
/// hashes of every file its path parameters name.
enum StageFingerprint {
    /// Fingerprint inputs for `node`, given the content hash of each bound input by key.
    static func inputs(for node: StageNode, seed: UInt64, inputHashes: [String: String], baseDirectory: String) throws -> FingerprintInputs {
        FingerprintInputs(stage: node.name, kind: node.spec.kind, kindVersion: node.signature.version, params: node.spec.params, seed: seed,
                          inputs: inputHashes, sources: sources(of: node), files: try fileHashes(for: node, baseDirectory: baseDirectory),
                          pluginVersions: node.signature.pluginVersions(node.spec.params))
    }

    /// Where each bound input comes from, `stage.output`, by key.
    static func sources(of node: StageNode) -> [String: String] {
        Dictionary(node.inputs.map { ($0.key, "\($0.stage).\($0.output)") }, uniquingKeysWith: { _, last in last })
    }

    /// Content hashes of the files named by path parameters, keyed `param` or `param[i]` for lists.
    static func fileHashes(for node: StageNode, baseDirectory: String) throws -> [String: String] {
        var hashes: [String: String] = [:]
        for decl in node.signature.params {
            guard let value = node.spec.params[decl.name] else { continue }
            switch decl.type {
            case .path(mustExist: true):
                if let path = value.stringValue {
                    hashes[decl.name] = try FileHash.sha256(ofFile: PathResolution.resolve(path, against: baseDirectory)).hex
                }
            case .list(of: .path(mustExist: true), _):
                for (i, item) in (value.listValue ?? []).enumerated() {
                    if let path = item.stringValue {
                        hashes["\(decl.name)[\(i)]"] = try FileHash.sha256(ofFile: PathResolution.resolve(path, against: baseDirectory)).hex
                    }
                }
            default:
                continue
            }
        }
        return hashes
    }
}
