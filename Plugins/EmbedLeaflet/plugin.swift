import Foundation
import PackagePlugin

/// Embeds Debian's Leaflet (package `libjs-leaflet`) into the Server module at build time, so the
/// web map needs no CDN and no files beside the binary: a street office PC may have no internet.
/// The work is done by `embed-leaflet.sh` (base64 of each file into one Swift source).
@main
struct EmbedLeaflet: BuildToolPlugin {
    static let leafletFolder = "/usr/share/javascript/leaflet"
    static let files = [
        "leaflet.min.js", "leaflet.css", "images/layers.png", "images/layers-2x.png",
        "images/marker-icon.png", "images/marker-icon-2x.png", "images/marker-shadow.png",
    ]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let script = context.package.directoryURL.appending(path: "Plugins/EmbedLeaflet/embed-leaflet.sh")
        let output = context.pluginWorkDirectoryURL.appending(path: "LeafletAssets.swift")
        let inputs = Self.files.map { URL(fileURLWithPath: Self.leafletFolder).appending(path: $0) }
        return [
            .buildCommand(
                displayName: "Embedding Leaflet from \(Self.leafletFolder)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [script.path, Self.leafletFolder, output.path] + Self.files,
                inputFiles: [script, URL(fileURLWithPath: Self.leafletFolder).appending(path: "leaflet.js")] + inputs,
                outputFiles: [output])
        ]
    }
}
