// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "LedgerSync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ledgersync", targets: ["ledgersync"]),
        .executable(name: "ledgersync-sim", targets: ["ledgersync-sim"]),
        .executable(name: "ledgersync-bench", targets: ["ledgersync-bench"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        .library(name: "LedgerStore", targets: ["LedgerStore"]),
        .library(name: "LedgerPostgres", targets: ["LedgerPostgres"]),
        .library(name: "LedgerSources", targets: ["LedgerSources"]),
        .library(name: "LedgerSimulator", targets: ["LedgerSimulator"]),
        .library(name: "LedgerSync", targets: ["LedgerSync"]),
        .library(name: "LedgerReports", targets: ["LedgerReports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        // The PostgreSQL store: PostgresClient's pool, bound queries, advisory locks (a well-kept driver of the
        // server ecosystem, on the same SwiftNIO as Hummingbird and AsyncHTTPClient).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already in the graph through AsyncHTTPClient; named for the PostgreSQL store's TLS settings (sslmode).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // Already in the graph through Hummingbird; named because the simulator and `serve` build their servers
        // from HummingbirdCore's parts and run them in a service group.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The dashboard's HTML: logic-less templates that escape every value by default.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Domain types: exact money, account keys, observations. No I/O.
        .target(
            name: "LedgerCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // The SQLite store: migrator over Migrations/, write path, queries.
        .target(
            name: "LedgerStore",
            dependencies: [
                "LedgerCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API, for reading a stepping statement's columns without generic decoding.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["EmbedMigrations"]
        ),
        // The PostgreSQL store: its own migrations (Migrations/PostgreSQL/), the shared ledger's locks.
        .target(
            name: "LedgerPostgres",
            dependencies: [
                "LedgerCore",
                "LedgerStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["EmbedMigrations"]
        ),
        // One connector per source over a shared AsyncHTTPClient.
        .target(
            name: "LedgerSources",
            dependencies: [
                "LedgerCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // glibc's mallopt, which the Glibc module does not export: executables cap malloc arenas with it.
        .target(name: "CMallocArenas"),
        // Process-wide tuning that only executables apply (libraries never do): the malloc arena cap.
        .target(name: "ProcessTuning", dependencies: ["CMallocArenas"]),
        // The engine: targets from config, bounded concurrent fetch, one transaction per target, runs.
        .target(
            name: "LedgerSync",
            dependencies: [
                "LedgerCore",
                "LedgerStore",
                "LedgerPostgres",
                "LedgerSources",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Query output and reconciliation reports: rules, CSV / JSON / HTML renderers.
        .target(
            name: "LedgerReports",
            dependencies: [
                "LedgerCore", "LedgerStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `ledgersync demo`: the sync engine against the simulator, in-process.
        .target(
            name: "LedgerDemo",
            dependencies: [
                "LedgerCore", "LedgerStore", "LedgerSync", "LedgerSimulator", "LedgerPostgres",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `ledgersync serve`: the scheduled sync, the JSON API and /metrics over Hummingbird, in a service group.
        .target(
            name: "LedgerServer",
            dependencies: [
                "LedgerCore", "LedgerStore", "LedgerSources", "LedgerSync", "LedgerReports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The dashboard's templates and docs/openapi.json are compiled in (EmbedServerFiles), so the binary needs
            // no files beside it.
            exclude: ["Templates"],
            plugins: ["EmbedServerFiles"]
        ),
        .executableTarget(
            name: "ledgersync",
            dependencies: [
                "LedgerServer",
                "ProcessTuning",
                "LedgerCore",
                "LedgerStore",
                "LedgerPostgres",
                "LedgerSync",
                "LedgerDemo",
                "LedgerReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Tools/: the simulator of the three APIs and the build-time file embedder.
        .target(
            name: "LedgerSimulator",
            dependencies: [
                "LedgerCore",
                "LedgerSources",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/LedgerSimulator"
        ),
        .executableTarget(
            name: "ledgersync-sim",
            dependencies: [
                "LedgerSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/ledgersync-sim"
        ),
        .executableTarget(
            name: "ledgersync-bench",
            dependencies: [
                "LedgerCore", "LedgerStore", "LedgerSources", "LedgerSync", "LedgerSimulator", "LedgerReports",
                "ProcessTuning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/ledgersync-bench"
        ),
        .executableTarget(name: "FileEmbedder", path: "Tools/FileEmbedder"),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["FileEmbedder"],
            path: "Plugins/EmbedMigrations"
        ),
        .plugin(
            name: "EmbedServerFiles",
            capability: .buildTool(),
            dependencies: ["FileEmbedder"],
            path: "Plugins/EmbedServerFiles"
        ),

        // Test helpers shared by the test targets (oracles independent of the code under test).
        .target(
            name: "LedgerTestSupport",
            dependencies: [
                "LedgerCore", "LedgerSources", "LedgerSimulator", "LedgerStore", "LedgerSync", "LedgerServer",
                "LedgerPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/LedgerTestSupport"
        ),
        .testTarget(
            name: "LedgerServerTests",
            dependencies: [
                "LedgerServer", "LedgerSync", "LedgerReports", "LedgerStore", "LedgerSources", "LedgerSimulator",
                "LedgerCore", "LedgerTestSupport",
                // The shutdown test runs the real binary and sends it SIGTERM.
                "ledgersync",
                // The webhook receiver of the alert tests.
                .product(name: "Hummingbird", package: "hummingbird"),
                // Route tests run the application in process (`app.test(.router)`).
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "LedgerSimulatorTests",
            dependencies: [
                "LedgerSimulator", "LedgerSources", "LedgerCore", "LedgerTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "LedgerCoreTests", dependencies: ["LedgerCore", "LedgerSimulator", "LedgerTestSupport"]),
        .testTarget(
            name: "LedgerReportsTests",
            dependencies: [
                "LedgerReports", "LedgerStore", "LedgerCore", "LedgerSync", "LedgerSimulator", "LedgerSources",
                "LedgerTestSupport",
                // The CLI tests run the real binary.
                "ledgersync",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "LedgerStoreTests",
            dependencies: [
                "LedgerStore", "LedgerCore", "LedgerSimulator", "LedgerTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "LedgerPostgresTests",
            dependencies: [
                "LedgerPostgres", "LedgerStore", "LedgerCore", "LedgerTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "LedgerSourcesTests",
            dependencies: [
                "LedgerSources", "LedgerSimulator", "LedgerCore", "LedgerStore", "LedgerTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "LedgerSyncTests",
            dependencies: [
                "LedgerSync", "LedgerDemo", "LedgerSimulator", "LedgerStore", "LedgerSources", "LedgerCore",
                "LedgerReports", "LedgerTestSupport", "ProcessTuning",
                // The crash test runs the real binary and kills it.
                "ledgersync",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
