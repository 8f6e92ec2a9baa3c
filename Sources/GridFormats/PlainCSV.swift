import CGDAL
import Foundation
import GridErrors

/// A CSV file that can be read as bytes, without GDAL, with the same values GDAL reads: UTF-8
/// (a UTF-8 byte order mark allowed), comma separated, RFC 4180 quotes, a header of at least two
/// fields named as GDAL names them, all text, and every record plain (see ``CSVRecordScan``).
///
/// Deciding takes one pass over the file, before anything is written: a file that is not plain
/// in any record is read whole through ``VectorReader``, so odd files keep GDAL's handling
/// (encodings, unreadable rows set aside with their lines) and plain ones are read many times
/// faster.
public struct PlainCSV: Sendable {
    public let path: String
    /// The header's fields, as ``VectorReader`` gives them.
    public let fieldNames: [String]
    /// The records after the header (blank lines skipped).
    public let rowCount: Int
    /// Where the first record after the header starts.
    let bodyOffset: Int
    let headerCommas: Int

    /// How many bytes a chunk reads at a time.
    public static let chunkBytes = 4 << 20

    /// The file at `path` when it is plain; nil when it must be read through GDAL (another
    /// encoding given, not a `.csv`, anything in it the byte reader cannot be sure of).
    public static func open(path: String, encoding: String?) -> PlainCSV? {
        guard path.lowercased().hasSuffix(".csv") else { return nil }
        if let encoding, !["UTF-8", "UTF8"].contains(encoding.uppercased()) { return nil }
        guard let file = try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)) else { return nil }
        defer { try? file.close() }
        guard let head = try? file.read(upToCount: 1 << 16), !head.isEmpty else { return nil }
        let bytes = [UInt8](head)
        let skip = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        // The header: the first line, whole within the head, and a record of its own.
        guard skip < bytes.count, let lineEnd = bytes[skip...].firstIndex(of: CSVRecordScan.lf) ?? (bytes.count < 1 << 16 ? bytes.count : nil)
        else { return nil }
        let header = Array(bytes[skip..<min(lineEnd + 1, bytes.count)])
        var records = CSVRecords()
        let names: [String]? = header.withUnsafeBufferPointer { buffer in
            guard case .consumed = CSVRecordScan.scan(buffer, atEnd: true, columns: 0, pick: [], headerCommas: 0, into: &records),
                records.count == 1, records.starts[0] == 0
            else { return nil }
            return CSVBytes.values(UnsafeBufferPointer(rebasing: buffer[records.starts[0]..<records.ends[0]]))
        }
        guard let names, names.count >= 2, names == VectorReader.plainCSVFieldNames(path) else { return nil }
        let commas = header.count { $0 == CSVRecordScan.comma }
        let bodyOffset = skip + header.count
        guard let rows = countRecords(path, from: bodyOffset, columns: names.count, headerCommas: commas) else { return nil }
        return PlainCSV(path: path, fieldNames: names, rowCount: rows, bodyOffset: bodyOffset, headerCommas: commas)
    }

    /// The records from `offset` on, nil when any is not plain.
    private static func countRecords(_ path: String, from offset: Int, columns: Int, headerCommas: Int) -> Int? {
        guard let chunks = try? PlainCSVReader(path: path, offset: offset, columns: columns, pick: [], headerCommas: headerCommas) else {
            return nil
        }
        var count = 0
        do {
            while let chunk = try chunks.next() { count += chunk.records.count }
        } catch {
            return nil
        }
        return count
    }

    /// A reader of the records after the header, in chunks, with the raw bytes of up to two
    /// `pick`ed columns.
    public func reader(pick: [Int], chunkBytes: Int = PlainCSV.chunkBytes) throws -> PlainCSVReader {
        try PlainCSVReader(
            path: path, offset: bodyOffset, columns: fieldNames.count, pick: pick, headerCommas: headerCommas, chunkBytes: chunkBytes)
    }
}

/// Some whole records of a plain CSV: their bytes and where each is.
public struct CSVChunk: Sendable {
    public var bytes: [UInt8]
    public var records: CSVRecords
}

/// Reads a plain CSV's records in chunks of a few megabytes, each holding whole records: what
/// one chunk leaves unfinished starts the next. Used by one thread at a time.
public final class PlainCSVReader {
    private let fd: Int32
    private let path: String
    private let columns: Int, pick: [Int], headerCommas: Int, chunkBytes: Int
    private var carry: [UInt8] = []
    private var atEnd = false

