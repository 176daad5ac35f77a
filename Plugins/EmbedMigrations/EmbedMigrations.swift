import Foundation
import PackagePlugin

/// Compiles a store's numbered migrations into its target as Swift source, so that the `ledgersync` binary carries
/// its schemas and runs from any directory with no resource bundle beside it:
/// - `LedgerStore` (SQLite) embeds the top-level `Migrations/*.sql`;
/// - `LedgerPostgres` embeds `Migrations/PostgreSQL/*.sql`.
@main
struct EmbedMigrations: BuildToolPlugin {
    /// Each store target's migrations directory, relative to the package.
    static let directories = ["LedgerStore": "Migrations", "LedgerPostgres": "Migrations/PostgreSQL"]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let directory = Self.directories[target.name] else {
            throw PluginError(description: "EmbedMigrations knows no migrations directory for target \(target.name)")
        }
        let migrations = context.package.directoryURL.appending(path: directory, directoryHint: .isDirectory)
        let files = try FileManager.default
            .contentsOfDirectory(at: migrations, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) migrations from \(directory)/ into \(target.name)",
                executable: try context.tool(named: "FileEmbedder").url,
                arguments: [output.path()] + files.map { $0.path() },
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}

/// A build configuration the plugin cannot serve.
struct PluginError: Error, CustomStringConvertible {
    let description: String
}
