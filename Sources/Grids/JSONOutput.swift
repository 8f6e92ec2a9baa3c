public import Foundation

/// A value that is written as JSON `null` when absent. Codable leaves absent optionals out; gridplan's
/// JSON has always carried every key, with null for "none", and readers rely on that.
@propertyWrapper
public struct Nullable<Value: Codable & Sendable>: Codable, Sendable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }
}

extension Nullable: Equatable where Value: Equatable {}

/// The one way gridplan writes its output types as JSON, for the command line (`--json`) and the
/// HTTP server alike.
public enum JSONOutput {
    /// The JSON of `value`: keys sorted by code point (as Python's `sort_keys` and `jq -S` sort),
    /// slashes unescaped, doubles in the shortest form that reads back to the same value;
    /// pretty-printed unless `pretty` is false.
    ///
    /// `snakeCaseKeys` writes a report's Swift property names as the snake_case keys of the rest
    /// of gridplan's JSON (`rowsDone` as `rows_done`), for reports that are their own output type.
    public static func data<T: Encodable>(_ value: T, pretty: Bool = true, snakeCaseKeys: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        if snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return pretty ? collapsingEmptyContainers(data) : data
    }

    /// Pretty JSON with each empty array or object written `[]` or `{}`: Foundation's encoder
    /// writes them over three lines (`[`, an empty line, `]`). A raw line break never occurs
    /// inside a JSON string (it is escaped there), so the pattern is always structure.
    static func collapsingEmptyContainers(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            out.append(b)
            i += 1
            guard b == UInt8(ascii: "[") || b == UInt8(ascii: "{"), i + 1 < bytes.count, bytes[i] == 10, bytes[i + 1] == 10 else { continue }
            var j = i + 2
            while j < bytes.count && bytes[j] == UInt8(ascii: " ") { j += 1 }
            let closer = b == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            if j < bytes.count && bytes[j] == closer {
                out.append(closer)
                i = j + 1
            }
        }
        return Data(out)
    }

    /// `data(value)` as text.
    public static func string<T: Encodable>(_ value: T, pretty: Bool = true, snakeCaseKeys: Bool = false) throws -> String {
        String(decoding: try data(value, pretty: pretty, snakeCaseKeys: snakeCaseKeys), as: UTF8.self)
    }
}
