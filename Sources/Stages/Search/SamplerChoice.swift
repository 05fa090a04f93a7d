import Learn
import PipelineSpec

/// The sampler a `strategy:` mapping names.
enum SamplerChoice {
    static func make(_ strategy: [String: ParamValue]) throws -> any SearchSampler {
        switch strategy["type"]?.stringValue {
        case "grid": return GridSampler(pointsPerDimension: strategy["points"]?.intValue ?? 5)
        case "random": return RandomSampler()
        case let other: throw StageError("strategy '\(other ?? "?")' is not available in this build")
        }
    }
}
