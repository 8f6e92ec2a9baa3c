/// Where the records of a chunk of CSV bytes are, found by one pass over the bytes.
public struct CSVRecords: Sendable {
    /// Each record's first byte and the byte after its last (its line break left out).
    public var starts: [Int] = []
    public var ends: [Int] = []
    /// Whether a record's bytes are already what a CSV writer would write for its values: exactly
    /// the file's number of fields, each quoted only when its value holds a comma, quote or line
    /// break. Such a record is copied as it stands; the others are written again from their values.
    public var verbatim: [Bool] = []
    /// The raw bytes (quotes included) of the picked columns, two offsets per column and record,
    /// -1 for a column the record does not have.
    public var picked: [Int] = []

    public var count: Int { starts.count }

    public init() {}
}

/// A scanner of CSV records that accepts only what GDAL's CSV driver reads exactly as RFC 4180
/// says: valid UTF-8 without NUL, comma separated, a quote only around a whole field (doubled
/// inside it), CR only before LF. Anything else is `notPlain`, and such a file is read through
/// GDAL instead, whose handling of odd bytes stays the rule. Blank lines are skipped, as GDAL does.
///
/// It also refuses a record that the line scan of ``CSVText`` would set aside: one whose quoted
/// value spans lines that each hold as many commas as the header (an unbalanced quote
/// swallowing rows).
enum CSVRecordScan {
    enum Outcome {
        /// Records were scanned up to this offset; the rest is an unfinished record.
        case consumed(Int)
        case notPlain
    }

    /// The longest record read in bytes (GDAL's CSV driver has a line limit of its own).
    static let maxRecordBytes = 1 << 20

    static let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

    /// Scans the whole records of `bytes`, appending them to `records`. `atEnd`: the bytes end the
    /// file, so a last record without a line break is whole. `columns`: the header's field count;
    /// `pick`: the columns whose raw bytes are wanted; `headerCommas`: the commas on the header's
    /// line (0 while scanning the header itself).
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, atEnd: Bool, columns: Int, pick: [Int], headerCommas: Int, into records: inout CSVRecords
    ) -> Outcome {
        let n = bytes.count
        var i = 0
        let pickA = pick.count > 0 ? pick[0] : -1, pickB = pick.count > 1 ? pick[1] : -1
        precondition(pick.count <= 2, "at most two picked columns")
        let pickWidth = 2 * pick.count
        records: while i < n {
            // Blank lines between records.
            if bytes[i] == lf { i += 1; continue }
            if bytes[i] == cr {
                guard i + 1 < n else { return atEnd ? .notPlain : .consumed(i) }
                guard bytes[i + 1] == lf else { return .notPlain }
                i += 2
                continue
            }
            let start = i
            let pickBase = records.picked.count
            for _ in 0..<pickWidth { records.picked.append(-1) }
            var p = i, field = 0, canonical = true, lineCommas = 0, continuation = false
            /// An unfinished record: wait for more bytes, or refuse it at the end of the file or when too long.
            func unfinished() -> Outcome {
                records.picked.removeSubrange(pickBase...)
                return atEnd || n - start > maxRecordBytes ? .notPlain : .consumed(start)
            }
            while true {
                let fieldStart = p
                if p < n && bytes[p] == quote {
                    p += 1
                    var special = false, hasCR = false
                    quoted: while true {
                        guard p < n else { return unfinished() }
                        let b = bytes[p]
                        if b == quote {
                            guard p + 1 < n else {
                                if atEnd { p += 1; break quoted }
                                return unfinished()
                            }
                            if bytes[p + 1] == quote {
                                special = true
                                p += 2
                                continue
                            }
                            p += 1
                            break quoted
                        } else if b == lf {
                            if continuation && headerCommas > 0 && lineCommas >= headerCommas { return .notPlain }
                            continuation = true
                            lineCommas = 0
                            special = true
                            p += 1
                        } else if b == cr {
                            guard p + 1 < n else { return unfinished() }
                            guard bytes[p + 1] == lf else { return .notPlain }
                            hasCR = true
                            p += 1
                        } else if b == comma {
                            special = true
                            lineCommas += 1
                            p += 1
                        } else if b < 0x80 {
                            if b == 0 { return .notPlain }
                            p += 1
                        } else {
                            let length = utf8Length(bytes, p)
                            if length == 0 { return .notPlain }
                            if length < 0 { return unfinished() }
                            p += length
                        }
                    }
                    if !special || hasCR { canonical = false }
                } else {
                    while p < n {
                        let b = bytes[p]
                        if b == comma || b == lf || b == cr { break }
                        if b < 0x80 {
                            if b == quote || b == 0 { return .notPlain }
                            p += 1
                        } else {
                            let length = utf8Length(bytes, p)
                            if length == 0 { return .notPlain }
                            if length < 0 { return unfinished() }
                            p += length
                        }
                    }
                }
                if field == pickA {
                    records.picked[pickBase] = fieldStart
                    records.picked[pickBase + 1] = p
                }
                if field == pickB {
                    records.picked[pickBase + 2] = fieldStart
                    records.picked[pickBase + 3] = p
                }
                // After a field: a comma, the end of the record, or nothing else.
                let end = p
                if p == n {
                    guard atEnd else { return unfinished() }
                } else if bytes[p] == comma {
                    lineCommas += 1
                    field += 1
                    p += 1
                    continue
                } else if bytes[p] == lf {
                    p += 1
                } else if bytes[p] == cr {
                    guard p + 1 < n else { return unfinished() }
                    guard bytes[p + 1] == lf else { return .notPlain }
                    p += 2
                } else {
                    return .notPlain
                }
                if continuation && headerCommas > 0 && lineCommas >= headerCommas { return .notPlain }
                if p - start > maxRecordBytes { return .notPlain }
                records.starts.append(start)
                records.ends.append(end)
                records.verbatim.append(canonical && field + 1 == columns)
                i = p
                continue records
            }
        }
        return .consumed(i)
    }

    /// The length of the UTF-8 sequence at `p` (2–4), 0 when it is not well-formed (Unicode's
    /// table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF), -1 when the bytes end
    /// inside it.
    @inline(__always)
    static func utf8Length(_ bytes: UnsafeBufferPointer<UInt8>, _ p: Int) -> Int {
        let b0 = bytes[p]
        let length: Int, low: UInt8, high: UInt8
        switch b0 {
        case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
        case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
        case 0xED: (length, low, high) = (3, 0x80, 0x9F)
        case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
        case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
        default: return 0
        }
        for k in 1..<length {
            guard p + k < bytes.count else { return -1 }
            let b = bytes[p + k]
            if k == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xBF) { return 0 }
        }
        return length
    }
}

