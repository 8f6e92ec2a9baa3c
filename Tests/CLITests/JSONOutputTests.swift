import Foundation
import Grids
import XCTest

/// The JSON writer every output type goes through: absent values are null (never left out), and
/// keys come sorted by code point.
final class JSONOutputTests: XCTestCase {
    struct Sample: Codable, Equatable {
        @Nullable var households: Int64?
        @Nullable var name: String?
        var closedWithin24h: Double
        var closedWithin7d: Double
        var note: String?

        enum CodingKeys: String, CodingKey {
            case households, name, note, closedWithin24h = "closed_within_24h", closedWithin7d = "closed_within_7d"
        }
    }

    func testAbsentValuesAreNullAndPlainOptionalsAreLeftOut() throws {
        let text = try JSONOutput.string(Sample(households: nil, name: "南华", closedWithin24h: 0.5, closedWithin7d: 1, note: nil))
        XCTAssertEqual(
            text,
            """
            {
              "closed_within_24h" : 0.5,
              "closed_within_7d" : 1,
              "households" : null,
              "name" : "南华"
            }
            """)
    }

    /// Empty arrays and objects on one line (`[]`, `{}`), as `jq` and Python write them, even nested;
    /// text that looks like them inside a string stays as it is.
    func testEmptyContainersAreWrittenOnOneLine() throws {
        struct Empty: Encodable {
            var people: [String] = []
            var figures: [String: Int] = [:]
            var levels = [[Int]()]
            var note = "[\n\n]"
        }
        let text = try JSONOutput.string(Empty())
        XCTAssertEqual(
            text,
            """
            {
              "figures" : {},
              "levels" : [
                []
              ],
              "note" : "[\\n\\n]",
              "people" : []
            }
            """)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(text.utf8)))
    }

    /// Keys in code-point order, slashes as they are, and every double read back exactly: what
    /// Python's `json.loads` and `jq` see is what was meant.
    func testSortedKeysPlainSlashesAndExactDoubles() throws {
        let sample = Sample(households: 4839, name: "a/b", closedWithin24h: 1.0 / 3, closedWithin7d: 1e-7, note: "x")
        for pretty in [true, false] {
            let data = try JSONOutput.data(sample, pretty: pretty)
            let text = String(decoding: data, as: UTF8.self)
            XCTAssertTrue(text.contains("\"a/b\""), text)
            let keys = ["closed_within_24h", "closed_within_7d", "households", "name", "note"]
            let positions = keys.map { text.range(of: "\"\($0)\"")!.lowerBound }
            XCTAssertEqual(positions, positions.sorted(), text)
            XCTAssertEqual(keys, keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) })
            let back = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
            XCTAssertEqual(back["closed_within_24h"] as? Double, 1.0 / 3)
            XCTAssertEqual(back["closed_within_7d"] as? Double, 1e-7)
            XCTAssertEqual(try JSONDecoder().decode(Sample.self, from: data), sample)
        }
    }

    func testNullableReadsBack() throws {
        let sample = Sample(households: nil, name: "x", closedWithin24h: 0, closedWithin7d: 0.25, note: nil)
        XCTAssertEqual(try JSONDecoder().decode(Sample.self, from: JSONOutput.data(sample)), sample)
    }
}
