import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// `train`: fits a model on the `train` input, validating on an optional `validation` input each epoch.
///
/// Families: `softmax_regression` (L-BFGS or SGD), `mlp` and `sequential` (networks trained by
/// mini-batch gradient descent with any optimizer, schedule, loss and regulariser; checkpointed every
/// epoch so a killed run resumes where it stopped).
public struct TrainStage: StageKind {
    public init() {}

    public var signature: StageSignature {
        StageSignature(
            kind: "train", summary: "Train a model on the 'train' input, validating on an optional 'validation' input.", version: 2,
            params: [
                ParamDecl("model", TrainingParameters.model,
                          help: "Model family and architecture (required unless the stage starts from a model input, whose network it fine-tunes)."),
                ParamDecl("optimizer", TrainingParameters.optimizer,
                          help: "Optimizer and its options (default: lbfgs for softmax_regression, adam for networks)."),
                ParamDecl("schedule", TrainingParameters.schedule, default: .string("constant"), help: "Learning-rate schedule (networks)."),
                ParamDecl("warmup", TrainingParameters.warmup, help: "Linear learning-rate warm-up before the schedule (networks)."),
                ParamDecl("loss", TrainingParameters.loss, default: .string("cross_entropy"), help: "Training loss (networks)."),
                ParamDecl("epochs", .int(min: 1, max: 100_000), default: .int(20), help: "Epochs (L-BFGS: iterations)."),
                ParamDecl("batch_size", .int(min: 1), default: .int(128), help: "Mini-batch size."),
                ParamDecl("shuffle", .bool, default: .bool(true), help: "Shuffle the training rows every epoch (from the seed)."),
                ParamDecl("l1", .number(min: 0), default: .double(0), help: "L1 penalty l1·Σ|w| on weights (networks)."),
                ParamDecl("l2", .number(min: 0), default: .double(0), help: "L2 penalty ½·l2·Σw² on weights, added to the mean loss."),
                ParamDecl("clip_norm", .number(min: 0, exclusiveMin: true), help: "Clip the global gradient norm (networks)."),
                ParamDecl("clip_value", .number(min: 0, exclusiveMin: true), help: "Clip each gradient element to ±value (networks)."),
                ParamDecl("max_norm", .number(min: 0, exclusiveMin: true), help: "Max-norm constraint on each unit's incoming weights (networks)."),
                ParamDecl("early_stopping", TrainingParameters.earlyStopping, help: "Stop when the monitored metric stops improving."),
                ParamDecl("tolerance", .number(min: 0), default: .double(1e-5), help: "softmax_regression: convergence tolerance."),
                ParamDecl("distillation", .object([
                    ParamDecl("temperature", .number(min: 0, exclusiveMin: true), default: .double(4), help: "Softmax temperature T for teacher and student."),
                    ParamDecl("alpha", .number(min: 0, max: 1), default: .double(0.9), help: "Weight of the soft term α·T²·KL; the hard loss gets 1 − α."),
                ]), help: "Networks: knowledge distillation from the stage's model input (the teacher), Hinton et al. 2015."),
                ParamDecl("quantization_aware", .object([
                    ParamDecl("scheme", .choice(["symmetric", "affine"]), default: .string("symmetric"), help: "int8 scheme of the fake-quantized weights."),
                    ParamDecl("granularity", .choice(["per_tensor", "per_channel"]), default: .string("per_channel"), help: "One scale per layer or per output unit."),
                ]), help: "Networks: quantization-aware training — dense weights fake-quantized to int8 in every step, straight-through gradients."),
                ParamDecl("augment", .object(AugmentationParameters.fields + [
                    ParamDecl("mixup", .number(min: 0, exclusiveMin: true), help: "Mixup with λ ~ Beta(α, α) per batch; the loss gets soft targets."),
                ]), help: "Networks: augment every training mini-batch on the fly, seeded per epoch and step (validation is never augmented)."),
                ParamDecl("memory_limit_mb", .int(min: 0), default: .int(2048),
                          help: "Networks: datasets whose features take more are streamed from HDF5 batch by batch (same batches, same model)."),
                ParamDecl("pruning", PruningParameters.gradual,
                          help: "Networks: gradual magnitude pruning during training (Zhu & Gupta's cubic schedule); masks are kept to the end."),
                ParamDecl("distributed", DistributedTraining.declaration,
                          help: "Networks: data-parallel training over several MPI ranks (launched with mpirun by the executor); the global batch stays batch_size."),
            ],
            inputs: [InputRule(.dataset, min: 1, max: 2), InputRule(.model, min: 0, max: 2)],
            outputs: { _ in [OutputDecl("model", .model)] },
            check: { context in Self.check(context) },
            pluginVersions: ModelFamilyCatalog.builtInVersions)
    }

