import CGDAL
import Foundation
import GridErrors

/// A CSV file made fit for GDAL's CSV driver, which reads UTF-8 only and ends a value at a NUL
/// byte, with nothing lost silently. The file is read in chunks through iconv: a clean UTF-8 file
/// is read where it is; any other (GBK detected, or the `--encoding` given, UTF-16 with a byte
/// order mark) is recoded into GDAL's in-memory file system (`/vsimem/`), so no copy of the
/// data ever lands on disk. A byte that cannot be mapped, and a NUL, become U+FFFD in the copy
/// and their line is kept as a problem; the rows of such lines are set aside by their readers.
///
/// While reading, it records each record's first and last line (a quoted value may span lines;
/// GDAL skips empty lines), so rows are reported by the lines they came from, and a row that
/// swallowed others through an unbalanced quote is reported with the lines it took.
final class CSVText {
    /// The path GDAL opens: the file itself, or its UTF-8 copy in memory.
    let readPath: String
    /// The encoding the file was read in.
    let encoding: String
    /// A file of one column: GDAL 3.6's CSV driver refuses a header line with no separator (3.7
    /// reads it), so the copy GDAL reads ends its header with a comma, and the reader drops the
    /// empty column that makes.
    let paddedHeader: Bool
    private let memoryPath: String?
    private let scan: LineScan

