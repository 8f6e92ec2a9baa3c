import Foundation
import GridErrors
import GridFormats
import GridProjection
import GridStore
import GridTestSupport
import Testing

@testable import Cases
@testable import Grids

/// `assign`'s byte path (PlainCSV, the pipeline) writes exactly what its GDAL path writes, byte
/// for byte, on every file it takes; and takes no file whose odd bytes only GDAL's path handles.
@Suite struct AssignStreamTests {
    let folder = TemporaryFolder()

    /// Two unit grids (west 西 of x=500 m, east 东) under a community, names with commas and quotes.
    func plan() throws -> Assigner {
        let store = try GeoPackage(path: folder.path("plan-\(UUID().uuidString).gpkg"), schema: CasesSchema.schema)
        var options = ImportOptions(level: .community); options.crs = .proj("EPSG:4546")
        _ = try GridImporter.run(
            file: folder.write("c.csv", "code,name,wkt\nC,\"社区, \"\"东\"\"\",\"\(box(0, 0, 1000, 1000))\"\n"), into: store, options: options)
        options.level = .unit
        _ = try GridImporter.run(
            file: folder.write(
                "u.csv", "code,name,parent,wkt\nU2,\"西,\"\"一\"\"\",C,\"\(box(0, 0, 500, 1000))\"\nU1,东,C,\"\(box(500, 0, 1000, 1000))\"\n"),
            into: store, options: options)
        return try Assigner(store: store, snapMetres: 30, indexCells: 10_000) // a small index: quick to build in a debug build
    }