    static func check(_ context: KindCheckContext) -> [KindProblem] {
        var problems: [KindProblem] = PruningParameters.check(context.params["pruning"]) + DistributedTraining.check(context)
        // Model inputs: one keyed 'teacher' is a distillation teacher; any other is the network to fine-tune.
        let teachers = context.inputs.filter { $0.type == .model && $0.key == "teacher" }.count
        let startsFromModel = context.inputs.contains { $0.type == .model && $0.key != "teacher" }
        if context.params["distillation"] != nil, teachers == 0 {
            problems.append(KindProblem(.param("distillation"), "distillation needs a teacher: a model input named 'teacher'",
                                        hint: "inputs: {train: scale.train, validation: scale.validation, teacher: big.model}"))
        }
        if context.params["distillation"] == nil, teachers > 0 {
            problems.append(KindProblem(.inputs, "the model input 'teacher' is a distillation teacher; add the distillation option", hint: "distillation: {temperature: 4, alpha: 0.9}"))
        }
        if context.params["model"] == nil, !startsFromModel {
            problems.append(KindProblem(.stage, "train needs 'model' (an architecture) or a model input to fine-tune",
                                        hint: "model: {type: mlp, layers: [300, 100]}, or inputs: {train: …, model: prune.model}"))
        }
        if context.params["model"] != nil, startsFromModel {
            problems.append(KindProblem(.param("model"), "the stage starts from its model input, which fixes the architecture; remove 'model'"))
        }
        let keys = context.inputs.filter { $0.type == .dataset }.map(\.key)
        if keys.count == 2, !keys.contains("train") {
            problems.append(KindProblem(.inputs, "with two dataset inputs one must be named 'train' (the other is the validation set); found \(keys.joined(separator: ", "))",
                                        hint: "name them: inputs: {train: split.train, validation: split.validation}"))
        }
        if let monitor = context.params["early_stopping"]?.mapValue?["monitor"]?.stringValue, monitor.hasPrefix("val_"),
           context.inputs.filter({ $0.type == .dataset }).count < 2 {
            problems.append(KindProblem(.param("early_stopping"), "early_stopping monitors '\(monitor)' but the stage has no validation input",
                                        hint: "add one: inputs: {train: split.train, validation: split.validation}, or monitor train_loss"))
        }
        let family = context.params["model"]?.mapValue?["type"]?.stringValue
        if context.params["distillation"] != nil, let family, !["mlp", "sequential"].contains(family) {
            problems.append(KindProblem(.param("distillation"), "distillation trains networks (mlp, sequential), not \(family)"))
        }
        if context.params["quantization_aware"] != nil, let family, !["mlp", "sequential"].contains(family) {
            problems.append(KindProblem(.param("quantization_aware"), "quantization-aware training applies to networks (mlp, sequential), not \(family)"))
        }
        if let augment = context.params["augment"]?.mapValue {
            if (family == nil && !startsFromModel) || family == "softmax_regression" || family.map({ ModelFamilyCatalog.builtIn.family($0) != nil }) == true {
                problems.append(KindProblem(.param("augment"), "augment applies to networks trained by mini-batches (mlp, sequential), not '\(family ?? "softmax_regression")'",
                                            hint: "augment the training rows beforehand with a preprocess step {type: augment, ...}"))
            }
            problems += AugmentationParameters.check(augment).map { KindProblem(.param("augment"), "augment.\($0)") }
            if augment["mixup"] != nil, context.params["loss"]?.mapValue?["type"]?.stringValue == "hinge" {
                problems.append(KindProblem(.param("augment"), "augment.mixup needs a loss that takes soft targets (cross_entropy, mse, …), not hinge"))
            }
        }
        if let family, let plugIn = ModelFamilyCatalog.builtIn.family(family) {
            return problems + FamilyTraining.check(plugIn, context)
        }
        let optimizer = context.params["optimizer"]?.mapValue?["type"]?.stringValue
        if family == "softmax_regression", let optimizer, !["sgd", "lbfgs"].contains(optimizer) {
            problems.append(KindProblem(.param("optimizer"), "softmax_regression trains with 'lbfgs' or 'sgd', found '\(optimizer)'"))
        }
        if family != "softmax_regression", optimizer == "lbfgs" {
            problems.append(KindProblem(.param("optimizer"), "'lbfgs' trains softmax_regression only; networks use sgd, adagrad, rmsprop, adam, adamw or nadam"))
        }
        return problems
    }

