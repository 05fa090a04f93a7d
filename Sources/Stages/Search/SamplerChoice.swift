import Learn
import PipelineSpec

/// The sampler a `strategy:` mapping names.
enum SamplerChoice {
    static func make(_ strategy: [String: ParamValue]) throws -> any SearchSampler {
        switch strategy["type"]?.stringValue {
        case "grid":
            return GridSampler(pointsPerDimension: strategy["points"]?.intValue ?? 5)
        case "bayesian":
            let acquisition: GaussianProcessSampler.Acquisition = strategy["acquisition"]?.stringValue == "ucb"
                ? .upperConfidenceBound(kappa: strategy["kappa"]?.doubleValue ?? 2)
                : .expectedImprovement(xi: strategy["xi"]?.doubleValue ?? 0)
            return GaussianProcessSampler(acquisition: acquisition, startupTrials: strategy["startup"]?.intValue)
        case "tpe":
            return TPESampler(startupTrials: strategy["startup"]?.intValue ?? 10)
        case "evolution":
            return EvolutionarySampler(populationSize: strategy["population"]?.intValue ?? 10, tournamentSize: strategy["tournament"]?.intValue ?? 3,
                                       mutationRate: strategy["mutation"]?.doubleValue ?? 0.2, elites: strategy["elite"]?.intValue ?? 1)
        default:
            return RandomSampler()
        }
    }
}
