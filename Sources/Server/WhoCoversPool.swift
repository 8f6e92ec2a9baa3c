import Desk
import Foundation
import GridStore
import Grids
import Synchronization

/// Who-covers answers on every core. A desk is not thread-safe (its GEOS and PROJ handles and
/// point index belong to one thread at a time), so the pool keeps one desk per core, each inside
/// its own actor, and hands questions to them in turn. Each desk builds its point index on its
/// first question and rebuilds it when the plan file changes, as a single desk does.
final class WhoCoversPool: Sendable {
    private let workers: [Worker]
    private let turn = Atomic<Int>(0)

    init(store: GeoPackage, snapMetres: Double, size: Int = ProcessInfo.processInfo.activeProcessorCount) {
        workers = (0..<max(1, size)).map { _ in Worker(desk: WhoCoversDesk(store: store, snapMetres: snapMetres)) }
    }

    /// The answer as `gridplan who-covers --json` prints it, compact.
    func answer(_ question: CoverageQuestion, day: String, planDay: String?, k: Int) async throws -> Data {
        let i = turn.add(1, ordering: .relaxed).oldValue
        return try await workers[i % workers.count].answer(question, day: day, planDay: planDay, k: k)
    }

    actor Worker {
        let desk: WhoCoversDesk
        init(desk: WhoCoversDesk) { self.desk = desk }

        func answer(_ question: CoverageQuestion, day: String, planDay: String?, k: Int) throws -> Data {
            try desk.answerJSON(question, day: day, planDay: planDay, k: k)
        }
    }
}