    public func processes(params: [String: ParamValue]) -> Int { DistributedTraining.ranks(params) }

    public func run(_ context: StageContext) throws -> StageResult {
        let ranks = DistributedTraining.ranks(context.params)
        // A result computed on another rank count would be cached under this stage's fingerprint as if it were the N-rank one.
        if context.collective.size != ranks {
            throw StageError("distributed.ranks is \(ranks) but the stage runs as \(context.collective.size) process(es): it must be launched with "
                             + "mpirun -np \(ranks) (pipeline run does this; search trials of a distributed stage cannot launch MPI yet)")
        }
        if let family = context.params["model"]?.mapValue?["type"]?.stringValue, let plugIn = ModelFamilyCatalog.builtIn.family(family) {
            return try FamilyTraining.run(plugIn, context)
        }
        let datasets = context.inputs(of: .dataset)
        let trainEntry = datasets.count == 1 ? datasets[0] : datasets.first { $0.key == "train" }!
        let validationEntry = datasets.first { $0.key != trainEntry.key }
        let train = try DatasetHeader.read(from: trainEntry.input.path)
        guard let labels = train.labels else { throw StageError("training input '\(trainEntry.key)' has no labels") }
        let classes = train.classCount
        guard classes >= 2 else { throw StageError("training input '\(trainEntry.key)' has \(classes) class; need at least 2") }
        let validation = try validationEntry.map { try DatasetHeader.read(from: $0.input.path) }
        if let validation {
            guard validation.columns == train.columns else {
                throw StageError("validation input has \(validation.columns) features per row, train has \(train.columns)")
            }
            guard let vLabels = validation.labels, vLabels.allSatisfy({ Int($0) < classes }) else {
                throw StageError("validation input '\(validationEntry!.key)' needs labels within the training classes")
            }
        }

        let initial = try context.inputs(of: .model).first(where: { $0.key != "teacher" }).map { entry -> NetworkSnapshot in
            guard case .network(let snapshot) = try StoredModel.read(from: entry.input.path).model else {
                throw StageError("train fine-tunes network models; model input '\(entry.key)' is not a network")
            }
            return snapshot
        }
        let family = initial != nil ? "network" : context.param("model").mapValue?["type"]?.stringValue ?? "softmax_regression"
        let model: ModelArtifact
        var metrics: [String: Double]
        var history: [EpochStats]
        var schedule: (rates: [Float], stepsPerEpoch: Int)?
        if family == "softmax_regression" {
            let trainData = try Dataset.read(from: trainEntry.input.path)
            let validationData = try validationEntry.map { try Dataset.read(from: $0.input.path) }
            let fitted = try SoftmaxTraining.run(context, train: trainData, labels: labels, validation: validationData, classes: classes)
            model = .softmaxRegression(fitted)
            history = fitted.history.map {
                EpochStats(epoch: $0.epoch, trainLoss: $0.trainLoss, trainAccuracy: nil, validationLoss: $0.validationLoss,
                           validationAccuracy: $0.validationAccuracy, learningRate: $0.learningRate)
            }
            metrics = [:]
        } else {
            let limit = context.int("memory_limit_mb") << 20
            func source(_ path: String, _ header: DatasetHeader) throws -> BatchSource {
                if header.featureBytes > limit {
                    context.report(.note("streaming \(header.featureBytes >> 20) MiB of features from HDF5 (memory_limit_mb \(limit >> 20))"))
                    return try HDF5BatchSource(path: path)
                }
                let data = try Dataset.read(from: path)
                return InMemoryBatchSource(storage: NetworkTraining.storage(data), labels: data.labels!, columns: data.columns)
            }
            let trained = try NetworkTraining(context: context).run(
                train: try source(trainEntry.input.path, train), trainShape: train.sampleShape, labels: labels,
                validation: try validationEntry.map { try source($0.input.path, validation!) }, classes: classes, initial: initial)
            model = .network(trained.snapshot)
            history = trained.history
            metrics = trained.metrics
            schedule = trained.schedule
        }
        // Every rank holds the same model; the leader alone writes it (the executor stores the leader's outputs).
        guard context.collective.isLeader else { return StageResult(outputs: [:]) }

        let path = context.outputPath("model")
        let attributes: [String: HDF5AttributeValue] = [
            "epochs": .int(Int64(context.int("epochs"))), "trained_on": .string("\(trainEntry.input.stage) (input '\(trainEntry.key)')"),
            "train_rows": .int(Int64(train.rows)),
        ]
        try StoredModel(model: model, classNames: train.classNames, sampleShape: train.sampleShape, history: history, schedule: schedule)
            .write(to: path, provenance: context.provenance, attributes: attributes)
        metrics["epochs_run"] = Double(history.count)
        if let last = history.last {
            metrics["train_loss"] = last.trainLoss
            if let accuracy = last.validationAccuracy { metrics["validation_accuracy"] = accuracy }
        }
        return StageResult(outputs: ["model": path], metrics: metrics)
    }
}

