import Foundation
import Testing

@testable import Geocoding

/// The parser's per-thread table of recent component Strings gives exactly the String the
/// scalars make, whether it was found or made, whatever else shares its slot.
struct RecentStringsTests {
    /// Names from a five-character alphabet (with a supplementary scalar, ASCII and U+0000) of every
    /// length up to eleven: many share a slot, many share a prefix, some are too long or too
    /// wide to be kept. Each is asked for several times in a shuffled order.
    @Test func everyAnswerIsTheStringOfItsScalars() {
        let alphabet: [Unicode.Scalar] = ["湛", "江", "A", "\u{0}", "\u{20000}"]
        var random = SystemRandomNumberGenerator()
        var names: [[Unicode.Scalar]] = []
        for _ in 0..<5_000 {
            let length = Int.random(in: 1...11, using: &random)
            names.append((0..<length).map { _ in alphabet.randomElement(using: &random)! })
        }
        let table = RecentStrings()
        for name in (names + names + names).shuffled(using: &random) {
            let expected = String(String.UnicodeScalarView(name))
            let answer = name.withUnsafeBufferPointer { table.string($0[...]) }
            #expect(answer == expected)
            #expect(Array(answer.unicodeScalars) == name)
        }
    }

    /// Parsers on several threads at once, each parsing addresses that fill its own table with
    /// different names, agree with a parse made on one thread.
    @Test func threadsKeepTheirOwnTables() async {
        let parser = AddressParser()
        let addresses = (0..<400).map { k in
            "广东省湛江市\(["赤坎区", "霞山区", "坡头区", "麻章区"][k % 4])\(["南桥街道", "中华街道", "海头街道"][k % 3])"
                + "\(["海滨路", "人民大道中", "椹川大道北", "观海长廊"][k % 4])\(k)号\(["金海岸花园", "海景小区", "碧桂园"][k % 3])\(k % 9)栋"
        }
        let expected = addresses.map { parser.parse($0) }
        let results = await withTaskGroup(of: [(Int, AddressComponents)].self) { group in
            for task in 0..<4 {
                group.addTask {
                    var out: [(Int, AddressComponents)] = []
                    for step in 0..<(5 * addresses.count) {
                        let k = (step + 97 * task) % addresses.count
                        out.append((k, parser.parse(addresses[k])))
                    }
                    return out
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(results.count == 4 * 5 * addresses.count)
        for (k, components) in results where components != expected[k] {
            Issue.record("\(addresses[k]): \(components) on a thread, \(expected[k]) on one")
        }
    }
}
