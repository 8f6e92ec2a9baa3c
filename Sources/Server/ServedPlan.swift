import Desk
import Dispatch
import Foundation
import GridErrors
package import GridStore

/// The plan a server serves: a GeoPackage file, or a plan on a PostgreSQL + PostGIS server. The
/// server opens it once for its routes, once for the long reads of cases (``CaseReports``) and
/// once more for each who-covers desk: a file hands out the one store every time (its readers
/// run in parallel), a server a connection of its own each time (one connection runs one
/// transaction at a time).
package struct ServedPlan: Sendable {
    /// What the health route and the messages call it: a file's name, a server's URL without its password.
    package var name: String
    /// Opens the plan, waiting on the calling thread; the server calls it off Swift's
    /// cooperative threads (a server's connection waits on its thread for PostgresNIO).
    package var open: @Sendable () throws -> any WritablePlanStore
    /// Opens the plan for the routes that only read and for the who-covers desks: a streaming
    /// replica of the server, or nil for the plan itself. Writes always go to ``open``'s.
    package var openReader: (@Sendable () throws -> any PlanStore)?
    /// Who-covers desks: one per core on a file; on a server at most eight, each a connection
    /// (a district's PostgreSQL allows a hundred by default, for every server and command).
    package var desks: Int

    package init(
        name: String, open: @escaping @Sendable () throws -> any WritablePlanStore,
        openReader: (@Sendable () throws -> any PlanStore)? = nil
    ) {
        self.name = name
        self.open = open
        self.openReader = openReader
        desks = min(WhoCoversPool.defaultSize, 8)
    }

    /// A GeoPackage file, opened now (a missing file is an error, not a new plan).
    package static func file(_ path: String) throws -> ServedPlan {
        guard FileManager.default.fileExists(atPath: path) else { throw GridplanError(.notFound, "no such plan", source: .file(path)) }
        let store = try GeoPackage.plan(path: path)
        var plan = ServedPlan(name: (path as NSString).lastPathComponent, open: { store })
        plan.desks = WhoCoversPool.defaultSize
        return plan
    }

    /// ``open`` on a dispatch thread, for a caller inside Swift concurrency.
    func opened() async throws -> any WritablePlanStore { try await Self.offPool(open) }

    /// ``openReader`` (or ``open`` when there is no replica) on a dispatch thread.
    func openedForReading() async throws -> any PlanStore {
        guard let openReader else { return try await opened() }
        return try await Self.offPool(openReader)
    }

    private static func offPool<T>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { answer in
            DispatchQueue.global().async { answer.resume(with: Result { try work() }) }
        }
    }
}

/// Runs an actor's jobs on a serial dispatch queue of its own rather than on Swift's
/// cooperative threads: the plan's reads and writes wait on their thread for the database (a
/// server's answers arrive through PostgresNIO, whose own tasks need those cooperative threads).
final class QueueExecutor: SerialExecutor {
    let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}