/// The softmax-regression family: L-BFGS or SGD from the `optimizer` parameter.
enum SoftmaxTraining {
    static func run(_ context: StageContext, train: Dataset, labels: [Int32], validation: Dataset?, classes: Int) throws -> SoftmaxRegressionModel {
        let optimizer = TrainingSetup.optimizer(context, default: "lbfgs")
        let config = SoftmaxRegressionConfig(
            optimizer: optimizer["type"]?.stringValue == "sgd" ? .sgd : .lbfgs, epochs: context.int("epochs"),
            batchSize: context.int("batch_size"), learningRate: Float(optimizer["lr"]?.doubleValue ?? 0.1),
            momentum: Float(optimizer["momentum"]?.doubleValue ?? 0), l2: Float(context.double("l2")), tolerance: context.double("tolerance"),
            patience: context.params["early_stopping"]?.mapValue?["patience"]?.intValue ?? 5)
        var generator = context.generator()
        let x = train.floatFeatures()
        let vx = validation?.floatFeatures() ?? []
        let vLabels = validation?.labels ?? []
        let epochs = config.epochs
        let model = x.withUnsafeBufferPointer { xp in
            labels.withUnsafeBufferPointer { lp in
                vx.withUnsafeBufferPointer { vxp in
                    vLabels.withUnsafeBufferPointer { vlp in
                        SoftmaxRegression.fit(
                            x: xp, rows: train.rows, cols: train.columns, labels: lp, classes: classes, config: config,
                            generator: &generator, validation: validation.map { (vxp, vlp, $0.rows) },
                            progress: { record in
                                var message = String(format: "loss %.4f", record.trainLoss)
                                if let accuracy = record.validationAccuracy { message += String(format: " val_acc %.4f", accuracy) }
                                context.report(.progress(step: record.epoch, total: epochs, message: message))
                            })
                    }
                }
            }
        }
        if model.stopReason == .diverged { throw StageError("training diverged (loss became non-finite); lower optimizer.lr") }
        return model
    }
}
