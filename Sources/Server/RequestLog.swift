import Foundation
import Hummingbird
import Logging

/// `--log-requests`: one line a request on standard error, with what an operator looks for when
/// a call-taker says "the map is slow" or a hotline system says "it refused my case":
/// `POST /api/cases 201 3.4 ms`.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    /// The server's tokens: a write is logged with the holder of the token it came with.
    let tokens: [String: String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, status: response.status.code, since: start)
            return response
        } catch let error as HTTPResponseError {
            log(request, status: error.status.code, since: start)
            throw error
        } catch {
            log(request, status: 500, since: start)
            throw error
        }
    }

    private func log(_ request: Request, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let holder = WriteRoutes.holder(request, tokens: tokens).map { " by \($0)" } ?? ""
        logger.info("\(request.method) \(request.uri.path) \(status) \(String(format: "%.1f", ms)) ms\(holder)")
    }
}
