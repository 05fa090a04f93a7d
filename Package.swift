// swift-tools-version:6.0
import PackageDescription

// Module graph (arrows point at dependencies; nothing points back up):
//   pipeline (CLI) → PipelineKit → PipelineRun, PipelinePlan, Stages
//   Stages → PipelineSpec, PipelineStore, Learn
//   PipelinePlan → PipelineSpec, PipelineStore (hashing)
//   PipelineRun → (nothing ML: a generic DAG executor)
//   PipelineStore → CHDF5, CCrypto;  Learn → COpenBLAS;  MPICollective → CMPI, Learn (linked by pipeline only)
let package = Package(
    name: "pipeline",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pipeline", targets: ["pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // System libraries (Debian: libhdf5-dev, libopenblas-dev + liblapacke-dev, zlib1g-dev, libssl-dev).
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),

        .target(name: "PipelineSpec", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "PipelineStore", dependencies: ["CHDF5", "CCrypto"]),
        // Tiny C kernels for element-wise loops Swift does not vectorise (restrict-qualified pointers).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]),
        .target(name: "Learn", dependencies: ["COpenBLAS", "CKernels"]),
        // The MPI implementation of Learn's `Collective` (data-parallel training); only the executable links it.
        .target(name: "MPICollective", dependencies: ["CMPI", "Learn"]),
        .target(name: "PipelinePlan", dependencies: ["PipelineSpec", "PipelineStore"]),
        .target(name: "PipelineRun", dependencies: []),
        .target(name: "Stages", dependencies: ["PipelineSpec", "PipelineStore", "Learn", "CZlib"]),
        .target(name: "PipelineKit", dependencies: [
            "PipelineSpec", "PipelinePlan", "PipelineRun", "PipelineStore", "Stages", "Learn",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "pipeline", dependencies: [
            "PipelineKit", "PipelinePlan", "PipelineSpec", "Stages", "Learn", "MPICollective",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "PipelineSpecTests", dependencies: ["PipelineSpec"]),
        .testTarget(name: "PipelineStoreTests", dependencies: ["PipelineStore"]),
        .testTarget(name: "LearnTests", dependencies: ["Learn"]),
        .testTarget(name: "PipelinePlanTests", dependencies: ["PipelinePlan", "PipelineStore"]),
        .testTarget(name: "PipelineRunTests", dependencies: ["PipelineRun"]),
        .testTarget(name: "StagesTests", dependencies: ["Stages", "PipelineStore", "PipelineSpec", "Learn"]),
        .testTarget(name: "PipelineKitTests", dependencies: ["PipelineKit", "PipelinePlan", "PipelineStore", "PipelineSpec", "Stages"]),
        .testTarget(name: "CLITests", dependencies: ["pipeline", "PipelineStore", "Stages"]),
    ]
)