    init(path: String, encoding requested: String?) throws {
        let given = try requested.map(Self.checkEncoding)
        let head = try Self.readHead(path)
        let bom: (name: String, skip: Int)? =
            head.starts(with: [0xEF, 0xBB, 0xBF])
            ? ("UTF-8", 3) : head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) ? ("UTF-16", 0) : nil
        var source = given ?? bom?.name
        if source == nil, Self.looksLikeUTF16(head) {
            throw GridplanError(
                .badInput, "the file looks like UTF-16 text without a byte order mark, which gridplan does not guess", source: .file(path),
                hint: "save it as UTF-8, or give \(setting: "encoding") UTF-16LE (or UTF-16BE)")
        }
        let skip = source == "UTF-8" || source == nil ? (bom?.name == "UTF-8" ? 3 : 0) : 0
        let wide = source.map { $0.uppercased().hasPrefix("UTF-16") || $0.uppercased().hasPrefix("UCS-2") } ?? false
        let header = head.dropFirst(skip).prefix { $0 != 0x0A }
        let oneColumn = !wide && !header.isEmpty && !header.contains { $0 == 0x2C || $0 == 0x3B || $0 == 0x09 }
        paddedHeader = oneColumn
        if source == nil || source == "UTF-8" {
            // Read as UTF-8 first, without copying: most files need nothing more.
            let first = try Self.convert(path, from: "UTF-8", skip: skip, into: nil, probing: source == nil)
            if first.problems.isEmpty && !oneColumn {
                (readPath, encoding, memoryPath, scan) = (path, "UTF-8", nil, first)
                return
            }
            // Mostly bad bytes and few lines of valid UTF-8 beyond ASCII: Chinese text in GBK.
            if source == nil && first.badLines > first.utf8Lines { source = "GB18030" }
            if first.problems.isEmpty { source = "UTF-8" }
        }
        let memory = "/vsimem/gridplan-\(UUID().uuidString)/\((path as NSString).lastPathComponent)"
        guard let file = VSIFOpenL(memory, "wb") else { throw GridplanError(.failed, "cannot make a UTF-8 copy in memory", source: .file(path)) }
        let scanned: LineScan
        do {
            defer { VSIFCloseL(file) }
            scanned = try Self.convert(path, from: source ?? "UTF-8", skip: skip, into: file, padHeader: oneColumn)
        } catch {
            VSIUnlink(memory)
            throw error
        }
        (readPath, encoding, memoryPath, scan) = (memory, source ?? "UTF-8", memory, scanned)
    }

    deinit {
        if let memoryPath { VSIUnlink(memoryPath) }
    }

    /// The lines record `k` came from (0: the header, 1: the first row), nil past the last.
    func lines(ofRecord k: Int) -> ClosedRange<Int>? {
        guard k >= 0, k < scan.firstLines.count else { return nil }
        return Int(scan.firstLines[k])...Int(scan.lastLines[k])
    }

    /// Why record `k` cannot be read as it stands, nil when it can.
    func problem(ofRecord k: Int) -> String? {
        if let swallowed = scan.recordProblems[k] { return swallowed }
        guard !scan.problems.isEmpty, let lines = lines(ofRecord: k) else { return nil }
        for line in lines { if let p = scan.problems[line] { return lines.count > 1 ? "line \(line): \(p)" : p } }
        return nil
    }

    /// `name` when iconv knows it (`UTF8` spelled `UTF-8`); a clear refusal otherwise, rather
    /// than text read in the wrong encoding.
    static func checkEncoding(_ name: String) throws -> String {
        let upper = name.uppercased()
        if upper == "UTF-8" || upper == "UTF8" { return "UTF-8" }
        let cd = iconv_open("UTF-8", name)
        guard cd != iconv_t(bitPattern: -1) else {
            throw GridplanError(
                .badArgument, "\(setting: "encoding") \(name): not an encoding gridplan knows",
                hint: "give e.g. GB18030 (or GBK, CP936) for Chinese Windows files, BIG5, UTF-16, UTF-8; `iconv -l` lists them all")
        }
        iconv_close(cd)
        return name
    }

    private static func readHead(_ path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw GridplanError(.failed, "cannot read the file", source: .file(path)) }
        defer { try? handle.close() }
        return Array((try handle.read(upToCount: 4096)) ?? Data())
    }

    /// UTF-16 text puts a NUL beside every ASCII character (digits, commas, line breaks), always
    /// on the same side: at least a quarter of one side's bytes, almost none of the other's.
    private static func looksLikeUTF16(_ head: [UInt8]) -> Bool {
        guard head.count >= 8 else { return false }
        let even = stride(from: 0, to: head.count, by: 2).filter { head[$0] == 0 }.count
        let odd = stride(from: 1, to: head.count, by: 2).filter { head[$0] == 0 }.count
        let half = head.count / 2
        return max(even, odd) * 4 >= half && min(even, odd) * 20 < half
    }

    /// Reads `path` in chunks, converting from `source` to UTF-8 and scanning the lines; writes the
    /// UTF-8 text to `file` when one is given. Each byte iconv cannot map becomes U+FFFD, and so
    /// does a NUL, each recorded with its line.
    /// `probing`: only to tell whether the file is UTF-8; stops once it clearly is not.
    static func convert(
        _ path: String, from source: String, skip: Int, into file: UnsafeMutablePointer<VSILFILE>?, probing: Bool = false,
        padHeader: Bool = false
    ) throws -> LineScan {
        let cd = iconv_open("UTF-8", source)
        guard cd != iconv_t(bitPattern: -1) else { _ = try checkEncoding(source); throw GridplanError(.failed, "iconv cannot convert") }
        defer { iconv_close(cd) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw GridplanError(.failed, "cannot read the file", source: .file(path)) }
        defer { try? handle.close() }
        let unit = source.uppercased().hasPrefix("UTF-16") || source.uppercased().hasPrefix("UCS-2") ? 2 : 1
        var scan = LineScan()
        scan.padHeader = padHeader
        var pending: [UInt8] = []
        var output = [UInt8](repeating: 0, count: 1 << 18)
        var skipLeft = skip
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        func emit(_ bytes: UnsafeBufferPointer<UInt8>) {
            var start = 0
            for i in bytes.indices where bytes[i] == 0 {
                scan.feed(UnsafeBufferPointer(rebasing: bytes[start..<i]), to: file)
                scan.problem("a NUL byte (0x00), which ends a value for GDAL")
                replacement.withUnsafeBufferPointer { scan.feed($0, to: file) }
                start = i + 1
            }
            scan.feed(UnsafeBufferPointer(rebasing: bytes[start...]), to: file)
        }
        while true {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            let atEnd = chunk.isEmpty
            pending += chunk
            if skipLeft > 0 {
                let n = min(skipLeft, pending.count)
                pending.removeFirst(n)
                skipLeft -= n
            }
            var consumed = 0
            pending.withUnsafeMutableBytes { raw in
                output.withUnsafeMutableBufferPointer { out in
                    let base = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                    var inPtr: UnsafeMutablePointer<CChar>? = base
                    var inLeft = raw.count
                    while inLeft > 0 {
                        var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self)
                        var outLeft = out.count
                        let result = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                        let failure = result == -1 ? errno : 0
                        emit(UnsafeBufferPointer(rebasing: out[0..<(out.count - outLeft)]))
                        if failure == 0 || failure == E2BIG { continue }
                        // A character cut by the end of the chunk: wait for its rest.
                        if failure == EINVAL && !atEnd { break }
                        let n = min(inLeft, unit)
                        let shown = (0..<n).map { String(format: "0x%02X", UInt8(bitPattern: inPtr![$0])) }.joined(separator: " ")
                        scan.problem(
                            failure == EINVAL
                                ? "the file ends inside a character (\(shown)) that is not complete \(source)"
                                : "\(shown) cannot be read as \(source) (shown as U+FFFD in the value)")
                        replacement.withUnsafeBufferPointer { scan.feed($0, to: file) }
                        inPtr = inPtr! + n
                        inLeft -= n
                    }
                    consumed = raw.count - inLeft
                }
            }
            pending.removeFirst(consumed)
            if atEnd || (probing && scan.badLines >= 50 && scan.badLines > 10 * scan.utf8Lines) { break }
        }
        scan.finish()
        return scan
    }
}

