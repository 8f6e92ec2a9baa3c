import Foundation
import GridFormats
import GridProjection
import GridTestSupport
import Testing

@testable import Cases

/// A plain CSV read from its bytes gives the rows GDAL's CSV driver gives: the same values,
/// numbers, lines, coordinates and problems, from any row on.
@Suite struct CaseReaderBytesTests {
    let folder = TemporaryFolder()

    /// Each row as text: number, line(s), values (null apart from empty text), coordinates, problems.
    static func rows(_ reader: CaseReader, skip: Int = 0) throws -> [String] {
        var rows: [String] = []
        try reader.forEachBatch(size: 3, skip: skip) { batch in
            for r in batch {
                let values = r.values.map { v -> String in
                    switch v {
                    case .null: "∅"
                    case .text(let t): "«\(t)»"
                    default: "?\(v)"
                    }
                }
                let coordinates = [r.sourceX, r.sourceY, r.lon, r.lat].map { $0.map { "\($0)" } ?? "-" }
                rows.append(
                    "\(r.number) \(r.line) \(r.lines.map { "\($0)" } ?? "") \(values.joined(separator: "|")) \(coordinates) "
                        + "\(r.problem ?? "") \(r.unreadable ?? "")")
            }
        }
        return rows
    }

    func bothReaders(_ text: String, name: String = "cases.csv") throws -> (bytes: CaseReader, gdal: CaseReader) {
        let path = folder.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (try CaseReader(path: path, crs: .wgs84), try CaseReader(path: path, crs: .wgs84, bytes: false))
    }

    @Test func oddButPlainRowsReadAsGDALReadsThem() throws {
        let text =
            "\u{FEFF}id,lon,lat,address,note\r\n"
            + "A1,110.36,21.27,\"湛江市赤坎区, 中华街道 1号\",\"say \"\"hi\"\"\"\r\n"
            + "\r\n"
            + "A2, 110.37 ,\t21.28,\"two\nlines\",x\n"
            + "\n\n"
            + "A3,,,only an address\n"
            + "A4,east,21.2,bad number,\n"
            + "A5,21.2,110.3,swapped\n"
            + "A6,110.1,21.1,extra,fields,here,\n"
            + "   \n"
            + "A7,\"110.2\",\"21.2\",\"three\r\nlines\r\nhere\",\"\"\n"
            + "A8,110.3,21.3,,last line without a break"
        let (bytes, gdal) = try bothReaders(text)
        guard case .plain = bytes.source else {
            Issue.record("the file was not read from its bytes")
            return
        }
        let expected = try Self.rows(gdal)
        #expect(expected.count == 9)
        #expect(bytes.rowCount == gdal.rowCount && bytes.fieldNames == gdal.fieldNames && bytes.unitName == gdal.unitName)
        #expect(try Self.rows(bytes) == expected)
        for skip in [1, 4, 8, 9, 20] {
            #expect(try Self.rows(bytes, skip: skip) == Self.rows(gdal, skip: skip), "skip \(skip)")
        }
    }

    @Test func manyRowsAcrossChunks() throws {
        var text = "id,lon,lat,address\n"
        for i in 0..<3_000 {
            text += i % 7 == 0 ? "C\(i),,,\"地址\n第\(i)号\"\n" : "C\(i),110.\(i % 100),21.\(i % 90),addr \(i)\n"
            if i % 500 == 0 { text += "\n" }
        }
        let (bytes, gdal) = try bothReaders(text, name: "many.csv")
        guard case .plain(let csv) = bytes.source else {
            Issue.record("the file was not read from its bytes")
            return
        }
        // Chunks of a few hundred bytes: records and line counts carried across their edges.
        func features(_ chunkBytes: Int) throws -> [String] {
            var rows: [String] = []
            try csv.forEachFeature(skip: 2_000, chunkBytes: chunkBytes) { rows.append("\($0.number) \($0.lines!) \($0.values)") }
            return rows
        }
        let whole = try features(PlainCSV.chunkBytes)
        #expect(whole.count == 1_000 && whole.first?.hasPrefix("2001 ") == true)
        #expect(try features(300) == whole)
        #expect(try Self.rows(bytes) == Self.rows(gdal))
    }

    @Test func filesThatAreNotPlainAreReadThroughGDAL() throws {
        for (name, text) in [
            ("unbalanced.csv", "id,lon,lat\nA,1,2\nB,\"1,2\nC,3,4\n"), ("nul.csv", "id,lon,lat\nA,1,2\u{0}\n"),
            ("loose-quote.csv", "id,lon,lat\nA,1\"x,2\n"), ("wkt.csv", "id,wkt\nA,\"POINT (1 2)\"\n"),
        ] {
            let (bytes, _) = try bothReaders(text, name: name)
            guard case .gdal = bytes.source else {
                Issue.record("\(name) was read from its bytes")
                continue
            }
        }
    }
}
