import GridErrors
import Hummingbird

/// Names and phone numbers are served only to token holders when the server listens beyond
/// loopback (`serve --host 0.0.0.0`): anyone on a district network could otherwise list the
/// gridders and the callers of every case. The routes that carry them answer 401 without a
/// token of `--token-file` (writers read too) or `--read-tokens`. On loopback nothing changes:
/// only this machine can connect.
///
/// Guarded: `/api/who-covers` (the people of each grid, the gridder, the emergency unit),
/// `/api/grids/{code}` (people on duty), `/api/cases` and the OGC cases items (addresses and
/// the callers' columns). The map's grid layers, case clusters, counts, stats and plan summary
/// carry no names of people and stay open.
struct PersonalDataMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Tokens that may read, with their holders.
    let tokens: [String: String]

    static func guards(_ path: String) -> Bool {
        path == "/api/who-covers" || path.hasPrefix("/api/grids/") || path == "/api/cases"
            || path.hasPrefix("/ogc/collections/cases/items")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Reads only: a CORS preflight (OPTIONS) carries no token, and writes check their own.
        let reads = request.method == .get || request.method == .head
        guard reads, Self.guards(request.uri.path), WriteRoutes.holder(request, tokens: tokens) == nil else {
            return try await next(request, context)
        }
        var response = GridplanServer.json(
            GridplanServer.errorBody(
                GridplanError(
                    .badArgument, "this answer holds names and phone numbers: it needs a bearer token on a server beyond loopback",
                    hint: "send Authorization: Bearer TOKEN with a token of the server's --read-tokens or --token-file")),
            status: .unauthorized)
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }
}