/// Values of scanned records, and fields written as a CSV writer writes them.
public enum CSVBytes {
    /// Appends the value of a raw field: quotes taken off, a doubled quote made one, and the CR
    /// of a quoted CR LF dropped (GDAL reads a line break inside quotes as LF).
    public static func appendValue(of raw: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard let first = raw.first, first == CSVRecordScan.quote else {
            out.append(contentsOf: raw)
            return
        }
        var p = 1
        let end = raw.count - 1 // the closing quote
        while p < end {
            let b = raw[p]
            if b == CSVRecordScan.quote {
                out.append(b)
                p += 2
            } else {
                if b != CSVRecordScan.cr { out.append(b) }
                p += 1
            }
        }
    }

    /// Appends `value` as a CSV field: quoted (its quotes doubled) when it holds a comma, quote or
    /// line break, else as it is.
    public static func appendField(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard value.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            out.append(contentsOf: value)
            return
        }
        out.append(CSVRecordScan.quote)
        for b in value {
            if b == CSVRecordScan.quote { out.append(b) }
            out.append(b)
        }
        out.append(CSVRecordScan.quote)
    }

    /// Appends a scanned record written again from its values, as exactly `columns` fields: those
    /// past the header's count dropped, missing ones empty (GDAL reads both so).
    public static func appendRecord(_ record: UnsafeBufferPointer<UInt8>, columns: Int, to out: inout [UInt8]) {
        let fields = fieldRanges(record)
        var value: [UInt8] = []
        for k in 0..<columns {
            if k > 0 { out.append(CSVRecordScan.comma) }
            guard k < fields.count else { continue }
            value.removeAll(keepingCapacity: true)
            appendValue(of: UnsafeBufferPointer(rebasing: record[fields[k]]), to: &value)
            value.withUnsafeBufferPointer { appendField($0, to: &out) }
        }
    }

    /// The values of one scanned record, as text.
    static func values(_ record: UnsafeBufferPointer<UInt8>) -> [String] {
        var scratch: [UInt8] = []
        return fieldRanges(record).map { text(of: UnsafeBufferPointer(rebasing: record[$0]), scratch: &scratch) }
    }

    /// The values of one scanned record as a layer's fields, as GDAL's CSV driver gives them:
    /// exactly `columns` texts, those past the header's count dropped, missing ones null. Made
    /// straight from the bytes (a case import reads millions of records).
    static func fieldValues(_ record: UnsafeBufferPointer<UInt8>, columns: Int) -> [FieldValue] {
        var values: [FieldValue] = []
        values.reserveCapacity(columns)
        var scratch: [UInt8] = []
        forEachField(record) { range in
            if values.count < columns { values.append(.text(text(of: UnsafeBufferPointer(rebasing: record[range]), scratch: &scratch))) }
        }
        while values.count < columns { values.append(.null) }
        return values
    }

    /// A field's value from its raw bytes: an unquoted one as it is, a quoted one through
    /// `scratch` without its quotes.
    private static func text(of raw: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8]) -> String {
        guard raw.first == CSVRecordScan.quote else { return String(decoding: raw, as: UTF8.self) }
        scratch.removeAll(keepingCapacity: true)
        appendValue(of: raw, to: &scratch)
        return String(decoding: scratch, as: UTF8.self)
    }

    /// The raw bytes of each field of a scanned record (quotes included).
    static func fieldRanges(_ record: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        forEachField(record) { ranges.append($0) }
        return ranges
    }

    /// Calls `body` with where each field of a scanned record lies, in turn (quotes included).
    private static func forEachField(_ record: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var p = 0
        while p <= record.count {
            let start = p
            if p < record.count && record[p] == CSVRecordScan.quote {
                p += 1
                while p < record.count {
                    if record[p] == CSVRecordScan.quote {
                        if p + 1 < record.count && record[p + 1] == CSVRecordScan.quote { p += 2; continue }
                        p += 1
                        break
                    }
                    p += 1
                }
            } else {
                while p < record.count && record[p] != CSVRecordScan.comma { p += 1 }
            }
            body(start..<p)
            p += 1 // the comma, or past the end
        }
    }
}
