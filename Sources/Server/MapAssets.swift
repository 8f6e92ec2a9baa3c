import Foundation
import Hummingbird
import HummingbirdCore

/// Leaflet's files (embedded at build time by the EmbedLeaflet plugin) and the page, served with an
/// ETag so a browser asks again cheaply (304) and nothing ever comes from outside the server.
enum MapAssets {
    struct Asset: Sendable {
        var type: String
        var data: Data
        var etag: String
    }

    /// Path under `/assets/leaflet/` → file, decoded once.
    static let leaflet: [String: Asset] = {
        var out: [String: Asset] = [:]
        for (path, text) in LeafletAssets.base64 {
            guard let data = Data(base64Encoded: text) else { continue }
            out[path] = Asset(type: contentType(path), data: data, etag: "\"leaflet-\(LeafletAssets.version)-\(Digest.hex(data))\"")
        }
        return out
    }()

    static let page: Asset = {
        let data = Data(MapPage.html.utf8)
        return Asset(type: "text/html; charset=utf-8", data: data, etag: "\"page-\(Digest.hex(data))\"")
    }()

    static func contentType(_ path: String) -> String {
        if path.hasSuffix(".js") { return "text/javascript; charset=utf-8" }
        if path.hasSuffix(".css") { return "text/css; charset=utf-8" }
        if path.hasSuffix(".png") { return "image/png" }
        return "application/octet-stream"
    }

    static func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/") { request, _ in response(page, request, cache: "no-cache") }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        for (path, asset) in leaflet {
            router.get(RouterPath("/assets/leaflet/" + path)) { request, _ in response(asset, request, cache: "public, max-age=86400") }
        }
    }

    static func response(_ asset: Asset, _ request: Request, cache: String) -> Response {
        Cached.response(asset.data, etag: asset.etag, type: asset.type, cache: cache, request: request)
    }
}

/// Conditional answers: an ETag on the body, 304 when the client already holds it.
enum Cached {
    /// The body gzipped when the client takes it and it is worth it; the gzipped representation has its
    /// own ETag (a `-gzip` suffix), and either one answers `If-None-Match` with 304.
    static func response(_ data: Data, etag: String, type: String, cache: String, request: Request) -> Response {
        var headers: HTTPFields = [.contentType: type, .eTag: etag, .cacheControl: cache]
        let compressible = !type.hasPrefix("image/") && data.count >= Gzip.smallest
        if compressible { headers[.vary] = "Accept-Encoding" }
        let gzipTag = etag.dropLast() + "-gzip\""
        let zipped = compressible && Gzip.accepted(request) ? Gzip.cached(data, etag: String(gzipTag)) : nil
        if zipped != nil { headers[.eTag] = String(gzipTag) }
        if let held = request.headers[.ifNoneMatch],
            held.split(separator: ",").contains(where: { matches($0, etag) || matches($0, String(gzipTag)) })
        {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        if let zipped {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: zipped)))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `If-None-Match` compares weakly (RFC 9110 13.1.2): W/ prefixes are ignored, `*` matches anything.
    static func matches(_ candidate: Substring, _ etag: String) -> Bool {
        var c = candidate.trimmingCharacters(in: .whitespaces)
        if c == "*" { return true }
        if c.hasPrefix("W/") { c.removeFirst(2) }
        return c == etag
    }
}

/// A short content hash for ETags (FNV-1a, 64 bits): not cryptographic, only to tell versions apart.
enum Digest {
    static func hex(_ data: Data) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in data {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return String(h, radix: 16)
    }
}
