import Cases
import Foundation
import Testing

@testable import Geocoding

/// Work per address is bounded: a documented length limit, and parsing and matching in time
/// linear in the length up to it (issue 20, item 3: 70,000 characters took 20 s and 4.9 GB).
@Suite(.serialized) struct AddressLimitTests {
    /// Texts that each hit a step that was quadratic: runs of Latin letters (label look-ahead),
    /// of Chinese numerals and 侧 (distance look-ahead), of 东50米 pieces (remainder copies), a
    /// real address repeated, and one long name (one-edit deletion keys of the whole text).
    static let kinds: [(name: String, unit: String)] = [
        ("letters", "X"), ("numerals", "一"), ("sides", "侧"), ("distances", "东50米"),
        ("address", "广东省湛江市赤坎区南桥街道南华社区海滨路12号3栋2单元501"), ("name", "金沙湾观海长廊滨海"),
    ]

    static func text(_ unit: String, _ length: Int) -> String {
        String(String(repeating: unit, count: length / unit.count + 1).unicodeScalars.prefix(length))
    }

    /// Seconds for `body` run `times` times: the least of three tries (the machine is shared).
    static func seconds(times: Int, _ body: () -> Void) -> Double {
        (0..<3).map { _ in
            let start = ContinuousClock.now
            for _ in 0..<times { body() }
            let d = ContinuousClock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }.min()!
    }

    @Test func anAddressOverTheLimitIsNoMatchWithTheReason() {
        let geocoder = SamplePlan.shared.geocoder
        let long = Self.text("海滨路", AddressLimit.maxCharacters + 1)
        let r = geocoder.geocode(long)
        #expect(r.level == .none)
        #expect(r.reason == "the address is 501 characters long, over the limit of 500")
        #expect(AddressLimit.problem(Self.text("海滨路", AddressLimit.maxCharacters)) == nil)
        #expect(throws: Error.self) { try AddressLimit.check(Self.text("x", 70_000)) }
    }

    /// The same number of characters parsed as 100 texts of 50 or as 10 of 500 take about as
    /// long (linear); a quadratic step makes the long texts ten times slower. Bound: 4×.
    @Test func parsingIsLinearUpToTheLimit() {
        let parser = SamplePlan.shared.geocoder.parser
        for kind in Self.kinds {
            let short = Self.text(kind.unit, 50), long = Self.text(kind.unit, 500)
            let shortTime = Self.seconds(times: 100) { _ = parser.parse(short) }
            let longTime = Self.seconds(times: 10) { _ = parser.parse(long) }
            #expect(longTime < 4 * shortTime, "\(kind.name): 10 × 500 characters took \(longTime) s, 100 × 50 took \(shortTime) s")
        }
    }

    /// Parsing and matching against the sample gazetteer, past the limit (the limit is checked
    /// before, so the matcher must hold on its own): 5,000 characters cost about ten times 500.
    @Test func matchingIsLinearPastTheLimit() {
        let geocoder = SamplePlan.shared.geocoder
        for kind in Self.kinds {
            let short = Self.text(kind.unit, 500), long = Self.text(kind.unit, 5_000)
            let shortTime = Self.seconds(times: 10) { _ = geocoder.match(geocoder.parser.parse(short)) }
            let longTime = Self.seconds(times: 1) { _ = geocoder.match(geocoder.parser.parse(long)) }
            #expect(longTime < 4 * shortTime, "\(kind.name): 5,000 characters took \(longTime) s, 10 × 500 took \(shortTime) s")
        }
    }
}
