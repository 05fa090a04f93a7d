import Learn
import PipelineSpec
import PipelineStore

/// The augmentation options shared by the `augment` step (materialised copies) and the `train` kind's
/// `augment:` option (on the fly, per mini-batch): declarations and their translation into Learn's types.
enum AugmentationParameters {
    static func range(_ name: String, _ help: String) -> ParamDecl {
        ParamDecl(name, .list(of: .number(), minCount: 2), help: help)
    }

    /// Options for images and rows.
    static let fields: [ParamDecl] = [
        range("rotation", "Images: rotation angle range in degrees [low, high], counter-clockwise (bilinear, zero fill)."),
        range("scale", "Images: zoom factor range, e.g. [0.8, 1.2]."),
        ParamDecl("translate", .number(min: 0, max: 1), help: "Images: largest shift as a fraction of the width/height."),
        ParamDecl("crop_padding", .int(min: 1), help: "Images: pad this many zero pixels on each side, then crop back at a random offset."),
        ParamDecl("horizontal_flip", .number(min: 0, max: 1), default: .double(0), help: "Images: probability of a left–right mirror."),
        ParamDecl("vertical_flip", .number(min: 0, max: 1), default: .double(0), help: "Images: probability of a top–bottom mirror."),
        range("brightness", "Images: brightness factor range, e.g. [0.5, 1.5] (x·b)."),
        range("contrast", "Images: contrast factor range (mean + c·(x − mean), the sample's mean)."),
        ParamDecl("noise", .number(min: 0), help: "Images and rows: standard deviation of added Gaussian noise, in feature units."),
        ParamDecl("cutout", .int(min: 1), help: "Images: side of a zeroed square at a random position."),
    ]

    static let imageKeys = ["rotation", "scale", "translate", "crop_padding", "horizontal_flip", "vertical_flip", "brightness", "contrast", "cutout"]

    /// Problems with `[low, high]` ranges.
    static func check(_ params: [String: ParamValue]) -> [String] {
        ["rotation", "scale", "brightness", "contrast"].compactMap { key in
            guard let list = params[key]?.listValue?.compactMap(\.doubleValue) else { return nil }
            if list.count != 2 || list[0] > list[1] { return "\(key): expected [low, high] with low ≤ high, found \(list)" }
            if key != "rotation", list[0] <= 0 { return "\(key): factors must be positive, found \(list)" }
            return nil
        }
    }

    static func uniform(_ value: ParamValue?) -> UniformRange? {
        guard let list = value?.listValue?.compactMap(\.doubleValue), list.count == 2 else { return nil }
        return UniformRange(list[0], list[1])
    }

    /// Image options for samples of `shape`, or tabular noise; throws when image options meet non-image rows.
    static func make(_ params: [String: ParamValue], sampleShape: [Int], owner: String) throws -> (image: ImageAugmentation?, tabular: TabularAugmentation) {
        let tabular = TabularAugmentation(noise: params["noise"]?.doubleValue, mixupAlpha: params["mixup"]?.doubleValue)
        let usesImage = imageKeys.contains { key in
            guard let v = params[key] else { return false }
            return v.doubleValue.map { $0 != 0 } ?? true
        }
        guard usesImage else { return (nil, tabular) }
        guard ImageAugmentation.geometry(sampleShape) != nil else {
            throw StageError("\(owner): image options (\(imageKeys.filter { params[$0] != nil }.joined(separator: ", "))) need [H, W] or [C, H, W] samples; these are \(sampleShape)")
        }
        var image = ImageAugmentation()
        image.rotation = uniform(params["rotation"])
        image.scale = uniform(params["scale"])
        image.translate = params["translate"]?.doubleValue
        image.cropPadding = params["crop_padding"]?.intValue
        image.horizontalFlip = params["horizontal_flip"]?.doubleValue ?? 0
        image.verticalFlip = params["vertical_flip"]?.doubleValue ?? 0
        image.brightness = uniform(params["brightness"])
        image.contrast = uniform(params["contrast"])
        image.noise = params["noise"]?.doubleValue
        image.cutout = params["cutout"]?.intValue
        return (image, TabularAugmentation(noise: nil, mixupAlpha: tabular.mixupAlpha))
    }
}