    /// The output of both paths for `text` written to a `.csv`; `bytes` is nil when the file is not plain.
    func bothPaths(
        _ data: Data, assigner: Assigner, crs: CRS = .cgcs2000, chunkBytes: Int = 64, name: String = "in.csv",
        columns: [AssignFile.AddedColumn] = AssignFile.AddedColumn.allCases
    ) throws -> (gdal: Data?, bytes: Data?) {
        let path = folder.path(name)
        try data.write(to: URL(fileURLWithPath: path))
        let gdalOut = folder.path("gdal.csv"), bytesOut = folder.path("bytes.csv")
        // The GDAL path may refuse an odd file; the byte path must then not take it.
        let expected = try? AssignFile.run(
            reader: CaseReader(path: path, crs: crs), assigner: assigner, out: gdalOut, threads: 2, columns: columns, batchSize: 3)
        let gdal = expected == nil ? nil : try Data(contentsOf: URL(fileURLWithPath: gdalOut))
        guard let plain = PlainAssignInput(path: path, lonField: nil, latField: nil, crs: crs, encoding: nil) else { return (gdal, nil) }
        let report = try AssignFile.run(
            plain: plain, assigner: assigner, out: bytesOut, threads: 2, columns: columns, chunkBytes: chunkBytes)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: bytesOut))
        guard let expected else {
            Issue.record("the byte path took a file the GDAL path refuses")
            return (nil, bytes)
        }
        #expect(report.rows == expected.rows && report.byStatus == expected.byStatus && report.located == expected.located)
        #expect(plain.csv.rowCount == expected.rows)
        return (gdal, bytes)
    }

    func coordinates(_ x: Double, _ y: Double) -> String {
        let p = point(x, y)
        return String(format: "%.9f,%.9f", p.lon, p.lat)
    }

    /// Rows of every kind: inside, on the shared boundary, snapped, outside, empty, bad and
    /// swapped coordinates, quoted values with commas, quotes and line breaks, Chinese text,
    /// fields missing and extra, values quoted without need, spaces around numbers.
    func rows() -> [String] {
        [
            "1,一号,\(coordinates(250, 500)),note",
            "2,\"含,逗号\",\(coordinates(750, 500)),\"他说\"\"好\"\"\"",
            "3,boundary,\(coordinates(500, 500)),",
            "4,\"多\nline\",\(coordinates(1020, 500)),x",
            "5,outside,\(coordinates(1100, 500)),y",
            "6,empty,,,z",
            "7,bad,abc,21.2,",
            "8,half,110.3,,",
            "9,hex,0x1p3,21.2,",
            "10,swapped,21.26,110.37,",
            "11,huge,1e400,21,",
            "12,spaced, \(point(250, 100).lon) ,\t\(point(250, 100).lat)\t,",
            "13,\"quoted\",\"\(point(700, 100).lon)\",\"\(point(700, 100).lat)\",\"\"",
            "14,short",
            "15,long,\(coordinates(300, 300)),a,b,c",
            "   ",
            "16,\"\",\(coordinates(300, 900)),\"a\"\"\"",
            "17,exp,1.103E2,2.12e+1,",
            "18,\"end\"",
        ]
    }

    @Test func bothPathsWriteTheSameBytes() throws {
        let assigner = try plan()
        let header = "id,name,lon,lat,note"
        for crlf in [false, true] {
            for bom in [false, true] {
                for lastBreak in [false, true] {
                    let end = crlf ? "\r\n" : "\n"
                    var text = ([header] + rows()).joined(separator: end) + (lastBreak ? end : "")
                    if crlf { text = text.replacingOccurrences(of: "多\nline", with: "多\r\nline") }
                    let data = (bom ? Data([0xEF, 0xBB, 0xBF]) : Data()) + Data(text.utf8)
                    for chunk in [1, 7, 64, 1 << 20] {
                        let (gdal, bytes) = try bothPaths(data, assigner: assigner, chunkBytes: chunk)
                        let plain = try #require(bytes, "crlf \(crlf), bom \(bom): should be plain")
                        #expect(
                            plain == gdal,
                            "crlf \(crlf), bom \(bom), chunk \(chunk):\n\(String(decoding: plain, as: UTF8.self))\n---\n\(String(decoding: gdal ?? Data(), as: UTF8.self))"
                        )
                    }
                }
            }
        }
    }

    /// `--columns`: both paths write the columns named, in the order named, and the header names
    /// them; names not among the added columns, or named twice, are refused.
    @Test func aSelectionOfColumnsIsTheSameOnBothPaths() throws {
        let assigner = try plan()
        let data = Data((["id,name,lon,lat,note"] + rows()).joined(separator: "\n").utf8)
        for list in ["unit_code", "assign_status,unit_code", "assign_problem,assign_status", "lat_cgcs2000,lon_cgcs2000,nearest_code,distance_m"] {
            let columns = try AssignFile.AddedColumn.parse(list)
            #expect(columns.map(\.name).joined(separator: ",") == list)
            let (gdal, bytes) = try bothPaths(data, assigner: assigner, columns: columns)
            #expect(bytes != nil && bytes == gdal, "\(list):\n\(String(decoding: bytes ?? Data(), as: UTF8.self))")
            #expect(String(decoding: bytes ?? Data(), as: UTF8.self).hasPrefix("id,name,lon,lat,note," + list + "\n"))
        }
        #expect(try AssignFile.AddedColumn.parse(nil).map(\.name) == AssignFile.addedColumns)
        for wrong in ["unit", "unit_code,unit_code", "", "unit_code,"] {
            #expect(throws: GridplanError.self, "\(wrong)") { try AssignFile.AddedColumn.parse(wrong) }
        }
    }

    @Test func blankLinesAndOtherCRSAreTheSame() throws {
        let assigner = try plan()
        let text = "id,lon,lat\n\n1,\(coordinates(250, 500))\r\n\r\n\n2,\(coordinates(900, 900))\n\n"
        let (gdal, bytes) = try bothPaths(Data(text.utf8), assigner: assigner)
        #expect(bytes == gdal)
        // In metres of EPSG:4546 (projected: no longitude/latitude range) and in GCJ-02 (transformed).
        let metres = "id,x,y\n1,500250,2350500\n2,500750.5,2350500\n3,9e99,1\n4,-1,-1\n"
        for crs in [CRS.proj("EPSG:4546"), .gcj02, .wgs84] {
            let (gdal, bytes) = try bothPaths(Data((crs == .proj("EPSG:4546") ? metres : text).utf8), assigner: assigner, crs: crs)
            #expect(bytes == gdal, "\(crs)")
        }
    }

    /// Files whose bytes only GDAL's path handles as the README says are not taken.
    @Test func oddFilesGoThroughGDAL() throws {
        let assigner = try plan()
        let good = "id,lon,lat\n1,\(coordinates(250, 500))\n"
        let cases: [(String, Data)] = [
            ("GBK", Data("id,name,lon,lat\n1,".utf8) + Data([0xD6, 0xD0, 0xCE, 0xC4]) + Data(",110,21\n".utf8)),
            ("NUL", Data("id,lon,lat\n1\0,110,21\n".utf8)),
            ("overlong UTF-8", Data("id,lon,lat\n".utf8) + Data([0xC0, 0xAF]) + Data(",110,21\n".utf8)),
            ("surrogate", Data("id,lon,lat\n".utf8) + Data([0xED, 0xA0, 0x80]) + Data(",110,21\n".utf8)),
            ("cut sequence at the end", Data("id,lon,lat\n1,110,21,".utf8) + Data([0xE4, 0xB8])),
            ("UTF-16 BOM", Data([0xFF, 0xFE]) + Data("id,lon,lat\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })),
            ("lone CR", Data("id,lon,lat\r1,110,21\r".utf8)),
            ("quote inside a field", Data("id,lon,lat\n1a\"b,110,21\n".utf8)),
            ("text after a closing quote", Data("id,lon,lat\n\"1\"a,110,21\n".utf8)),
            ("unbalanced quote", Data("id,lon,lat\n\"1,110,21\n2,110,21\n".utf8)),
            ("swallowed rows", Data("id,lon,lat\n\"1\n2,110,21\n3,110,21\",110,21\n".utf8)),
            ("semicolons", Data("id;lon;lat\n1;110;21\n".utf8)),
            ("one column", Data("lon\n110\n".utf8)),
            ("spaces in the header", Data("id, lon,lat\n1,110,21\n".utf8)),
            ("a numeric header", Data("1,110,21\n2,110,21\n".utf8)),
            ("a WKT column", Data("id,lon,lat,wkt\n1,110,21,POINT (1 2)\n".utf8)),
            ("blank first line", Data("\nid,lon,lat\n1,110,21\n".utf8)),
            ("empty", Data()),
        ]
        for (name, data) in cases {
            let path = folder.path("odd-\(cases.firstIndex { $0.0 == name }!).csv")
            try data.write(to: URL(fileURLWithPath: path))
            #expect(PlainCSV.open(path: path, encoding: nil) == nil, "\(name)")
        }
        let path = folder.write("good.csv", good)
        #expect(PlainCSV.open(path: path, encoding: nil) != nil)
        #expect(PlainCSV.open(path: path, encoding: "utf-8") != nil)
        #expect(PlainCSV.open(path: path, encoding: "GB18030") == nil)
        #expect(PlainCSV.open(path: folder.write("good.txt", good), encoding: nil) == nil)
        // Duplicate header names: GDAL's, not the header's.
        let (gdal, bytes) = try bothPaths(Data("id,lon,lat,id\n1,\(coordinates(250, 500)),2\n".utf8), assigner: assigner)
        #expect(bytes == nil || bytes == gdal)
    }

    /// Random files of plain CSV, and plain CSV with odd bytes dropped in: whenever the byte path
    /// takes a file, it writes what the GDAL path writes.
    @Test func randomFilesAreTheSameWhenTaken() throws {
        let assigner = try plan()
        var random = SplitMix(seed: 20_261_202)
        let pieces = ["a", "中文", "", " ", ",", "\"", "\n", "\r\n", "x y", "110.3", "e", "é", "\t", "\\", "#", "=", "😀"]
        let odd: [[UInt8]] = [[0x00], [0xFF], [0xC3], [0x0D], [0xE4, 0xB8], [0xF5, 0x80, 0x80, 0x80], [0xEF, 0xBF, 0xBE]]
        var taken = 0
        for file in 0..<30 {
            var lines = ["id,lon,lat,text"]
            for row in 0..<Int.random(in: 1...25, using: &random) {
                func text() -> String {
                    let value = (0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
                    let needs = value.contains { ",\"\n\r".contains($0) }
                    return needs || Bool.random(using: &random) && Int.random(in: 0..<4, using: &random) == 0
                        ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
                }
                let p = point(Double.random(in: -100...1100, using: &random), Double.random(in: -100...1100, using: &random))
                let lon = Int.random(in: 0..<8, using: &random) == 0 ? text() : String(format: "%.\(Int.random(in: 0...12, using: &random))f", p.lon)
                let lat = Int.random(in: 0..<8, using: &random) == 0 ? text() : String(p.lat)
                var fields = ["\(row)", lon, lat, text()]
                fields = Array(fields.prefix(Int.random(in: 0..<10, using: &random) == 0 ? Int.random(in: 1...3, using: &random) : 4))
                if Int.random(in: 0..<10, using: &random) == 0 { fields.append(text()) }
                lines.append(fields.joined(separator: ","))
            }
            var data = Data(lines.joined(separator: Bool.random(using: &random) ? "\n" : "\r\n").utf8)
            if file % 3 == 0 {
                let at = Int.random(in: 0...data.count, using: &random)
                data.insert(contentsOf: odd.randomElement(using: &random)!, at: at)
            }
            if Bool.random(using: &random) { data.append(0x0A) }
            let (gdal, bytes) = try bothPaths(data, assigner: assigner, chunkBytes: Int.random(in: 1...200, using: &random))
            if let bytes {
                taken += 1
                #expect(bytes == gdal, "file \(file):\n\(String(decoding: data, as: UTF8.self))")
            }
        }
        #expect(taken > 15) // most files are taken by the byte path (21 of these 30)
    }

    @Test func decimalBytesReadAsTheStringParserReads() {
        var random = SplitMix(seed: 7)
        var texts = [
            "0", "-0", "+1", "1.", ".5", "110.35940712345678", "21.2707", "1e22", "1e23", "9007199254740993", "0e999", "1.7976931348623157e308",
        ]
        for _ in 0..<20_000 {
            let digits = (0..<Int.random(in: 1...20, using: &random)).map { _ in String(Int.random(in: 0...9, using: &random)) }.joined()
            let point = Int.random(in: 0...digits.count, using: &random)
            var text = String(digits.prefix(point)) + "." + digits.dropFirst(point)
            if Bool.random(using: &random) { text += "e\(Int.random(in: -30...30, using: &random))" }
            if Bool.random(using: &random) { text = "-" + text }
            texts.append(text)
        }
        for text in texts {
            var bytes = Array(text.utf8)
            let fromBytes = bytes.withUnsafeMutableBufferPointer { DecimalNumber.parse(bytes: UnsafeBufferPointer($0)) }
            let fromString = DecimalNumber.parse(text)
            #expect(fromBytes?.bitPattern == fromString?.bitPattern, "\(text)")
        }
    }
}

/// The queue between a pipeline's threads: bounded, in order, and handing spent items back to the
/// producer (a case import's reader frees the batches the writer stored, on its own thread).
@Suite struct BatchQueueTests {
    @Test func itemsComeInOrderAndSpentOnesGoBack() throws {
        let queue = BatchQueue<[Int]>(capacity: 2)
        #expect(queue.push([1]) && queue.push([2]))
        let first = try queue.pop()
        #expect(first == [1])
        #expect(queue.takeBack().isEmpty)
        queue.giveBack(first!)
        #expect(queue.takeBack() == [[1]])
        #expect(queue.takeBack().isEmpty)
        queue.finish()
        #expect(try queue.pop() == [2])
        #expect(try queue.pop() == nil)
    }
}
