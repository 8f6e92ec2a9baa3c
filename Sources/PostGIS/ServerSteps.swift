import GridErrors
public import GridStore
import PostgresNIO

/// Brings a plan on a server up to this release's schema where it lies, as opening a GeoPackage
/// upgrades it: the steps the server lacks are taken in place when each has a server form
/// (``SchemaMigration/onServer``) and they are this release's last ones; otherwise the plan must be
/// copied again, and the error says so.
enum ServerSteps {
    /// Takes the steps of `steps` the plan in `session`'s database lacks, in one transaction, and
    /// records them. Two gridplans opening the plan at once take turns: the second finds the steps
    /// taken. Throws when the plan has a step this release does not know, lacks one with no server
    /// form, or the connection cannot change the schema (a read-only role, a streaming replica).
    /// A connection lost on the way is reported as such, the steps not taken. The caller has checked
    /// that the database holds a plan.
    static func take(_ steps: [SchemaMigration], session: PostgresSession) async throws {
        let theirs = try await recorded(session)
        try check(theirs, against: steps, session: session)
        guard steps.contains(where: { !theirs.contains($0.identifier) }) else { return }
        try await session.execute("BEGIN")
        do {
            try await session.execute("LOCK TABLE grdb_migrations IN EXCLUSIVE MODE")
            let now = try await recorded(session)
            try check(now, against: steps, session: session)
            for step in steps where !now.contains(step.identifier) {
                for sql in step.onServer ?? [] { try await session.execute(sql) }
                var bindings = PostgresBindings()
                bindings.append(step.identifier)
                try await session.execute("INSERT INTO grdb_migrations (identifier) VALUES ($1)", bindings)
            }
            try await session.execute("COMMIT")
        } catch {
            // A lost connection is not a refusal: the server rolled the steps back, and the error says what happened.
            if session.isClosed || PostgresSession.isLost(error) {
                await session.abandon()
                throw error
            }
            try? await session.execute("ROLLBACK")
            let missing = steps.first { !theirs.contains($0.identifier) }!.identifier
            let reason: Wording = (error as? GridplanError)?.message ?? "\(error)"
            throw GridplanError(
                .unsupported, "the plan there lacks the schema step '\(missing)' and it could not be taken in place: \(reason)",
                source: .file(session.url.description),
                hint: "open it once with this gridplan on the primary server, as a role that may change its tables (a replica follows)")
        }
    }

    /// The steps the plan in the database has taken.
    private static func recorded(_ session: PostgresSession) async throws -> Set<String> {
        var theirs: Set<String> = []
        try await session.rows("SELECT identifier FROM grdb_migrations") { theirs.insert($0[0] ?? "") }
        return theirs
    }

    /// Refuses a plan with a step this release does not know, or lacking one it cannot take in place.
    private static func check(_ theirs: Set<String>, against steps: [SchemaMigration], session: PostgresSession) throws {
        if let extra = theirs.first(where: { t in !steps.contains { $0.identifier == t } }) {
            throw GridplanError(
                .unsupported, "the plan there was copied by a newer gridplan (schema step '\(extra)')", source: .file(session.url.description),
                hint: "use that gridplan, or copy the plan to a GeoPackage and open it there")
        }
        // Taken in place only when the steps lacking are this release's last ones, each with a server form.
        guard let first = steps.firstIndex(where: { !theirs.contains($0.identifier) }) else { return }
        let rest = steps[first...]
        guard rest.allSatisfy({ $0.onServer != nil && !theirs.contains($0.identifier) }) else {
            let missing = rest.first { $0.onServer == nil && !theirs.contains($0.identifier) } ?? steps[first]
            throw GridplanError(
                .unsupported, "the plan there was copied by an older gridplan (it lacks the schema step '\(missing.identifier)')",
                source: .file(session.url.description), hint: "copy it again from its GeoPackage with this gridplan (`gridplan copy --replace`)")
        }
    }
}
