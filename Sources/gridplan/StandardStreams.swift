import Foundation
import GridErrors
import GridFormats

/// A file argument that may be `-`, standard input. GDAL detects a format from a file's name and
/// may read it twice (counting rows first), which a pipe does not allow, so standard input is
/// copied once to a file in a private temporary folder (mode 0700), named `stdin.geojson`,
/// `stdin.gpkg` or `stdin.csv` after its first bytes, and removed when the command ends.
struct InputFile {
    /// The path to read: the argument itself, or the copy of standard input.
    let path: String
    private let folder: URL?

    init(_ argument: String) throws {
        guard argument == "-" else { path = argument; folder = nil; return }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard !data.isEmpty else { throw GridplanError(.badInput, "standard input is empty", hint: "pipe a file in, or give its path") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gridplan-stdin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let first = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }
        let ext = data.starts(with: Data("SQLite format 3".utf8)) ? "gpkg" : first == UInt8(ascii: "{") ? "geojson" : "csv"
        let file = dir.appendingPathComponent("stdin.\(ext)")
        // Personal data: readable by the user alone, and removed on SIGINT and SIGTERM as well.
        TemporaryFiles.shared.add(dir.path)
        let fd = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0, (try? FileHandle(fileDescriptor: fd, closeOnDealloc: true).write(contentsOf: data)) != nil else {
            throw GridplanError(.failed, "cannot keep a copy of standard input", source: .file(file.path))
        }
        path = file.path
        folder = dir
    }

    /// Removes the copy of standard input, if one was made.
    func remove() {
        if let folder {
            try? FileManager.default.removeItem(at: folder)
            TemporaryFiles.shared.remove(folder.path)
        }
    }
}

/// Where a command's report lines go: standard output, or standard error when standard output
/// carries the data (`--out -`).
struct ReportLines {
    let toStandardError: Bool

    init(dataTo out: String?) { toStandardError = out == "-" }

    /// A report line in the user's language (see ``say(_:)``).
    func say(_ line: Wording) { print(line.localized(flag)) }

    func print(_ line: String) {
        if toStandardError {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            Swift.print(line)
        }
    }
}
