import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// `train`: fits a model on the `train` input, monitoring an optional `validation` input each epoch.
///
/// Model families: `softmax_regression` (multinomial logistic regression, mini-batch SGD with momentum
/// or full-batch L-BFGS, L2 on the weights). The training engine issue adds more families here.
public struct TrainStage: StageKind {
    public init() {}

    public var signature: StageSignature {
        StageSignature(
            kind: "train", summary: "Train a model on the 'train' input, validating on an optional 'validation' input.",
            params: [
                ParamDecl("model", .choice(["softmax_regression"]), required: true, help: "Model family."),
                ParamDecl("optimizer", .choice(["sgd", "lbfgs"]), default: .string("lbfgs"),
                          help: "sgd: shuffled mini-batches with momentum; lbfgs: full-batch quasi-Newton."),
                ParamDecl("epochs", .int(min: 1, max: 100_000), default: .int(100), help: "SGD epochs, or L-BFGS iterations."),
                ParamDecl("batch_size", .int(min: 1), default: .int(128), help: "SGD mini-batch size."),
                ParamDecl("lr", .number(min: 0, exclusiveMin: true), default: .double(0.1), help: "SGD learning rate."),
                ParamDecl("momentum", .number(min: 0, max: 1, exclusiveMax: true), default: .double(0.9), help: "SGD momentum."),
                ParamDecl("lr_decay", .number(min: 0), default: .double(0), help: "SGD decay: lr / (1 + lr_decay · epoch)."),
                ParamDecl("l2", .number(min: 0), default: .double(1e-4), help: "L2 penalty ½·l2·‖W‖² added to the mean cross-entropy."),
                ParamDecl("tolerance", .number(min: 0), default: .double(1e-5), help: "Stop when the loss improves by less than this."),
                ParamDecl("patience", .int(min: 1), default: .int(5), help: "SGD: epochs without improvement before stopping."),
            ],
            inputs: [InputRule(.dataset, min: 1, max: 2)],
            outputs: { _ in [OutputDecl("model", .model)] },
            check: { context in
                let keys = context.inputs.map(\.key)
                if keys.count == 2, !keys.contains("train") {
                    return [KindProblem(.inputs, "with two dataset inputs one must be named 'train' (the other is the validation set); found \(keys.joined(separator: ", "))",
                                        hint: "name them: inputs: {train: split.train, validation: split.validation}")]
                }
                return []
            })
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let datasets = context.inputs(of: .dataset)
        let trainEntry = datasets.count == 1 ? datasets[0] : datasets.first { $0.key == "train" }!
        let validationEntry = datasets.first { $0.key != trainEntry.key }
        let train = try Dataset.read(from: trainEntry.input.path)
        guard let labels = train.labels else { throw StageError("training input '\(trainEntry.key)' has no labels") }
        let classes = train.classCount
        guard classes >= 2 else { throw StageError("training input '\(trainEntry.key)' has \(classes) class; need at least 2") }
        let validation = try validationEntry.map { try Dataset.read(from: $0.input.path) }
        if let validation {
            guard validation.columns == train.columns else {
                throw StageError("validation input has \(validation.columns) features per row, train has \(train.columns)")
            }
            guard let vLabels = validation.labels, vLabels.allSatisfy({ Int($0) < classes }) else {
                throw StageError("validation input '\(validationEntry!.key)' needs labels within the training classes")
            }
        }

        let decay = context.double("lr_decay")
        let config = SoftmaxRegressionConfig(
            optimizer: context.string("optimizer") == "sgd" ? .sgd : .lbfgs, epochs: context.int("epochs"),
            batchSize: context.int("batch_size"), learningRate: Float(context.double("lr")), momentum: Float(context.double("momentum")),
            l2: Float(context.double("l2")), tolerance: context.double("tolerance"), patience: context.int("patience"),
            lrDecay: decay > 0 ? Float(decay) : nil)
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
        if model.stopReason == .diverged { throw StageError("training diverged (loss became non-finite); lower lr") }

        let path = context.outputPath("model")
        let attributes: [String: HDF5AttributeValue] = [
            "optimizer": .string(context.string("optimizer")), "epochs": .int(Int64(context.int("epochs"))),
            "l2": .double(context.double("l2")), "trained_on": .string("\(trainEntry.input.stage) (input '\(trainEntry.key)')"),
            "train_rows": .int(Int64(train.rows)),
        ]
        try StoredModel(model: .softmaxRegression(model), classNames: train.classNames, sampleShape: train.sampleShape)
            .write(to: path, provenance: context.provenance, attributes: attributes)
        var metrics: [String: Double] = ["epochs_run": Double(model.history.count)]
        if let last = model.history.last {
            metrics["train_loss"] = last.trainLoss
            if let accuracy = last.validationAccuracy { metrics["validation_accuracy"] = accuracy }
        }
        return StageResult(outputs: ["model": path], metrics: metrics)
    }
}
