import GridErrors
import Hummingbird

/// Answers each request in the language it asks for: error texts in Chinese when its
/// `Accept-Language` prefers `zh`, in English when it prefers `en`, else in the server's own
/// language (`LANG`). JSON keys, kinds and parameters stay English for programs.
struct RequestLanguageMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let asked = request.headers[.acceptLanguage].flatMap { Language(acceptLanguage: $0) }
        return try await Language.$current.withValue(asked ?? Language.process) {
            try await next(request, context)
        }
    }
}
