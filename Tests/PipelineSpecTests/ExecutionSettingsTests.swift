import PipelineSpec
import XCTest

/// `executor:` at the top level and `resources:` on a stage: parsed into typed settings, checked with locations.
final class ExecutionSettingsTests: XCTestCase {
    func testExecutorAndResourcesAreReadWithDefaults() throws {
        let spec = try parsed("""
        pipeline: 1
        name: p
        executor: {type: slurm, partition: debug}
        stages:
          a:
            kind: source
            resources: {cpus: 4, memory: 8G, time: "1-02:00:00", partition: long, gpus: 1}
          b: {kind: source, resources: {memory: 512, time: 30}}
          c: {kind: source}
        """)
        XCTAssertEqual(spec.executor, ExecutorSpec(kind: .slurm, partition: "debug", pollSeconds: 2))
        XCTAssertEqual(spec.stage("a")?.resources, StageResources(cpus: 4, memory: "8G", time: "1-02:00:00", partition: "long", gpus: 1))
        // Plain numbers are Slurm's defaults units: MB of memory, minutes of time.
        XCTAssertEqual(spec.stage("b")?.resources, StageResources(memory: "512", time: "30"))
        XCTAssertEqual(spec.stage("c")?.resources, StageResources())
        XCTAssertNil(try parsed("pipeline: 1\nname: p\nstages:\n  a: {kind: source}\n").executor)
    }

    func testResourcesAreNotParameters() throws {
        let spec = try parsed("pipeline: 1\nname: p\nstages:\n  a: {kind: source, rows: 5, resources: {cpus: 2}}\n")
        XCTAssertEqual(spec.stage("a")?.params, ["rows": .int(5)])
    }

    func testBadSettingsAreLocatedWithTheirKeyPath() {
        let found = diagnostics("""
        pipeline: 1
        name: p
        executor: {type: pbs, poll_seconds: 0}
        stages:
          a:
            kind: source
            resources: {cpus: 0, memory: 8 GB, time: "2h", gpu: 1}
        """).map(\.description)
        XCTAssertEqual(found, [
            "p.yaml:3:18: error: executor.type: expected one of 'local', 'slurm', found the string \"pbs\"",
            "p.yaml:3:37: error: executor.poll_seconds: expected a number in [0.05, 3600], found the integer 0",
            "p.yaml:7:23: error: stages.a.resources.cpus: expected an integer ≥ 1, found the integer 0",
            "p.yaml:7:52: error: stages.a.resources.gpu: unknown key 'gpu'; expected one of cpus, memory, time, partition, gpus\n  hint: did you mean 'gpus'?",
        ])
    }

    func testMemoryAndTimeMustBeInSlurmSyntax() {
        let found = diagnostics("""
        pipeline: 1
        name: p
        stages:
          a:
            kind: source
            resources: {memory: 8 GB, time: "2h"}
        """).map(\.description)
        XCTAssertEqual(found, [
            "p.yaml:6:25: error: stages.a.resources.memory: invalid memory '8 GB'; expected MB as a number, or a number with a K, M, G or T suffix such as '4G'",
            "p.yaml:6:37: error: stages.a.resources.time: invalid time '2h'; expected minutes, 'MM:SS', 'HH:MM:SS', 'D-HH', 'D-HH:MM' or 'D-HH:MM:SS'",
        ])
    }
}
