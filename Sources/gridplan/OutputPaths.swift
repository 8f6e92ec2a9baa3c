import Foundation
import GridErrors
import GridFormats

/// The one rule for every file a command writes (`--out`, `--rejects`, `--blocks-out`): it is
/// never the plan and never a file the same command reads. Paths are compared by the file they
/// name (device and inode), so `./plan.gpkg`, a link or another spelling cannot slip through; a
/// path where nothing exists yet is compared by its absolute spelling. `-` (standard output) is
/// always allowed. The writers themselves write a temporary file beside the target and rename it
/// at the end (``OutputFile``), so a refused or failed run leaves an earlier file whole.
enum OutputPaths {
    /// Refuses `output` (the value of the option `setting`) when it names the plan (`plan`, the
    /// `--db` value) or one of `inputs` (each an option's setting, or nil for the file argument,
    /// with its value).
    static func check(_ output: String?, _ setting: Setting, plan: String?, inputs: [(setting: Setting?, path: String?)] = []) throws {
        guard let output, output != "-" else { return }
        if let plan, FileIdentity.same(output, plan) || FileIdentity.same(output, plan + "-wal") || FileIdentity.same(output, plan + "-shm") {
            throw GridplanError(
                .badArgument, "\(setting: setting) \(output) is the plan file (\(setting: "db") \(plan)): writing there would destroy the plan",
                hint: "give \(setting: setting) another file")
        }
        for (inputSetting, path) in inputs {
            guard let path, path != "-", FileIdentity.same(output, path) else { continue }
            let named = inputSetting.map { Wording("\(setting: $0) \(path)") } ?? Wording("\(path)")
            throw GridplanError(
                .badArgument, "\(setting: setting) \(output) is the file this command reads (\(named)): writing there would destroy the input",
                hint: "give \(setting: setting) another file")
        }
    }
}
