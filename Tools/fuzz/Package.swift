// swift-tools-version:6.1
// Coverage-guided fuzzing of LedgerSync's parsers with libFuzzer. A package of its own, so that the main build never
// compiles it: `Tools/fuzz/run TARGET SECONDS` builds it with AddressSanitizer and coverage instrumentation.
import PackageDescription

let package = Package(
    name: "LedgerSyncFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "LedgerSync", path: "../..")],
    targets: [
        // The declaration of libFuzzer's LLVMFuzzerRunDriver; the symbol comes from the toolchain's
        // libclang_rt.fuzzer_no_main archive, linked by Tools/fuzz/run.
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "ledgersync-fuzz",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "LedgerCore", package: "LedgerSync"),
                .product(name: "LedgerSources", package: "LedgerSync"),
                .product(name: "LedgerSync", package: "LedgerSync"),
                .product(name: "LedgerReports", package: "LedgerSync"),
            ]
        ),
    ]
)
