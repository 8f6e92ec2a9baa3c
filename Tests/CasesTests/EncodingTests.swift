import Foundation
import GridErrors
import GridFormats
import GridProjection
import GridTestSupport
import Testing

@testable import Cases

/// Reading incident files in other encodings loses no row without saying so (issue 20): every row
/// is read, or set aside with its line and the reason.
@Suite struct EncodingTests {
    /// `n` rows in Chinese, with coordinates: `id,address,lon,lat`.
    static func lines(_ n: Int) -> [String] {
        ["id,address,lon,lat"] + (1...n).map { "C\($0),湛江市赤坎区中华街道\($0)号,110.39\($0 % 10),21.26" }
    }

    /// Every row the reader gives: (id, unreadable reason, first line).
    static func read(_ path: String, encoding: String? = nil) throws -> [(id: String, unreadable: String?, line: Int)] {
        let reader = try CaseReader(path: path, crs: .cgcs2000, encoding: encoding)
        var rows: [(String, String?, Int)] = []
        try reader.forEachBatch(size: 7) { batch in
            rows += batch.map { ($0.values[0].string ?? "", $0.unreadable, $0.line) }
        }
        return rows
    }

    /// The lines in GB18030, each ending in a line feed, converted by iconv (an independent encoder).
    static func gbk(_ lines: [String], in folder: TemporaryFolder) throws -> [Data] {
        let source = folder.write("utf8-\(UUID().uuidString).txt", lines.joined(separator: "\n") + "\n")
        let target = folder.path("gbk-\(UUID().uuidString).txt")
        let result = try run("sh", ["-c", "iconv -f UTF-8 -t GB18030 '\(source)' > '\(target)'"])
        #expect(result.status == 0, "\(result.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: target))
        return data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Data($0) + Data([0x0A]) }
    }

    /// A file of one column (addresses only), which GDAL 3.6's CSV driver refuses as it stands: read
    /// whole, with its one field and no other, in UTF-8 (with CRLF line ends) and in GBK.
    @Test func aOneColumnFileIsReadWithItsOneField() throws {
        let folder = TemporaryFolder()
        let utf8 = folder.write("one.csv", "address\r\n湛江市赤坎区中华街道1号\r\n湛江市赤坎区中华街道2号\r\n")
        let gbkPath = folder.path("one-gbk.csv")
        try Self.gbk(["address", "湛江市赤坎区中华街道1号", "湛江市赤坎区中华街道2号"], in: folder).reduce(Data(), +)
            .write(to: URL(fileURLWithPath: gbkPath))
        for path in [utf8, gbkPath] {
            let reader = try VectorReader(path: path)
            #expect(reader.fieldNames == ["address"])
            var values: [String] = []
            try reader.forEach { values.append($0.values.map { $0.string ?? "" }.joined(separator: "|")) }
            #expect(values == ["湛江市赤坎区中华街道1号", "湛江市赤坎区中华街道2号"], "\(path)")
        }
    }

    @Test func aNULInAGBKFileSetsOneRowAsideAndKeepsTheRest() throws {
        let folder = TemporaryFolder()
        var bytes = Data()
        for (i, line) in try Self.gbk(Self.lines(102), in: folder).enumerated() {
            var encoded = line
            if i == 3 { encoded.insert(0, at: encoded.index(encoded.startIndex, offsetBy: 2)) }
            bytes += encoded
        }
        let path = folder.path("gbk_nul.csv")
        try bytes.write(to: URL(fileURLWithPath: path))
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()))
        let rows = try Self.read(path)
        #expect(rows.count == 102)
        let unreadable = rows.filter { $0.unreadable != nil }
        #expect(unreadable.count == 1 && unreadable.first?.line == 4, "\(unreadable)")
        #expect(unreadable.first?.unreadable?.contains("NUL") == true)
        // Rows after the NUL are read, in Chinese.
        #expect(rows.last?.id == "C102")
        // No recoded copy of the file is left (or made) in the temporary folder.
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()))
        #expect(after.subtracting(before).filter { $0.contains("gbk_nul") }.isEmpty)
    }

    @Test func bytesThatAreNotGB18030AreLocated() throws {
        let folder = TemporaryFolder()
        var bytes = Data()
        for (i, line) in try Self.gbk(Self.lines(10), in: folder).enumerated() { bytes += (i == 6 ? Data([0xFF]) : Data()) + line }
        let path = folder.path("bad.csv")
        try bytes.write(to: URL(fileURLWithPath: path))
        let rows = try Self.read(path)
        #expect(rows.count == 10)
        let bad = rows.filter { $0.unreadable != nil }
        #expect(bad.map(\.line) == [7])
        #expect(bad.first?.unreadable?.contains("0xFF cannot be read as GB18030") == true, "\(bad)")
        // The same file read with the encoding given reads the same.
        #expect(try Self.read(path, encoding: "GBK").filter { $0.unreadable != nil }.map(\.line) == [7])
    }

    @Test func aUTF8FileWithOneBadByteStaysUTF8() throws {
        let folder = TemporaryFolder()
        var bytes = Data()
        for (i, line) in Self.lines(20).enumerated() { bytes += Data(line.utf8) + (i == 5 ? Data([0xC3]) : Data()) + Data([0x0A]) }
        let path = folder.path("mostly.csv")
        try bytes.write(to: URL(fileURLWithPath: path))
        let reader = try CaseReader(path: path, crs: .cgcs2000)
        var addresses: [String] = []
        try reader.forEachBatch(size: 100) { addresses += $0.map { $0.values[1].string ?? "" } }
        #expect(addresses.count == 20 && addresses[0] == "湛江市赤坎区中华街道1号")
        #expect(try Self.read(path).filter { $0.unreadable != nil }.map(\.line) == [6])
    }

    @Test func anUnknownEncodingIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.write("cases.csv", Self.lines(3).joined(separator: "\n"))
        let error = #expect(throws: GridplanError.self) { _ = try CaseReader(path: path, crs: .cgcs2000, encoding: "NOPE-42") }
        #expect(error?.kind == .badArgument && "\(error!)".contains("NOPE-42") && "\(error!)".contains("GB18030"))
    }

    @Test func utf16WithAByteOrderMarkIsRead() throws {
        let folder = TemporaryFolder()
        let text = Self.lines(12).joined(separator: "\r\n") + "\r\n"
        let path = folder.path("u16.csv")
        try text.data(using: .utf16LittleEndian).map { Data([0xFF, 0xFE]) + $0 }!.write(to: URL(fileURLWithPath: path))
        let rows = try Self.read(path)
        #expect(rows.count == 12 && rows.allSatisfy { $0.unreadable == nil } && rows[11].id == "C12" && rows[11].line == 13)
        // Without the mark, gridplan says what it looks like instead of reading NULs.
        let bare = folder.path("bare.csv")
        try text.data(using: .utf16LittleEndian)!.write(to: URL(fileURLWithPath: bare))
        let error = #expect(throws: GridplanError.self) { _ = try CaseReader(path: bare, crs: .cgcs2000) }
        #expect("\(error!)".contains("UTF-16") && error?.kind == .badInput)
        #expect(try Self.read(bare, encoding: "UTF-16LE").count == 12)
    }

    @Test func anUnbalancedQuoteReportsTheLinesItSwallowed() throws {
        let folder = TemporaryFolder()
        var lines = Self.lines(30)
        lines[5] = lines[5].replacingOccurrences(of: "湛江", with: "\"湛江")
        let path = folder.write("quote.csv", lines.joined(separator: "\n") + "\n")
        let rows = try Self.read(path)
        #expect(rows.count == 5)
        let swallowed = try #require(rows.last)
        #expect(swallowed.line == 6 && swallowed.unreadable?.contains("lines 6–31 (26 lines)") == true, "\(swallowed)")
        // A quoted value that spans two lines is one good row.
        let good = folder.write("multiline.csv", "id,address,lon,lat\nA,\"中华街道\n3号\",110.39,21.26\nB,x,110.39,21.26\n")
        #expect(try Self.read(good).map { "\($0.id) \($0.line) \($0.unreadable == nil)" } == ["A 2 true", "B 4 true"])
    }
}
