import Foundation
import PipelineSpec
import PipelineStore
import Stages
import XCTest

/// Helpers for the classical-family tests: fit a catalogue family on reference data, round-trip it through
/// a model file, and compare arrays with a tolerance.
enum Classical {
    typealias R = ClassicalReferences

    /// Fit data from Double rows (stored as Float, as the reference script rounds them to float32).
    static func data(_ x: [Double], columns: Int, labels: [Int32]? = nil, targets: [Double]? = nil) -> FitData {
        let classes = labels.map { Int($0.max()!) + 1 } ?? 0
        return FitData(x: x.map(Float.init), rows: x.count / columns, columns: columns, labels: labels,
                       targets: targets.map { $0.map(Float.init) }, classes: classes)
    }

    /// Fits the named family with `params` (the family's declared defaults filled in, as the spec parser does).
    static func fit(_ family: String, _ data: FitData, _ params: [String: ParamValue] = [:], validation: FitData? = nil,
                    seed: UInt64 = 1) throws -> any FittedModel {
        guard let plugIn = ModelFamilyCatalog.builtIn.family(family) else { throw StageError("no family \(family)") }
        var resolved = params
        for decl in plugIn.declaration.fields where resolved[decl.name] == nil {
            if let value = decl.defaultValue { resolved[decl.name] = value }
        }
        let context = FitContext(seed: seed, streamPrefix: "test", validation: validation)
        return try plugIn.fit(data, params: resolved, context: context)
    }

    /// Writes the model as a model artifact and reads it back through the catalogue.
    static func roundTrip(_ model: any FittedModel, in directory: String) throws -> any FittedModel {
        let path = directory + "/\(UUID().uuidString).h5"
        try StoredModel(model: .fitted(model), classNames: [], sampleShape: [model.features])
            .write(to: path, provenance: Provenance(stage: "t", kind: "train", fingerprint: "0"), attributes: [:])
        guard case .fitted(let back) = try StoredModel.read(from: path).model else { throw StageError("not a plug-in model") }
        return back
    }

    /// Predictions of `model` on Double rows.
    static func predict(_ model: any FittedModel, _ x: [Double]) throws -> [Float] {
        let floats = x.map(Float.init)
        return try floats.withUnsafeBufferPointer { try model.predict($0, rows: x.count / model.features) }
    }

    /// The model's HDF5 datasets, read back as Double (through a written model file).
    static func dataset(_ model: any FittedModel, _ name: String, in directory: String) throws -> [Double] {
        let path = directory + "/\(UUID().uuidString).h5"
        try StoredModel(model: .fitted(model), classNames: [], sampleShape: [model.features])
            .write(to: path, provenance: Provenance(stage: "t", kind: "train", fingerprint: "0"), attributes: [:])
        let file = try HDF5File.open(path)
        defer { try? file.close() }
        return try file.root.dataset(name).read(as: Double.self)
    }

    /// Arg-max per row.
    static func argmax(_ p: [Float], classes: Int) -> [Int32] {
        stride(from: 0, to: p.count, by: classes).map { start in
            var best = 0
            for k in 1..<classes where p[start + k] > p[start + best] { best = k }
            return Int32(best)
        }
    }
}

/// Fails unless `actual` and `expected` have the same length and agree within `tolerance` element-wise.
func assertClose<T: BinaryFloatingPoint, U: BinaryFloatingPoint>(_ actual: [T], _ expected: [U], tolerance: Double, _ message: String = "",
                                                                  file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(message): length", file: file, line: line)
    for (i, (a, e)) in zip(actual, expected).enumerated() where abs(Double(a) - Double(e)) > tolerance {
        XCTFail("\(message)[\(i)]: \(Double(a)) vs reference \(Double(e)) (tolerance \(tolerance))", file: file, line: line)
        return
    }
}