/// What a pass over a CSV's UTF-8 text finds: where each record starts and ends, which lines
/// hold bytes that could not be read, and records that swallowed lines looking like rows.
struct LineScan {
    var firstLines: [Int32] = []
    var lastLines: [Int32] = []
    var problems: [Int: String] = [:]
    var recordProblems: [Int: String] = [:]
    /// Lines with bytes that could not be read, and lines with valid UTF-8 beyond ASCII.
    var badLines = 0
    var utf8Lines = 0
    /// Writes a comma at the end of the first line (a one-column file, for GDAL 3.6).
    var padHeader = false
    private var headerPadded = false

    private var line = 1
    private var hasContent = false
    private var nonASCII = false
    private var inQuote = false
    private var recordFirst = 0
    private var recordOpen = false
    private var commas = 0
    private var headerCommas = -1
    private var rowLikeLines = 0

    mutating func problem(_ reason: String) {
        if problems[line] == nil {
            problems[line] = reason
            badLines += 1
        }
    }

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, to file: UnsafeMutablePointer<VSILFILE>?) {
        guard !bytes.isEmpty else { return }
        if let file {
            // The header of a one-column file gets a comma before its line break (see CSVText.paddedHeader).
            if padHeader && !headerPadded, let end = bytes.firstIndex(of: 0x0A) {
                let cut = end > 0 && bytes[end - 1] == 0x0D ? end - 1 : end
                _ = VSIFWriteL(bytes.baseAddress, 1, cut, file)
                _ = VSIFWriteL([UInt8(ascii: ",")], 1, 1, file)
                _ = VSIFWriteL(bytes.baseAddress! + cut, 1, bytes.count - cut, file)
                headerPadded = true
            } else {
                _ = VSIFWriteL(bytes.baseAddress, 1, bytes.count, file)
            }
        }
        for byte in bytes {
            switch byte {
            case 0x0A: endLine()
            case 0x0D: break
            case 0x22: hasContent = true; inQuote.toggle()
            case 0x2C: hasContent = true; commas += 1
            default:
                hasContent = true
                if byte >= 0x80 { nonASCII = true }
            }
        }
    }

    private mutating func endLine() {
        if !recordOpen {
            if hasContent {
                recordOpen = true
                recordFirst = line
                rowLikeLines = 0
            }
        } else if headerCommas > 0 && commas >= headerCommas {
            rowLikeLines += 1
        }
        if nonASCII && problems[line] == nil { utf8Lines += 1 }
        if recordOpen && !inQuote { closeRecord(at: line, unclosed: false) }
        line += 1
        hasContent = false
        nonASCII = false
        commas = 0
    }

    private mutating func closeRecord(at last: Int, unclosed: Bool) {
        if firstLines.isEmpty { headerCommas = commas }
        let k = firstLines.count
        firstLines.append(Int32(recordFirst))
        lastLines.append(Int32(last))
        recordOpen = false
        let taken = last - recordFirst + 1
        if unclosed {
            recordProblems[k] =
                "a quote (\") opened on line \(recordFirst) is never closed: lines \(recordFirst)–\(last) (\(taken) lines) "
                + "were read as one row"
        } else if rowLikeLines > 0 {
            recordProblems[k] =
                "lines \(recordFirst)–\(last) (\(taken) lines) were read as one row: an unbalanced quote (\") swallowed "
                + "\(rowLikeLines) lines that look like rows of their own"
        }
    }

    /// Ends the last line (one without a line break) and a record still open at the end of the file.
    mutating func finish() {
        if hasContent { endLine() }
        if recordOpen { closeRecord(at: line - 1, unclosed: true) }
    }
}
