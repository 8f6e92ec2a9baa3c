import Foundation
import HummingbirdCore
import Logging
import NIOCore

/// HTTP/1 as Hummingbird serves it, plus raw UTF-8 in the request target.
///
/// Clients such as `curl '…?address=赤坎区…'` send the address's UTF-8 bytes unencoded. SwiftNIO's
/// llhttp parser refuses any byte above 0x7F in the request line and the connection gets an empty
/// 400 before gridplan sees the request. `RawTargetEncoder`, placed ahead of the HTTP decoder,
/// percent-encodes those bytes in request lines only (RFC 3986 form, which the parser accepts and
/// the query decoding undoes), so both spellings reach the routes as the same text.
struct RawQueryHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel
    var responder: HTTPChannelHandler.Responder { inner.responder }

    /// `idleTimeout`: seconds before a connection with no request being read or answered is closed.
    init(responder: @escaping HTTPChannelHandler.Responder, idleTimeout: Double) {
        inner = HTTP1Channel(responder: responder, configuration: .init(idleTimeout: .milliseconds(Int64(idleTimeout * 1000))))
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RawTargetEncoder(), position: .first)
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async { await inner.handle(value: value, logger: logger) }
}

/// Follows HTTP/1 message framing just far enough to know which bytes are request lines: a request
/// line, header lines up to the empty one, then `Content-Length` bytes of body. A chunked body (not
/// worth framing here) turns it off for the rest of the connection, leaving NIO's own behaviour.
final class RawTargetEncoder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State { case requestLine, headers, body(Int), passThrough }
    private var state = State.requestLine
    private var line: [UInt8] = []
    private var contentLength = 0
    private var chunked = false
    private static let hex = Array("0123456789ABCDEF".utf8)
    /// Header lines longer than this are not looked into (they cannot be Content-Length).
    private static let longestKeptLine = 256

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        if case .passThrough = state { context.fireChannelRead(data); return }
        var output = context.channel.allocator.buffer(capacity: input.readableBytes + 32)
        while input.readableBytes > 0 {
            switch state {
            case .passThrough:
                output.writeBuffer(&input)
            case .body(let left):
                let n = min(left, input.readableBytes)
                var part = input.readSlice(length: n)!
                output.writeBuffer(&part)
                state = left > n ? .body(left - n) : .requestLine
            case .requestLine:
                // Up to and with the line's end: copied whole unless it holds raw UTF-8.
                let (length, ended) = Self.lineLength(input)
                var part = input.readSlice(length: length)!
                if part.readableBytesView.contains(where: { $0 >= 0x80 }) {
                    for b in part.readableBytesView {
                        if b >= 0x80 {
                            output.writeBytes([UInt8(ascii: "%"), Self.hex[Int(b >> 4)], Self.hex[Int(b & 0x0f)]])
                        } else {
                            output.writeInteger(b)
                        }
                    }
                } else {
                    output.writeBuffer(&part)
                }
                if ended { state = .headers; line.removeAll(keepingCapacity: true) }
            case .headers:
                let (length, ended) = Self.lineLength(input)
                var part = input.readSlice(length: length)!
                let body = ended ? part.readableBytesView.dropLast() : part.readableBytesView[...]
                line.append(contentsOf: body.prefix(max(0, Self.longestKeptLine - line.count)))
                output.writeBuffer(&part)
                if ended { endOfHeaderLine() }
            }
        }
        context.fireChannelRead(wrapInboundOut(output))
    }

    /// How many readable bytes make the rest of the current line (with its "\n"), and whether
    /// the line ends within them.
    private static func lineLength(_ input: ByteBuffer) -> (Int, Bool) {
        let view = input.readableBytesView
        guard let end = view.firstIndex(of: UInt8(ascii: "\n")) else { return (view.count, false) }
        return (end - view.startIndex + 1, true)
    }

    private func endOfHeaderLine() {
        defer { line.removeAll(keepingCapacity: true) }
        if line.allSatisfy({ $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
            if chunked {
                state = .passThrough
            } else {
                state = contentLength > 0 ? .body(contentLength) : .requestLine
            }
            (contentLength, chunked) = (0, false)
            return
        }
        // Only Content-Length and Transfer-Encoding frame a message: other lines make no strings.
        guard let first = line.first, [UInt8(ascii: "c"), UInt8(ascii: "C"), UInt8(ascii: "t"), UInt8(ascii: "T")].contains(first) else { return }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = text[..<colon].lowercased()
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if name == "content-length" { contentLength = Int(value) ?? 0 }
        if name == "transfer-encoding", value.contains("chunked") { chunked = true }
    }
}
