import Foundation
import Learn
import PipelineStore

/// Saves and restores a `TrainerState` as `training.h5` in a stage's checkpoint directory, atomically
/// (written to a temporary name, then renamed), so a kill at any moment leaves the previous epoch's
/// checkpoint intact.
enum TrainingCheckpoint {
    static func path(in directory: String) -> String { directory + "/training.h5" }

    /// Writes the state.
    static func save(_ state: TrainerState, to directory: String) throws {
        let final = path(in: directory)
        let temporary = final + ".tmp-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let file = try HDF5File.create(temporary)
        let root = file.root
        try root.setAttribute("artifact", .string("training_checkpoint"))
        try root.setAttribute("epochs_done", .int(Int64(state.epochsDone)))
        try root.setAttribute("stopped", .int(state.stopped ? 1 : 0))
        try root.setAttribute("epochs_without_improvement", .int(Int64(state.epochsWithoutImprovement)))
        _ = try root.createDataset("parameters", shape: [state.parameters.count], data: state.parameters)
        _ = try root.createDataset("network_state", shape: [state.networkState.count], data: state.networkState)
        let g = state.generator.state
        _ = try root.createDataset("generator", shape: [4], data: [g.0, g.1, g.2, g.3].map { Int64(bitPattern: $0) })
        _ = try root.createDataset("schedule", shape: [state.schedule.count], data: state.schedule)
        let optimizer = try root.createGroup("optimizer")
        try optimizer.setAttribute("steps", .int(Int64(state.optimizer.steps)))
        for name in state.optimizer.vectors.keys.sorted() {
            let vector = state.optimizer.vectors[name]!
            _ = try optimizer.createDataset(name, shape: [vector.count], data: vector)
        }
        try HistoryTable.write(state.history, to: try root.createGroup("history"))
        if let mask = state.mask {
            let d = try root.createDataset("mask", shape: [mask.count], data: mask.map { UInt8($0 != 0 ? 1 : 0) })
            try d.setAttribute("meaning", .string("pruning keep-mask over parameters: 1 kept, 0 pruned"))
        }
        if let best = state.best {
            let b = try root.createGroup("best")
            try b.setAttribute("value", .double(best.value))
            try b.setAttribute("epoch", .int(Int64(best.epoch)))
            _ = try b.createDataset("parameters", shape: [best.parameters.count], data: best.parameters)
            _ = try b.createDataset("network_state", shape: [best.networkState.count], data: best.networkState)
        }
        try file.close()
        guard rename(temporary, final) == 0 else {
            throw StageError("cannot move the training checkpoint into place at \(final): \(String(cString: strerror(errno)))")
        }
    }

    /// The saved state, or nil when there is none or it does not fit a network of `parameterCount`
    /// parameters and `stateCount` state values (a damaged or foreign file is ignored, not fatal).
    static func load(from directory: String, parameterCount: Int, stateCount: Int) -> TrainerState? {
        let path = path(in: directory)
        guard FileManager.default.fileExists(atPath: path), let file = try? HDF5File.open(path) else { return nil }
        defer { try? file.close() }
        let root = file.root
        do {
            let parameters = try root.dataset("parameters").read(as: Float.self)
            let networkState = try root.dataset("network_state").read(as: Float.self)
            guard parameters.count == parameterCount, networkState.count == stateCount else { return nil }
            let g = try root.dataset("generator").read(as: Int64.self).map { UInt64(bitPattern: $0) }
            guard g.count == 4 else { return nil }
            let optimizerGroup = try root.group("optimizer")
            var vectors: [String: [Float]] = [:]
            for child in try optimizerGroup.children() where !child.isGroup {
                vectors[child.name] = try optimizerGroup.dataset(child.name).read(as: Float.self)
            }
            var best: TrainerState.Best?
            if root.contains("best") {
                let b = try root.group("best")
                best = TrainerState.Best(value: try b.attribute("value")?.doubleValue ?? .nan, epoch: Int(try b.attribute("epoch")?.intValue ?? 0),
                                         parameters: try b.dataset("parameters").read(as: Float.self),
                                         networkState: try b.dataset("network_state").read(as: Float.self))
            }
            var mask: [Float]?
            if root.contains("mask") {
                mask = try root.dataset("mask").read(as: UInt8.self).map { Float($0) }
                guard mask!.count == parameterCount else { return nil }
            }
            var state = TrainerState(
                epochsDone: Int(try root.attribute("epochs_done")?.intValue ?? 0), parameters: parameters, networkState: networkState,
                optimizer: OptimizerCheckpoint(steps: Int(try optimizerGroup.attribute("steps")?.intValue ?? 0), vectors: vectors),
                schedule: try root.dataset("schedule").read(as: Double.self), generator: SeededGenerator(state: (g[0], g[1], g[2], g[3])),
                history: try HistoryTable.read(from: try root.group("history")), best: best,
                epochsWithoutImprovement: Int(try root.attribute("epochs_without_improvement")?.intValue ?? 0),
                stopped: try root.attribute("stopped")?.intValue == 1)
            state.mask = mask
            return state
        } catch {
            return nil
        }
    }
}

/// Per-epoch history as columns (NaN where a value was not measured), the layout models and checkpoints share.
enum HistoryTable {
    static func write(_ history: [EpochStats], to group: HDF5Group) throws {
        try group.setAttribute("meaning", .string("one entry per epoch; NaN where not measured"))
        _ = try group.createDataset("epoch", shape: [history.count], data: history.map { Int32($0.epoch) })
        _ = try group.createDataset("train_loss", shape: [history.count], data: history.map(\.trainLoss))
        _ = try group.createDataset("train_accuracy", shape: [history.count], data: history.map { $0.trainAccuracy ?? .nan })
        _ = try group.createDataset("validation_loss", shape: [history.count], data: history.map { $0.validationLoss ?? .nan })
        _ = try group.createDataset("validation_accuracy", shape: [history.count], data: history.map { $0.validationAccuracy ?? .nan })
        _ = try group.createDataset("validation_macro_f1", shape: [history.count], data: history.map { $0.validationMacroF1 ?? .nan })
        _ = try group.createDataset("learning_rate", shape: [history.count], data: history.map(\.learningRate))
    }

    static func read(from group: HDF5Group) throws -> [EpochStats] {
        let epochs = try group.dataset("epoch").read(as: Int32.self)
        let columns = try ["train_loss", "train_accuracy", "validation_loss", "validation_accuracy", "learning_rate"].map {
            try group.dataset($0).read(as: Double.self)
        }
        let macroF1 = group.contains("validation_macro_f1") ? try group.dataset("validation_macro_f1").read(as: Double.self) : columns[0].map { _ in .nan }
        func optional(_ v: Double) -> Double? { v.isNaN ? nil : v }
        return epochs.indices.map { i in
            EpochStats(epoch: Int(epochs[i]), trainLoss: columns[0][i], trainAccuracy: optional(columns[1][i]),
                       validationLoss: optional(columns[2][i]), validationAccuracy: optional(columns[3][i]),
                       validationMacroF1: optional(macroF1[i]), learningRate: columns[4][i])
        }
    }
}
