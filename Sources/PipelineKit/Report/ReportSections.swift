import Foundation
import PipelinePlan
import PipelineStore
import Stages

/// The report's sections for each kind of stage output, built from what the artifacts hold: a figure appears
/// only when its data exists (curves only for models with a history, sparsity only for sparse layers, …).
///
/// Every figure is a `<figure>` with a stable `class` (its type) and `id` (`TYPE-STAGE[-MODEL][-DATASET]`).
struct ReportSections {
    let pipeline: LoadedPipeline
    let lockfile: Lockfile

    static func figure(_ type: String, id: String, caption: String, _ body: String) -> String {
        guard !body.isEmpty else { return "" }
        let slug = id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        return "<figure class=\"\(type)\" id=\"\(String(slug))\">\(body)<figcaption>\(SVGCharts.escape(caption))</figcaption></figure>\n"
    }

    static func table(_ header: [String], _ rows: [[String]], cls: String = "metrics") -> String {
        guard !rows.isEmpty else { return "" }
        var html = "<table class=\"\(cls)\"><thead><tr>" + header.map { "<th>\(SVGCharts.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows { html += "<tr>" + row.map { "<td>\(SVGCharts.escape($0))</td>" }.joined() + "</tr>" }
        return html + "</tbody></table>\n"
    }

    func path(of stage: String, output: String) -> String? {
        guard let object = lockfile.stages[stage]?.outputs[output] else { return nil }
        let path = pipeline.workspace.cache.objectPath(object.hash)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Every section of one stage (empty when it produced nothing the report can show).
    func sections(for stage: String) -> String {
        let kind = pipeline.graph.nodes[stage]!.spec.kind
        var html = ""
        do {
            switch kind {
            case "train": html += try trainSection(stage)
            case "evaluate": html += try evaluateSection(stage)
            case "cross_validate": html += try crossValidationSection(stage)
            default: break
            }
            html += try searchHistory(stage)
        } catch {
            html += "<p class=\"warning\">could not read the outputs of \(SVGCharts.escape(stage)): \(SVGCharts.escape("\(error)"))</p>"
        }
        return html
    }

    // MARK: train

    func trainSection(_ stage: String) throws -> String {
        guard let modelPath = path(of: stage, output: "model") else { return "" }
        let stored = try StoredModel.read(from: modelPath)
        var html = ""
        let history = stored.history
        if !history.isEmpty {
            var loss = [SVGCharts.Series(name: "train loss", points: history.map { (Double($0.epoch), $0.trainLoss) })]
            let validation = history.compactMap { h in h.validationLoss.map { (Double(h.epoch), $0) } }
            if !validation.isEmpty { loss.append(.init(name: "validation loss", points: validation, dashed: true)) }
            var charts = SVGCharts.lineChart(loss, xLabel: "epoch", yLabel: "loss")
            let trainAccuracy = history.compactMap { h in h.trainAccuracy.map { (Double(h.epoch), $0) } }
            let validationAccuracy = history.compactMap { h in h.validationAccuracy.map { (Double(h.epoch), $0) } }
            var accuracy: [SVGCharts.Series] = []
            if !trainAccuracy.isEmpty { accuracy.append(.init(name: "train accuracy", points: trainAccuracy)) }
            if !validationAccuracy.isEmpty { accuracy.append(.init(name: "validation accuracy", points: validationAccuracy, dashed: true)) }
            if !accuracy.isEmpty { charts += SVGCharts.lineChart(accuracy, xLabel: "epoch", yLabel: "accuracy") }
            html += Self.figure("learning-curves", id: "learning-curves-\(stage)",
                                caption: "\(stage): training vs validation per epoch (\(history.count) epochs, \(stored.model.family))", charts)
            let rates: [(x: Double, y: Double)]
            if let schedule = stored.schedule, !schedule.rates.isEmpty {
                let stride = max(1, schedule.rates.count / 600)
                rates = Swift.stride(from: 0, to: schedule.rates.count, by: stride).map { (Double($0) / Double(max(1, schedule.stepsPerEpoch)), Double(schedule.rates[$0])) }
            } else {
                rates = history.map { (Double($0.epoch), $0.learningRate) }
            }
            if Set(rates.map(\.y)).count > 1 || stored.schedule != nil {
                html += Self.figure("lr-schedule", id: "lr-schedule-\(stage)", caption: "\(stage): learning rate (planned schedule)",
                                    SVGCharts.lineChart([.init(name: "learning rate", points: rates)], xLabel: "epoch", yLabel: "learning rate"))
            }
        }
        html += try featureImportances(stage, modelPath: modelPath)
        if case .network(let snapshot) = stored.model {
            let layers = snapshot.layers.enumerated().compactMap { index, record -> (String, Int, Int)? in
                let values = record.parameters.flatMap(\.values)
                return values.isEmpty ? nil : ("\(index):\(record.kind)", values.count, values.lazy.filter { $0 != 0 }.count)
            }
            if layers.contains(where: { Double($0.1 - $0.2) / Double($0.1) > 0.01 }) {
                html += Self.figure("layer-sparsity", id: "layer-sparsity-\(stage)", caption: "\(stage): share of zero weights per layer",
                                    SVGCharts.bars(layers.map { ($0.0, Double($0.1 - $0.2) / Double($0.1)) }, xLabel: "sparsity (zeros / parameters)"))
            }
        }
        return html
    }

    /// A bar chart of `/feature_importances` when the model file carries one (tree ensembles and the like).
    func featureImportances(_ stage: String, modelPath: String) throws -> String {
        let file = try HDF5File.open(modelPath)
        defer { try? file.close() }
        guard file.root.contains("feature_importances") else { return "" }
        let dataset = try file.root.dataset("feature_importances")
        let values = try dataset.read(as: Double.self)
        var names: [String] = []
        if case .strings(let list)? = try file.root.attribute("feature_names") { names = list }
        if case .strings(let list)? = try dataset.attribute("feature_names") { names = list }
        let named = values.enumerated().map { ($0.offset < names.count ? names[$0.offset] : "feature \($0.offset)", $0.element) }
        return Self.figure("feature-importances", id: "feature-importances-\(stage)", caption: "\(stage): feature importances (top 25)",
                           SVGCharts.bars(named.sorted { $0.1 > $1.1 }, xLabel: "importance"))
    }

    // MARK: evaluate

    func evaluateSection(_ stage: String) throws -> String {
        guard let metricsPath = path(of: stage, output: "metrics") else { return "" }
        let file = try HDF5File.open(metricsPath)
        defer { try? file.close() }
        let root = file.root
        let models: [String] = { if case .strings(let m)? = try? root.attribute("models") { return m }; return ["model"] }()
        let datasets: [String] = { if case .strings(let d)? = try? root.attribute("datasets") { return d }
            return ((try? root.children()) ?? []).filter { $0.isGroup && $0.name != "efficiency" }.map(\.name) }()
        let node = pipeline.graph.nodes[stage]!
        let record = lockfile.stages[stage]
        var html = ""
        var sizeAccuracy: [(String, Double, Double)] = []
        for model in models {
            let group = models.count == 1 ? root : try root.group(model)
            let label = models.count == 1 ? stage : "\(stage) · \(model)"
            let producer = node.inputs.first { $0.key == model }?.stage ?? node.inputs.first { $0.type == .model }?.stage
            for dataset in datasets where group.contains(dataset) {
                html += try datasetFigures(try group.group(dataset), id: "\(stage)-\(models.count == 1 ? "" : model + "-")\(dataset)", label: "\(label) on \(dataset)")
            }
            if group.contains("efficiency") {
                let efficiency = try group.group("efficiency")
                var rows = try numericAttributes(efficiency).map { [$0.0, SVGCharts.format($0.1)] }
                let prefix = models.count == 1 ? "" : "\(model)."
                for key in ["latency_p50_ms", "latency_p95_ms", "throughput_rows_per_s", "throughput_batch"] {
                    if let value = record?.metrics[prefix + key] { rows.append([key + " (measured)", SVGCharts.format(value)]) }
                }
                if let producer, let seconds = lockfile.stages[producer]?.seconds {
                    rows.append(["training time s (\(producer), lockfile)", SVGCharts.format(seconds)])
                }
                html += "<h4>Efficiency: \(SVGCharts.escape(label))</h4>" + Self.table(["figure", "value"], rows, cls: "efficiency")
                if efficiency.contains("layer_names") {
                    let names = try efficiency.dataset("layer_names").readStrings()
                    let parameters = try efficiency.dataset("layer_parameters").read(as: Int64.self)
                    let nonzeros = try efficiency.dataset("layer_nonzeros").read(as: Int64.self)
                    let flops = try efficiency.dataset("layer_flops").read(as: Int64.self)
                    html += Self.table(["layer", "parameters", "nonzeros", "FLOPs / sample"],
                                       names.indices.map { [names[$0], "\(parameters[$0])", "\(nonzeros[$0])", "\(flops[$0])"] }, cls: "layers")
                }
                if let bytes = try efficiency.attribute("model_bytes")?.doubleValue, let first = datasets.first, group.contains(first),
                   let accuracy = try group.group(first).attribute("accuracy")?.doubleValue {
                    sizeAccuracy.append((model, bytes, accuracy))
                }
            }
        }
        if root.contains("comparison") { html += try comparison(try root.group("comparison"), stage: stage) }
        if sizeAccuracy.count > 1 {
            html += Self.figure("size-vs-accuracy", id: "size-vs-accuracy-\(stage)", caption: "\(stage): model file size against accuracy",
                                SVGCharts.scatter(sizeAccuracy, xLabel: "model bytes", yLabel: "accuracy"))
        }
        return html
    }

    func numericAttributes(_ group: HDF5Group) throws -> [(String, Double)] {
        try group.attributeNames().sorted().compactMap { name in
            switch try group.attribute(name) {
            case .double(let v)?: return (name, v)
            case .int(let v)?: return (name, Double(v))
            default: return nil
            }
        }
    }

    func datasetFigures(_ group: HDF5Group, id: String, label: String) throws -> String {
        var html = "<h4>\(SVGCharts.escape(label))</h4>"
        let scalars = try numericAttributes(group)
        html += Self.table(["metric", "value"], scalars.map { [$0.0, SVGCharts.format($0.1)] })
        guard group.contains("confusion") else { return html }
        let confusion = try group.dataset("confusion")
        let k = confusion.shape[0]
        let counts = try confusion.read(as: Int64.self).map(Int.init)
        var names: [String] = (0..<k).map(String.init)
        if case .strings(let list)? = try group.attribute("class_names"), list.count == k { names = list }
        html += Self.figure("confusion-matrix", id: "confusion-\(id)", caption: "\(label): confusion matrix",
                            SVGCharts.heatmap((0..<k).map { Array(counts[($0 * k)..<(($0 + 1) * k)]) }, labels: names))
        if group.contains("roc") {
            let roc = try group.group("roc")
            let auc = try roc.dataset("auc").read(as: Double.self)
            var series: [SVGCharts.Series] = []
            for c in 0..<k where roc.contains("fpr_\(c)") {
                let fpr = try roc.dataset("fpr_\(c)").read(as: Float.self), tpr = try roc.dataset("tpr_\(c)").read(as: Float.self)
                series.append(.init(name: "\(names[c]) (AUC \(String(format: "%.3f", auc[c])))", points: Self.thin(zip(fpr, tpr).map { (Double($0), Double($1)) })))
            }
            html += Self.figure("roc-curves", id: "roc-\(id)", caption: "\(label): one-vs-rest ROC curves",
                                SVGCharts.lineChart(series, xLabel: "false-positive rate", yLabel: "true-positive rate", xRange: 0...1, yRange: 0...1, diagonal: true, legend: .bottomRight))
        }
        if group.contains("pr") {
            let pr = try group.group("pr")
            var series: [SVGCharts.Series] = []
            for c in 0..<k where pr.contains("precision_\(c)") {
                let precision = try pr.dataset("precision_\(c)").read(as: Float.self), recall = try pr.dataset("recall_\(c)").read(as: Float.self)
                series.append(.init(name: names[c], points: Self.thin(zip(recall, precision).map { (Double($0), Double($1)) })))
            }
            html += Self.figure("pr-curves", id: "pr-\(id)", caption: "\(label): one-vs-rest precision–recall curves",
                                SVGCharts.lineChart(series, xLabel: "recall", yLabel: "precision", xRange: 0...1, yRange: 0...1, legend: .bottomLeft))
        }
        if group.contains("calibration") {
            let bins = try group.group("calibration")
            let counts = try bins.dataset("counts").read(as: Int64.self)
            let confidence = try bins.dataset("mean_confidence").read(as: Double.self), accuracy = try bins.dataset("accuracy").read(as: Double.self)
            let points = counts.indices.filter { counts[$0] > 0 }.map { (confidence[$0], accuracy[$0]) }
            html += Self.figure("calibration", id: "calibration-\(id)", caption: "\(label): reliability diagram (top-label confidence vs accuracy per bin)",
                                SVGCharts.lineChart([.init(name: "model", points: points)], xLabel: "mean confidence", yLabel: "accuracy",
                                                    xRange: 0...1, yRange: 0...1, diagonal: true))
        }
        return html
    }

    /// At most ~400 points of a curve, always keeping the last.
    static func thin(_ points: [(Double, Double)]) -> [(x: Double, y: Double)] {
        let step = max(1, points.count / 400)
        var out = stride(from: 0, to: points.count, by: step).map { (x: points[$0].0, y: points[$0].1) }
        if let last = points.last, (points.count - 1) % step != 0 { out.append((last.0, last.1)) }
        return out
    }

    func comparison(_ group: HDF5Group, stage: String) throws -> String {
        var html = ""
        if case .strings(let models)? = try group.attribute("models"), case .strings(let metrics)? = try group.attribute("metrics") {
            let table = try group.dataset("table").read(as: Double.self)
            // The headline columns (the HDF5 table and JSON summary hold every metric).
            let preferred = ["accuracy", "accuracy_ci_low", "accuracy_ci_high", "balanced_accuracy", "macro_f1", "log_loss", "brier", "roc_auc_macro",
                             "mse", "rmse", "mae", "r2", "parameters", "flops_per_sample", "model_bytes"]
            let shown = preferred.filter(metrics.contains)
            html += "<h4>Comparison on \(SVGCharts.escape((try group.attribute("dataset")?.stringValue) ?? "?"))</h4>"
            html += Self.table(["model"] + shown, models.indices.map { m in
                [models[m]] + shown.map { SVGCharts.format(table[m * metrics.count + metrics.firstIndex(of: $0)!]) }
            }, cls: "comparison")
        }
        if group.contains("pair_a") {
            let a = try group.dataset("pair_a").readStrings(), b = try group.dataset("pair_b").readStrings()
            let method = try group.dataset("pair_test").readStrings(), p = try group.dataset("pair_p_value").read(as: Double.self)
            let statistic = try group.dataset("pair_statistic").read(as: Double.self), discordant = try group.dataset("pair_discordant").read(as: Int64.self)
            html += Self.table(["model A", "model B", "only A right", "only B right", "test", "statistic", "p-value"], a.indices.map {
                [a[$0], b[$0], "\(discordant[2 * $0])", "\(discordant[2 * $0 + 1])", method[$0], SVGCharts.format(statistic[$0]), SVGCharts.format(p[$0])]
            }, cls: "paired-tests")
        }
        return html
    }

    // MARK: cross_validate

    func crossValidationSection(_ stage: String) throws -> String {
        guard let metricsPath = path(of: stage, output: "metrics") else { return "" }
        let file = try HDF5File.open(metricsPath)
        defer { try? file.close() }
        let root = file.root
        guard case .strings(let models)? = try root.attribute("models") else { return "" }
        let primary = try root.attribute("primary_metric")?.stringValue ?? "accuracy"
        var html = "<p>\(SVGCharts.escape(try root.attribute("protocol")?.stringValue ?? "cross-validation"))</p>"
        var rows: [[String]] = [], series: [SVGCharts.Series] = []
        var header = ["model"]
        for model in models {
            let group = try root.group(model)
            guard case .strings(let metrics)? = try group.attribute("metrics") else { continue }
            if header.count == 1 { header += metrics.map { "\($0) (mean ± std)" } }
            rows.append([model] + (try metrics.map { m in
                "\(SVGCharts.format(try group.attribute("\(m)_mean")?.doubleValue ?? .nan)) ± \(SVGCharts.format(try group.attribute("\(m)_std")?.doubleValue ?? .nan))"
            }))
            let table = try group.dataset("folds").read(as: Double.self)
            if let column = metrics.firstIndex(of: primary) {
                let folds = table.count / metrics.count
                series.append(.init(name: model, points: (0..<folds).map { (Double($0 + 1), table[$0 * metrics.count + column]) }))
            }
        }
        html += Self.table(header, rows, cls: "cv-summary")
        html += Self.figure("cv-folds", id: "cv-folds-\(stage)", caption: "\(stage): \(primary) per fold",
                            SVGCharts.lineChart(series, xLabel: "fold (repeats in sequence)", yLabel: primary))
        if root.contains("tuning") {
            // Nested CV: what each outer fold's inner search chose, and its inner score next to the outer one.
            let tuning = try root.group("tuning"), chosen = try tuning.group("chosen")
            guard case .strings(let names)? = try tuning.attribute("parameters") else { return html }
            let metric = try tuning.attribute("metric")?.stringValue ?? primary
            let inner = try tuning.dataset("inner_best").read(as: Double.self), outer = try tuning.dataset("outer").read(as: Double.self)
            let values = try names.map { try chosen.dataset($0).readStrings() }
            html += Self.table(["outer fold", "inner best \(metric)", "outer \(metric)"] + names, outer.indices.map { i in
                ["\(i + 1)", SVGCharts.format(inner[i]), SVGCharts.format(outer[i])] + values.map { $0[i] }
            }, cls: "nested-cv")
        }
        if root.contains("comparison") {
            let group = try root.group("comparison")
            let a = try group.dataset("pair_a").readStrings(), b = try group.dataset("pair_b").readStrings()
            let d = try group.dataset("mean_difference").read(as: Double.self), t = try group.dataset("t").read(as: Double.self)
            let p = try group.dataset("p_value").read(as: Double.self)
            html += Self.table(["model A", "model B", "mean difference", "corrected t", "p-value"],
                               a.indices.map { [a[$0], b[$0], SVGCharts.format(d[$0]), SVGCharts.format(t[$0]), SVGCharts.format(p[$0])] },
                               cls: "paired-tests")
        }
        return html
    }

    // MARK: search history (any metrics output holding a /trials table: the search kind's, or /trials/score)

    func searchHistory(_ stage: String) throws -> String {
        guard let record = lockfile.stages[stage] else { return "" }
        var html = ""
        for (name, output) in record.outputs.sorted(by: { $0.key < $1.key }) where output.type == "metrics" {
            guard let path = path(of: stage, output: name) else { continue }
            let file = try HDF5File.open(path)
            defer { try? file.close() }
            guard file.root.contains("trials") else { continue }
            let trials = try file.root.group("trials")
            // The search kind records `objective` as "STAGE.METRIC (maximize|minimize)" and the metric as a column.
            let objective = try file.root.attribute("objective")?.stringValue ?? "score (maximize)"
            let target = objective.components(separatedBy: " (")[0]
            let metric = target.split(separator: ".", maxSplits: 1).count == 2 ? String(target.split(separator: ".", maxSplits: 1)[1]) : target
            let column = trials.contains(metric) ? metric : (trials.contains("score") ? "score" : nil)
            guard let column else { continue }
            let scores = try trials.dataset(column).read(as: Double.self)
            let maximize = !objective.contains("minimize")
            var best: Double?
            var running: [(x: Double, y: Double)] = []
            for (index, score) in scores.enumerated() where score.isFinite {
                best = best.map { maximize ? max($0, score) : min($0, score) } ?? score
                running.append((Double(index + 1), best!))
            }
            let points = scores.enumerated().filter { $0.element.isFinite }.map { (x: Double($0.offset + 1), y: $0.element) }
            var chart = SVGCharts.lineChart([.init(name: "trial \(column)", points: points), .init(name: "best so far", points: running, dashed: true)],
                                            xLabel: "trial (suggestion order)", yLabel: column)
            chart = chart.replacingOccurrences(of: "<polyline fill=\"none\" stroke=\"#1f77b4\"", with: "<polyline fill=\"none\" stroke-opacity=\"0.35\" stroke=\"#1f77b4\"")
            let caption = "\(stage): \(objective) per trial and best so far" + ((try file.root.attribute("strategy")?.stringValue).map { " (\($0))" } ?? "")
            html += Self.figure("search-history", id: "search-history-\(stage)-\(name)", caption: caption, chart)
        }
        return html
    }
}
