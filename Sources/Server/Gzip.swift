import CZlib
import Foundation
import Hummingbird
import HummingbirdCore

/// gzip (RFC 1952) through the system zlib, for the responses worth it: a unit grid layer of
/// 270 kB goes out as about 30 kB. Compressed bodies are kept by ETag, so a layer is compressed once
/// per plan version, not once per request.
enum Gzip {
    /// Bodies below this size are sent as they are (the header costs more than it saves).
    static let smallest = 1024

    static func compress(_ data: Data, level: Int32 = 6) -> Data? {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip wrapper rather than zlib's own.
        guard
            deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
                == Z_OK
        else { return nil }
        defer { deflateEnd(&stream) }
        var out = Data(count: Int(deflateBound(&stream, UInt(data.count))))
        let status = data.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = output.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(output.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        out.count = Int(stream.total_out)
        return out
    }

    /// Whether the client takes gzip: `Accept-Encoding` names gzip (or `*`) without `q=0`.
    static func accepted(_ request: Request) -> Bool {
        guard let header = request.headers[.acceptEncoding] else { return false }
        return header.split(separator: ",").contains { part in
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = fields.first, coding == "gzip" || coding == "x-gzip" || coding == "*" else { return false }
            let q = fields.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return q > 0
        }
    }

    /// Compressed bodies by ETag, the most recent few.
    private static let kept = Kept()

    static func cached(_ data: Data, etag: String) -> Data? {
        if let hit = kept.get(etag) { return hit }
        guard let zipped = compress(data) else { return nil }
        kept.put(etag, zipped)
        return zipped
    }

    private final class Kept: @unchecked Sendable {
        private let lock = NSLock()
        private var bodies: [String: Data] = [:]
        private static let most = 32

        func get(_ key: String) -> Data? { lock.withLock { bodies[key] } }

        func put(_ key: String, _ value: Data) {
            lock.withLock {
                if bodies.count >= Self.most { bodies.removeAll() }
                bodies[key] = value
            }
        }
    }
}