    init(path: String, offset: Int, columns: Int, pick: [Int], headerCommas: Int, chunkBytes: Int = PlainCSV.chunkBytes) throws {
        fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GridplanError(.failed, "cannot read the file (\(String(cString: strerror(errno))))", source: .file(path)) }
        guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
            Foundation.close(fd)
            throw GridplanError(.failed, "cannot read the file", source: .file(path))
        }
        self.path = path
        self.columns = columns
        self.pick = pick
        self.headerCommas = headerCommas
        self.chunkBytes = max(1, chunkBytes)
    }

    deinit { Foundation.close(fd) }

    /// The next chunk, nil at the end of the file. Throws when a record is not plain (the file
    /// changed since it was checked) or the file cannot be read.
    public func next() throws -> CSVChunk? {
        while true {
            if atEnd && carry.isEmpty { return nil }
            var bytes = carry
            if !atEnd {
                let have = bytes.count
                bytes.reserveCapacity(have + chunkBytes)
                var got = 0
                bytes.append(contentsOf: repeatElement(0, count: chunkBytes))
                let failed = bytes.withUnsafeMutableBytes { raw -> Bool in
                    while got < chunkBytes {
                        let r = read(fd, raw.baseAddress! + have + got, chunkBytes - got)
                        if r < 0 && errno == EINTR { continue }
                        if r < 0 { return true }
                        if r == 0 { atEnd = true; break }
                        got += r
                    }
                    return false
                }
                guard !failed else { throw GridplanError(.failed, "cannot read the file (\(String(cString: strerror(errno))))", source: .file(path)) }
                bytes.removeLast(chunkBytes - got)
            }
            var records = CSVRecords()
            let outcome = bytes.withUnsafeBufferPointer {
                CSVRecordScan.scan($0, atEnd: atEnd, columns: columns, pick: pick, headerCommas: headerCommas, into: &records)
            }
            guard case .consumed(let used) = outcome else {
                throw GridplanError(.failed, "the file changed while it was read", source: .file(path))
            }
            carry = Array(bytes[used...])
            if atEnd && !carry.isEmpty {
                throw GridplanError(.failed, "the file changed while it was read", source: .file(path))
            }
            if records.count > 0 {
                bytes.removeLast(bytes.count - used)
                return CSVChunk(bytes: bytes, records: records)
            }
        }
    }
}

extension VectorReader {
    /// The field names GDAL's CSV driver gives the file, opened as ``VectorReader`` opens it; nil
    /// when it cannot open it or any field is not text (a `.csvt` beside it, say).
    static func plainCSVFieldNames(_ path: String) -> [String]? {
        _ = GDAL.ready
        let dataset = GDAL.withStringList(csvOpenOptions) { options in
            GDALOpenEx(path, UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY), nil, options, nil)
        }
        guard let dataset else { return nil }
        defer { GDALClose(dataset) }
        guard GDALDatasetGetLayerCount(dataset) == 1, let layer = GDALDatasetGetLayer(dataset, 0) else { return nil }
        let definition = OGR_L_GetLayerDefn(layer)
        var names: [String] = []
        for i in 0..<OGR_FD_GetFieldCount(definition) {
            let field = OGR_FD_GetFieldDefn(definition, i)
            guard OGR_Fld_GetType(field) == OFTString else { return nil }
            names.append(String(cString: OGR_Fld_GetNameRef(field)))
        }
        return names
    }
}

extension PlainCSV {
    /// Calls `body` with each record after the first `skip`, as ``VectorReader/forEach(keepingUnreadable:_:)``
    /// gives a CSV's features: numbered from 1, every value text (fields past the header's count
    /// dropped, missing ones null), the lines it came from (the header is line 1; blank lines
    /// counted, not numbered), never unreadable (a plain file has nothing GDAL could not read).
    /// Values are made only for the records `body` gets.
    public func forEachFeature(skip: Int = 0, chunkBytes: Int = PlainCSV.chunkBytes, _ body: (VectorFeature) throws -> Void) throws {
        let chunks = try reader(pick: [], chunkBytes: chunkBytes)
        let index = VectorFeature.fieldIndex(fieldNames)
        var number = 0, line = 2 // the header is one line (see `open`)
        while let chunk = try chunks.next() {
            var features: [VectorFeature] = []
            chunk.bytes.withUnsafeBufferPointer { bytes in
                func breaks(_ from: Int, _ to: Int) -> Int {
                    var count = 0
                    for k in from..<to where bytes[k] == CSVRecordScan.lf { count += 1 }
                    return count
                }
                var at = 0
                for r in 0..<chunk.records.count {
                    let (start, end) = (chunk.records.starts[r], chunk.records.ends[r])
                    line += breaks(at, start)
                    let first = line
                    line += breaks(start, end)
                    at = end
                    number += 1
                    guard number > skip else { continue }
                    let values = CSVBytes.fieldValues(UnsafeBufferPointer(rebasing: bytes[start..<end]), columns: fieldNames.count)
                    features.append(
                        VectorFeature(
                            number: number, fid: Int64(number), values: values, wkb: nil, lines: first...line, unreadable: nil,
                            fieldIndex: index))
                }
                line += breaks(at, bytes.count)
            }
            for feature in features { try body(feature) }
        }
    }
}
