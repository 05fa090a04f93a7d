import PipelineSpec

/// The YAML declarations of the `search` kind: objective, space, strategy and trial early stopping.
enum SearchParameters {
    static func number(_ name: String, _ help: String) -> ParamDecl { ParamDecl(name, .number(), required: true, help: help) }

    static let when = ParamDecl("when", .dictionary(of: .list(of: .any, minCount: 1)),
                                help: "Only when another (choice) parameter of the space has one of these values, e.g. {train.optimizer.type: [sgd]}.")

    /// One dimension of `space:`.
    static let dimension: ParamType = .union(discriminator: "type", variants: [
        UnionVariant("uniform", fields: [number("low", "Lowest value."), number("high", "Highest value."), when],
                     help: "A real number, uniform in [low, high]."),
        UnionVariant("log_uniform", fields: [ParamDecl("low", .number(min: 0, exclusiveMin: true), required: true, help: "Lowest value (> 0)."),
                                             number("high", "Highest value."), when],
                     help: "A positive real number, uniform in log space."),
        UnionVariant("int", fields: [ParamDecl("low", .int(), required: true, help: "Lowest value."),
                                     ParamDecl("high", .int(), required: true, help: "Highest value (inclusive)."),
                                     ParamDecl("step", .int(min: 1), default: .int(1), help: "Spacing of the values."),
                                     ParamDecl("log", .bool, default: .bool(false), help: "Uniform in log space (needs low ≥ 1, step 1)."), when],
                     help: "An integer in [low, high]."),
        UnionVariant("choice", fields: [ParamDecl("values", .list(of: .any, minCount: 1), required: true, help: "The candidates (any YAML values)."), when],
                     primary: "values", help: "One of a list of values (numbers, strings, lists, mappings)."),
    ])

    /// `objective:`.
    static let objective: ParamType = .object([
        ParamDecl("metric", .string, required: true, help: "A metric the input stage records in the lockfile (e.g. accuracy, macro_f1)."),
        ParamDecl("direction", .choice(["maximize", "minimize"]), default: .string("maximize"), help: "Whether larger or smaller is better."),
    ])

    /// `strategy:`.
    static let strategy: ParamType = .union(discriminator: "type", variants: [
        UnionVariant("grid", fields: [ParamDecl("points", .int(min: 2), default: .int(5), help: "Values per real dimension (integers by step, every choice).")],
                     primary: "points", help: "Every combination of a grid (the product of the dimensions)."),
        UnionVariant("random", help: "Independent uniform draws (seeded)."),
        UnionVariant("bayesian", fields: [
            ParamDecl("acquisition", .choice(["ei", "ucb"]), default: .string("ei"), help: "Expected improvement or upper confidence bound."),
            ParamDecl("kappa", .number(min: 0), default: .double(2), help: "UCB exploration weight."),
            ParamDecl("xi", .number(min: 0), default: .double(0), help: "EI improvement margin (in standardised loss units)."),
            ParamDecl("startup", .int(min: 1), help: "Random trials before the Gaussian process is used (default max(10, 2·dimensions))."),
        ], help: "Gaussian-process Bayesian optimisation (Matérn 5/2, hyperparameters by marginal likelihood)."),
        UnionVariant("tpe", fields: [ParamDecl("startup", .int(min: 1), default: .int(10), help: "Random trials before the Parzen estimators are used.")],
                     help: "Tree-structured Parzen estimator."),
        UnionVariant("evolution", fields: [
            ParamDecl("population", .int(min: 2), default: .int(10), help: "Individuals per generation."),
            ParamDecl("tournament", .int(min: 1), default: .int(3), help: "Tournament size for selection."),
            ParamDecl("mutation", .number(min: 0, max: 1), default: .double(0.2), help: "Probability of mutating each gene."),
            ParamDecl("elite", .int(min: 0), default: .int(1), help: "Best individuals carried over unchanged."),
        ], help: "Genetic algorithm: tournament selection, uniform crossover, mutation, elitism."),
    ])

    static func budgetFields(_ extra: [ParamDecl] = []) -> [ParamDecl] {
        [ParamDecl("budget", .string, required: true, help: "The integer parameter that sets a trial's resource, e.g. train.epochs."),
         ParamDecl("min", .int(min: 1), required: true, help: "Smallest budget."),
         ParamDecl("max", .int(min: 1), required: true, help: "Largest budget."),
         ParamDecl("eta", .int(min: 2), default: .int(3), help: "Keep 1/eta of the trials at each rung.")] + extra
    }

    /// `early_stopping:`.
    static let earlyStopping: ParamType = .union(discriminator: "type", variants: [
        UnionVariant("successive_halving", fields: budgetFields(), help: "Synchronous successive halving: all trials at min, the best 1/eta advance."),
        UnionVariant("asha", fields: budgetFields(), help: "Asynchronous successive halving: promote a trial as soon as it is in the top 1/eta of its rung."),
        UnionVariant("hyperband", fields: budgetFields(), help: "Hyperband: successive halving over brackets of different starting budgets."),
        UnionVariant("median", fields: budgetFields(), help: "Median stopping: stop a trial at a rung when it is worse than the median of the trials that reached it."),
    ])
}
