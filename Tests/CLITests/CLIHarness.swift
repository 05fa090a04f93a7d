import Foundation
import XCTest

/// Runs the built `pipeline` binary as a user would, capturing its output and exit code.
struct CLI {
    /// The binary next to the test bundle (SwiftPM builds every product before testing).
    static let binary: String = {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("pipeline").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return directory.appendingPathComponent("pipeline").path
    }()

    /// The repository root (for committed files such as the schema and the example pipelines).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `pipeline ARGS` in `directory` and waits for it.
    @discardableResult
    static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> Result {
        let process = try start(arguments, in: directory, environment: environment)
        // Drain stderr on another thread so neither pipe can fill up and block the child.
        nonisolated(unsafe) var stderr = Data()
        let drained = DispatchSemaphore(value: 0)
        Thread {
            stderr = process.stderr.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }.start()
        let stdout = process.stdout.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.process.waitUntilExit()
        return Result(status: process.process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts `pipeline ARGS` without waiting.
    static func start(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> (process: Process, stdout: Pipe, stderr: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }
}

/// A temporary directory removed after the test.
struct Scratch {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "pipeline-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + name) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// A labelled CSV of three overlapping classes (`a,b,c,d,label`): uniform noise in [0, 2) from a fixed LCG
    /// started at `seed`, plus `shift` on the column of the row's class.
    func writeThreeClassCSV(_ name: String = "data.csv", rows: Int, seed: UInt64, shift: Double) throws {
        var lines = ["a,b,c,d,label"]
        var state = seed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for i in 0..<rows {
            let c = i % 3
            lines.append((0..<4).map { d in String(format: "%.4f", next() * 2 + (d == c ? shift : 0)) }.joined(separator: ",") + ",\(c)")
        }
        try write(name, lines.joined(separator: "\n") + "\n")
    }

    /// A labelled CSV of two separable classes.
    func writeTwoClassCSV(_ name: String = "data.csv", rows: Int = 40) throws {
        var lines = ["x,y,label"]
        for i in 0..<rows {
            let c = i % 2
            lines.append("\(Double(c) * 3 + Double(i % 7) * 0.1),\(Double(i % 5) * 0.2 - Double(c) * 2),\(c)")
        }
        try write(name, lines.joined(separator: "\n") + "\n")
    }
}
