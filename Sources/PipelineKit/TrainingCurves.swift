import PipelinePlan
import PipelineStore
import Stages

/// `pipeline curve`: the learning-rate schedule and the loss curves a `train` stage recorded in its model.
public enum TrainingCurves {
    /// Charts of the planned learning rate per step and of the loss per epoch.
    public static func describe(_ pipeline: LoadedPipeline, stage: String) throws -> String {
        guard let node = pipeline.graph.nodes[stage] else {
            throw UnknownStageError(description: "'\(stage)' names no stage of \(pipeline.spec.file)")
        }
        guard node.spec.kind == "train" else {
            throw UnknownStageError(description: "'\(stage)' is a \(node.spec.kind) stage; curves belong to train stages")
        }
        let lockfile = LockfileStore.read(pipeline.workspace.lockfilePath, pipeline: pipeline.spec.name)
        guard let output = lockfile.stages[stage]?.outputs["model"] else {
            throw CacheError("stage '\(stage)' has not run yet; run `pipeline run \(pipeline.spec.file)` first")
        }
        let model = try StoredModel.read(from: pipeline.workspace.cache.objectPath(output.hash))
        var text = ""
        if let schedule = model.schedule {
            text += "learning rate per step (\(schedule.rates.count) steps, \(schedule.stepsPerEpoch) per epoch)\n"
            text += TextChart.render(schedule.rates.map(Double.init), xLabel: "step →")
        } else if !model.history.isEmpty {
            text += "learning rate per epoch\n" + TextChart.render(model.history.map(\.learningRate), xLabel: "epoch →")
        }
        if !model.history.isEmpty {
            text += "\ntraining loss per epoch\n" + TextChart.render(model.history.map(\.trainLoss), xLabel: "epoch →")
            let validation = model.history.compactMap(\.validationLoss)
            if validation.count == model.history.count {
                text += "\nvalidation loss per epoch\n" + TextChart.render(validation, xLabel: "epoch →")
            }
        }
        return text.isEmpty ? "stage '\(stage)' recorded no curves\n" : text
    }
}
