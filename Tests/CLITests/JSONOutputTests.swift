import Foundation
import Grids
import XCTest

/// The JSON writer every output type goes through: absent values are null (never left out), and
/// keys come in the order gridplan has always printed them.
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
              "closed_within_7d" : 1,
              "closed_within_24h" : 0.5,
              "households" : null,
              "name" : "南华"
            }
            """)
    }

    func testTheSameBytesAsJSONSerializationOfTheSameObject() throws {
        let sample = Sample(households: 4839, name: "a/b", closedWithin24h: 1.0 / 3, closedWithin7d: 1e-7, note: "x")
        let object: [String: Any] = ["households": Int64(4839), "name": "a/b", "closed_within_24h": 1.0 / 3, "closed_within_7d": 1e-7, "note": "x"]
        for pretty in [true, false] {
            let expected = try JSONSerialization.data(withJSONObject: object, options: pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys])
            XCTAssertEqual(try JSONOutput.data(sample, pretty: pretty), expected)
        }
    }

    func testNullableReadsBack() throws {
        let sample = Sample(households: nil, name: "x", closedWithin24h: 0, closedWithin7d: 0.25, note: nil)
        XCTAssertEqual(try JSONDecoder().decode(Sample.self, from: JSONOutput.data(sample)), sample)
    }
}
