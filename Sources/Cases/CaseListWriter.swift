package import Foundation

/// Writes a list of cases as it is read, as a table, CSV or GeoJSON: the bytes the whole list
/// written at once gives (the GeoJSON as `JSONOutput` writes ``CaseFeatureCollectionJSON``, without
/// a line break after it), with memory flat in the number of cases. An export of a backlog of
/// millions otherwise held every case, and the encoder's tree of them, at once (1 M cases as
/// GeoJSON: 4.4 GB, 36 s).
package final class CaseListWriter {
    package enum Format: Sendable { case table, csv, geojson }

    private let format: Format
    /// Nil: the bytes are kept, for ``finish()`` to return (a server's answer).
    private let output: FileHandle?
    private var buffer: [UInt8] = []
    /// Cases written so far.
    package private(set) var count = 0

    /// Writes the list's head at once.
    package init(_ format: Format, to output: FileHandle?) {
        self.format = format
        self.output = output
        buffer.reserveCapacity(1 << 20)
        switch format {
        case .table: append(CaseRecord.printedColumns.joined(separator: "\t") + "\n")
        case .csv: append(CaseRecord.printedColumns.joined(separator: ",") + "\n")
        case .geojson: append("{\n  \"features\" : [")
        }
    }

    package func write(_ record: CaseRecord) throws {
        let values = record.columnValues
        switch format {
        case .table, .csv:
            for (i, value) in values.enumerated() {
                if i > 0 { buffer.append(format == .csv ? 0x2C : 0x09) }
                if format == .csv { AssignBytes.appendField(value, to: &buffer) } else { append(value) }
            }
            buffer.append(0x0A)
        case .geojson: feature(record, values)
        }
        count += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes the list's end; returns the whole list when there is no output to write to.
    @discardableResult
    package func finish() throws -> [UInt8] {
        if format == .geojson { append((count == 0 ? "]" : "\n  ]") + ",\n  \"type\" : \"FeatureCollection\"\n}") }
        guard output != nil else { return buffer }
        try flush()
        return []
    }

    private func flush() throws {
        guard let output else { return }
        try output.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func append(_ text: String) { buffer.append(contentsOf: text.utf8) }

    /// The properties in the order of their keys (as the encoder's sorted keys), lon and lat left
    /// to the geometry, each with its position in ``CaseRecord/printedColumns``.
    private static let properties: [(key: String, index: Int)] = CaseRecord.printedColumns.enumerated()
        .filter { $0.element != "lon" && $0.element != "lat" }.map { ($0.element, $0.offset) }
        .sorted { Array($0.key.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.key.unicodeScalars.map(\.value)) }

    /// One feature, pretty-printed at the depth of the collection's array.
    private func feature(_ r: CaseRecord, _ values: [String]) {
        append(count == 0 ? "\n    {\n" : ",\n    {\n")
        if let lon = r.lon, let lat = r.lat {
            append("      \"geometry\" : {\n        \"coordinates\" : [\n          ")
            append(Self.number(lon) + ",\n          " + Self.number(lat))
            append("\n        ],\n        \"type\" : \"Point\"\n      },\n")
        } else {
            append("      \"geometry\" : null,\n")
        }
        append("      \"properties\" : {")
        var first = true
        for (key, index) in Self.properties where !values[index].isEmpty {
            append(first ? "\n        \"" : ",\n        \"")
            append(key)
            append("\" : ")
            Self.string(values[index], into: &buffer)
            first = false
        }
        append(first ? "}" : "\n      }")
        append(",\n      \"type\" : \"Feature\"\n    }")
    }

    /// A double as the encoder writes it: the shortest form that reads back to the same value,
    /// without the `.0` of an integral one (`110`, `-0`, `1e+16`).
    static func number(_ x: Double) -> String {
        let text = x.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// A JSON string as the encoder writes it (slashes unescaped): quote, backslash and control
    /// characters escaped, everything else as it is.
    static func string(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        for byte in s.utf8 {
            switch byte {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, 0x62])
            case 0x0C: out.append(contentsOf: [0x5C, 0x66])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }
}
