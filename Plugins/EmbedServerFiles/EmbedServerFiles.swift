import Foundation
import PackagePlugin

/// Compiles into `serve`'s target the files it answers with, as Swift source, so that the `ledgersync` binary serves
/// from any directory with no resource bundle beside it:
/// - the dashboard's `Templates/*.mustache` (`embeddedTemplateFiles`);
/// - the API's OpenAPI document, `docs/openapi.json` (`embeddedDocumentFiles`), served byte for byte.
@main
struct EmbedServerFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let embedder = try context.tool(named: "FileEmbedder").url
        let templates = target.directoryURL.appending(path: "Templates", directoryHint: .isDirectory)
        let templateFiles = try FileManager.default
            .contentsOfDirectory(at: templates, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "mustache" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let documents = [context.package.directoryURL.appending(path: "docs/openapi.json")]
        let templatesOutput = context.pluginWorkDirectoryURL.appending(path: "EmbeddedTemplates.swift")
        let documentsOutput = context.pluginWorkDirectoryURL.appending(path: "EmbeddedDocuments.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(templateFiles.count) templates from \(target.name)/Templates",
                executable: embedder,
                arguments: ["--variable", "embeddedTemplateFiles", templatesOutput.path()]
                    + templateFiles.map { $0.path() },
                inputFiles: templateFiles,
                outputFiles: [templatesOutput]
            ),
            .buildCommand(
                displayName: "Embedding docs/openapi.json into \(target.name)",
                executable: embedder,
                arguments: ["--variable", "embeddedDocumentFiles", documentsOutput.path()]
                    + documents.map { $0.path() },
                inputFiles: documents,
                outputFiles: [documentsOutput]
            ),
        ]
    }
}
