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
/// - `POST /api/duties` (`person`, `grid`, `role`, `from`, `to`, `note`) and `POST /api/duties/end`
///   (`person`, `grid`, `role`, `on`): duty changes, as `gridplan duty set` and `duty end`.
///
/// Without a valid token: 401 and nothing written. Bodies over ``maxBodyBytes`` get 413. Each
/// write records the token's holder (from the token file) as who did it: the dispatcher of an
/// intake or a dispatch, and, before the body's `actor`, the actor of a transition
/// (`12345-hotline/张三`), so a transition cannot be passed off as another system's.
enum WriteRoutes {
    static let maxBodyBytes = 64 * 1024

    static func add<Context: RequestContext>(to router: Router<Context>, service: PlanService, tokens: [String: String]) {
        router.post("/api/cases") { request, _ in
            await write(request, tokens: tokens) { body, holder in
                let incoming = try decode(IncomingCase.self, body)
                let answer = try await service.intake(incoming, by: holder)
                return (try JSONOutput.data(answer), answer.created ? .created : .ok)
            }
        }
        router.post("/api/cases/:id/transitions") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await write(request, tokens: tokens) { body, holder in
                let t = try decode(TransitionRequest.self, body)
                return (try await service.advance(id, t, by: holder), .ok)
            }
        }
        router.post("/api/duties") { request, _ in
            await write(request, tokens: tokens) { body, holder in
                (try await service.setDuty(try decode(DutyRequest.self, body), by: holder), .ok)
            }
        }
        router.post("/api/duties/end") { request, _ in
            await write(request, tokens: tokens) { body, _ in (try await service.endDuty(try decode(DutyEndRequest.self, body)), .ok) }
        }
        router.post("/api/cases/:id/dispatch") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await write(request, tokens: tokens) { _, holder in (try await service.dispatch(id, by: holder), .ok) }
        }
    }

    /// What `POST /api/duties` carries: a duty from a day (a handover ends the grid's previous
    /// primary or chief), as `gridplan duty set`.
    struct DutyRequest: Decodable {
        var person: String
        var grid: String
        var role: String
        var from: String
        var to: String?
        var note: String?
    }

    /// What `POST /api/duties/end` carries, as `gridplan duty end`.
    struct DutyEndRequest: Decodable {
        var person: String
        var grid: String
        var role: String?
        var on: String
    }

    /// What `POST /api/cases/{id}/transitions` carries.
    struct TransitionRequest: Decodable {
        var to: String
        /// Who moved the case, within the sending system (a person's name or id); optional.
        var actor: String?
        var note: String?
        var at: String?
        var satisfaction: Int?
    }

    /// Checks the token, reads the body (at most ``maxBodyBytes``) and answers with what `body`
    /// returns, or the error as JSON with the status of its kind.
    static func write(
        _ request: Request, tokens: [String: String],
        _ body: (_ body: Data, _ holder: String) async throws -> (Data, HTTPResponse.Status)
    ) async -> Response {
        guard let holder = holder(request, tokens: tokens) else {
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
            let (data, status) = try await body(Data(buffer: buffer), holder)
            return GridplanServer.json(data, status: status)
        } catch is NIOTooManyBytesError {
            return GridplanServer.json(
                GridplanServer.errorBody(GridplanError(.badInput, "the request body is over \(maxBodyBytes / 1024) KiB")),
                status: .contentTooLarge)
        } catch {
            return await GridplanServer.reply { throw error }
        }
    }

    /// Who holds the token the request carries; nil without one of the server's tokens (none
    /// configured: nobody writes).
    static func holder(_ request: Request, tokens: [String: String]) -> String? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        return tokens[String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)]
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
    func intake(_ incoming: IncomingCase, by holder: String) throws -> IntakeAnswerJSON {
        try intakeDesk.receive(incoming, places: desk, actor: holder)
    }

    func advance(_ id: String, _ t: WriteRoutes.TransitionRequest, by holder: String) throws -> Data {
        let at = try t.at.map { try Clock.requireTime($0, option: "at") } ?? Clock.now()
        try CaseIntake.checkText(t.actor, field: "actor", limit: 64)
        let actor = t.actor.map { "\(holder)/\($0)" } ?? holder
        let done = try Lifecycle.advance(store: writer, caseID: id, to: t.to, at: at, actor: actor, note: t.note, satisfaction: t.satisfaction)
        struct TransitionJSON: Encodable { var from: String, to: String, at: String, actor: String, note: String? }
        return try JSONOutput.data(TransitionJSON(from: done.from, to: done.to, at: done.at, actor: done.actor, note: done.note))
    }

    func dispatch(_ id: String, by holder: String) throws -> Data {
        guard let outcome = try Dispatcher.run(store: writer, caseID: id, actor: holder).first else {
            throw GridplanError(.notFound, "no case with id \(id)")
        }
        return try JSONOutput.data(IntakeAnswerJSON.Dispatch(outcome))
    }

    func setDuty(_ r: WriteRoutes.DutyRequest, by holder: String) throws -> Data {
        guard let role = DutyRole(text: r.role) else {
            throw GridplanError(.badInput, "'\(r.role)' is not primary, backup or chief", source: ErrorSource(field: "role"))
        }
        let from = try WriteRoutes.day(r.from, field: "from")
        let to = try r.to.map { try WriteRoutes.day($0, field: "to") }
        let note = [r.note, "set by \(holder)"].compactMap { $0 }.joined(separator: "; ")
        let result = try DutyChange.set(store: writer, person: r.person, grid: r.grid, role: role, from: from, to: to, note: note)
        struct SetJSON: Encodable { var dutyId: Int64, ended: [String] }
        return try JSONOutput.data(SetJSON(dutyId: result.dutyID, ended: result.ended), snakeCaseKeys: true)
    }

    func endDuty(_ r: WriteRoutes.DutyEndRequest) throws -> Data {
        let role = try r.role.map { text in
            guard let role = DutyRole(text: text) else {
                throw GridplanError(.badInput, "'\(text)' is not primary, backup or chief", source: ErrorSource(field: "role"))
            }
            return role
        }
        let ended = try DutyChange.end(store: writer, person: r.person, grid: r.grid, role: role, on: try WriteRoutes.day(r.on, field: "on"))
        return try JSONOutput.data(["ended": ended])
    }
}

extension WriteRoutes {
    /// A day of a body's field, or an error naming the field.
    static func day(_ text: String, field: String) throws -> String {
        guard let day = Clock.calendarDay(text) ?? Clock.date(text) else {
            throw GridplanError(.badInput, "'\(text)' is not a day of the calendar (YYYY-MM-DD)", source: ErrorSource(field: field))
        }
        return day
    }
}
