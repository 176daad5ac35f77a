import Foundation
import PackagePlugin

/// Compiles a target's `Templates/*.mustache` files into it as Swift source (`embeddedTemplateFiles`), so that the
/// `ledgersync` binary serves its dashboard from any directory with no resource bundle beside it.
@main
struct EmbedTemplates: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let templates = target.directoryURL.appending(path: "Templates", directoryHint: .isDirectory)
        let files = try FileManager.default
            .contentsOfDirectory(at: templates, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "mustache" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedTemplates.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) templates from \(target.name)/Templates",
                executable: try context.tool(named: "MigrationEmbedder").url,
                arguments: ["--variable", "embeddedTemplateFiles", output.path()] + files.map { $0.path() },
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