/// `augment`: materialised augmentation. Fitting returns the training rows followed by `factor` augmented
/// copies of each (labels and targets copied unchanged); the fitted transform is the identity, so validation
/// and test rows are never augmented. Draws come from the stage's seeded stream.
struct AugmentStep: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("augment", fields: [
            ParamDecl("factor", .int(min: 1, max: 100), default: .int(1), help: "Augmented copies added per training row."),
        ] + AugmentationParameters.fields,
        help: "Add randomly transformed copies of the training rows (images: geometry, flips, brightness, contrast, noise, cutout; rows: noise).")
    }

    func check(_ params: [String: ParamValue]) -> [String] {
        let enabled = (AugmentationParameters.imageKeys + ["noise"]).contains { params[$0] != nil }
        return AugmentationParameters.check(params) + (enabled ? [] : ["enable at least one transformation (e.g. horizontal_flip: 0.5 or noise: 0.1)"])
    }

    struct Fitted: FittedTransform {
        let columns: Int
        let factor: Int
        let description: String
        var method: String { "augment" }
        func transform(_ data: Dataset) throws -> Dataset {
            try data.requireColumns(columns, for: method)
            return data  // augmentation is for training rows only
        }
        func write(to group: HDF5Group) throws {
            try group.setAttribute("input_columns", .int(Int64(columns)))
            try group.setAttribute("factor", .int(Int64(factor)))
            try group.setAttribute("options", .string(description))
            try group.setAttribute("formula", .string("identity outside training; training rows + factor augmented copies"))
        }
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let factor = params["factor"]?.intValue ?? 1
        let (image, tabular) = try AugmentationParameters.make(params, sampleShape: train.sampleShape, owner: name)
        let width = train.columns, n = train.rows
        var values = train.floatFeatures()
        values.reserveCapacity(n * width * (factor + 1))
        let original = values
        var generator = context.generator("augment")
        var scratch = [Float](repeating: 0, count: width)
        var sample = [Float](repeating: 0, count: width)
        let shape = ImageAugmentation.geometry(train.sampleShape)
        for _ in 0..<factor {
            for row in 0..<n {
                original.withUnsafeBufferPointer { o in
                    sample.withUnsafeMutableBufferPointer { s in _ = s.update(fromContentsOf: UnsafeBufferPointer(rebasing: o[(row * width)..<((row + 1) * width)])) }
                }
                sample.withUnsafeMutableBufferPointer { s in
                    if let image, let shape {
                        scratch.withUnsafeMutableBufferPointer { image.apply(s, channels: shape.channels, height: shape.height, width: shape.width, scratch: $0, generator: &generator) }
                    } else {
                        tabular.applyNoise(s, generator: &generator)
                    }
                }
                values.append(contentsOf: sample)
            }
        }
        func repeated<T>(_ v: [T]?) -> [T]? { v.map { Array([[T]](repeating: $0, count: factor + 1).joined()) } }
        let augmented = Dataset(features: .float32(values), rows: n * (factor + 1), sampleShape: train.sampleShape, labels: repeated(train.labels),
                                classNames: train.classNames, featureNames: train.featureNames, targets: repeated(train.targets), targetName: train.targetName,
                                categories: train.categories)
        let description = params.filter { $0.key != "type" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        context.report(.note("augment: \(n) training rows + \(n * factor) augmented copies"))
        return (Fitted(columns: width, factor: factor, description: description), augmented)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        Fitted(columns: Int(try group.attribute("input_columns")?.intValue ?? 0), factor: Int(try group.attribute("factor")?.intValue ?? 1),
               description: try group.attribute("options")?.stringValue ?? "")
    }
}
