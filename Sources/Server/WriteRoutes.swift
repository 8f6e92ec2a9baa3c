import Cases
import Desk
import Duty
import Foundation
import GridErrors
import Grids
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOFoundationEssentialsCompat

/// The routes that change the plan, each behind a bearer token (`gridplan serve --token-file`):
///
/// - `POST /api/cases`: a case from another system (JSON: `id`, `lon`/`lat` [`crs`] or `address`,
///   `reported_at`, `category`, `severity`, `status`, `channel`). Stored and assigned; an address
///   alone is placed with the gazetteer; a new case waiting for dispatch is dispatched by the
///   rules. 201 for a new case, 200 when the id was known: its data are updated, its status is left
///   where its life cycle has taken it, so a retried request changes nothing.
/// - `POST /api/cases/{id}/transitions`: `to`, `actor`, optional `note`, `at`, `satisfaction`.
/// - `POST /api/cases/{id}/dispatch`: dispatch (again) by the rules.
///
/// Without a valid token: 401 and nothing written. Bodies over ``maxBodyBytes`` get 413.
enum WriteRoutes {
    static let maxBodyBytes = 64 * 1024

    static func add<Context: RequestContext>(to router: Router<Context>, service: PlanService, tokens: Set<String>) {
        router.post("/api/cases") { request, _ in
            await write(request, tokens: tokens) { body in
                let incoming = try decode(IncomingCase.self, body)
                let answer = try await service.intake(incoming)
                return (try JSONOutput.data(answer), answer.created ? .created : .ok)
            }
        }
        router.post("/api/cases/:id/transitions") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await write(request, tokens: tokens) { body in
                let t = try decode(TransitionRequest.self, body)
                return (try await service.advance(id, t), .ok)
            }
        }
        router.post("/api/cases/:id/dispatch") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await write(request, tokens: tokens) { _ in (try await service.dispatch(id), .ok) }
        }
    }

    /// What `POST /api/cases/{id}/transitions` carries.
    struct TransitionRequest: Decodable {
        var to: String
        var actor: String
        var note: String?
        var at: String?
        var satisfaction: Int?
    }

    /// Checks the token, reads the body (at most ``maxBodyBytes``) and answers with what `body`
    /// returns, or the error as JSON with the status of its kind.
    static func write(
        _ request: Request, tokens: Set<String>,
        _ body: (Data) async throws -> (Data, HTTPResponse.Status)
    ) async -> Response {
        guard authorized(request, tokens: tokens) else {
            var response = GridplanServer.json(
                GridplanServer.errorBody(
                    GridplanError(
                        .badArgument, "writing needs a bearer token",
                        hint: "send Authorization: Bearer TOKEN with a token of the server's --token-file")),
                status: .unauthorized)
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        do {
            var request = request
            let buffer = try await request.collectBody(upTo: maxBodyBytes)
            let (data, status) = try await body(Data(buffer: buffer))
            return GridplanServer.json(data, status: status)
        } catch is NIOTooManyBytesError {
            return GridplanServer.json(
                GridplanServer.errorBody(GridplanError(.badInput, "the request body is over \(maxBodyBytes / 1024) KiB")),
                status: .contentTooLarge)
        } catch {
            return await GridplanServer.reply { throw error }
        }
    }

    /// Whether the request carries one of the server's tokens (none configured: nobody writes).
    static func authorized(_ request: Request, tokens: Set<String>) -> Bool {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        return tokens.contains(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
    }

    /// A JSON body decoded, or an error naming the field that is missing or wrong.
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw GridplanError(.badInput, "missing", source: ErrorSource(field: key.stringValue))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw GridplanError(
                .badInput, "of the wrong type: \(context.debugDescription)",
                source: ErrorSource(field: context.codingPath.map(\.stringValue).joined(separator: ".")))
        } catch {
            throw GridplanError(.badInput, "not a JSON object of the expected shape: \(error.localizedDescription)")
        }
    }
}

extension PlanService {
    func intake(_ incoming: IncomingCase) throws -> IntakeAnswerJSON {
        try intakeDesk.receive(incoming, places: desk)
    }

    func advance(_ id: String, _ t: WriteRoutes.TransitionRequest) throws -> Data {
        let at = try t.at.map { try Clock.requireTime($0, option: "at") } ?? Clock.now()
        let done = try Lifecycle.advance(store: store, caseID: id, to: t.to, at: at, actor: t.actor, note: t.note, satisfaction: t.satisfaction)
        struct TransitionJSON: Encodable { var from: String, to: String, at: String, actor: String, note: String? }
        return try JSONOutput.data(TransitionJSON(from: done.from, to: done.to, at: done.at, actor: done.actor, note: done.note))
    }

    func dispatch(_ id: String) throws -> Data {
        guard let outcome = try Dispatcher.run(store: store, caseID: id, actor: "serve").first else {
            throw GridplanError(.notFound, "no case with id \(id)")
        }
        return try JSONOutput.data(IntakeAnswerJSON.Dispatch(outcome))
    }
}
