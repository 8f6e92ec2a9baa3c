import Desk
import Dispatch
import Foundation
import GridErrors
import GridStore
import Grids
import Synchronization

/// Who-covers answers on every core. A desk is not thread-safe (its GEOS and PROJ handles and
/// point index belong to one thread at a time), so the pool keeps one desk per core (at least
/// two), each on its own serial queue, and hands each question to the desk with the fewest
/// questions waiting: a slow question holds its own desk, not the others. The desks run on
/// their queues, not on Swift's cooperative threads, so a long answer never stalls the server's
/// other routes. An answer that takes longer than the time limit gets a 503 (``GridplanError``
/// of kind busy); the desk finishes it and is then free again. Each desk builds its point index
/// on its first question and rebuilds it when the plan file changes, as a single desk does.
final class WhoCoversPool: Sendable {
    private let workers: [Worker]
    /// Questions handed to each desk and not yet answered.
    private let waiting: Mutex<[Int]>
    private let turn = Atomic<Int>(0)
    let timeLimit: Double

    /// One desk per store: a file's one store may be given for every desk, a server's plan needs
    /// a connection per desk (one connection answers one question at a time).
    init(stores: [any PlanStore], snapMetres: Double, timeLimit: Double = 10) {
        precondition(!stores.isEmpty)
        workers = stores.enumerated().map { i, store in
            Worker(desk: WhoCoversDesk(store: store, snapMetres: snapMetres), queue: DispatchQueue(label: "gridplan.who-covers.\(i)"))
        }
        waiting = Mutex([Int](repeating: 0, count: workers.count))
        self.timeLimit = timeLimit
    }

    /// `size` desks on one store (a GeoPackage's readers run in parallel).
    convenience init(store: any PlanStore, snapMetres: Double, size: Int = WhoCoversPool.defaultSize, timeLimit: Double = 10) {
        self.init(stores: Array(repeating: store, count: max(1, size)), snapMetres: snapMetres, timeLimit: timeLimit)
    }

    /// One desk per core, at least two.
    static var defaultSize: Int { max(2, ProcessInfo.processInfo.activeProcessorCount) }

    /// The answer as `gridplan who-covers --json` prints it, compact.
    func answer(_ question: CoverageQuestion, day: String, planDay: String?, k: Int) async throws -> Data {
        try await run { desk in try desk.answerJSON(question, day: day, planDay: planDay, k: k) }
    }

    /// Runs `work` on the least busy desk; throws a busy error after ``timeLimit`` seconds.
    func run(_ work: @escaping @Sendable (WhoCoversDesk) throws -> Data) async throws -> Data {
        let start = turn.add(1, ordering: .relaxed).oldValue
        let i = waiting.withLock { counts in
            let order = (0..<counts.count).map { (start + $0) % counts.count }
            let i = order.min { counts[$0] < counts[$1] }!
            counts[i] += 1
            return i
        }
        let worker = workers[i], once = Once(), limit = timeLimit
        return try await withCheckedThrowingContinuation { (answer: CheckedContinuation<Data, any Error>) in
            worker.queue.async {
                let result = Result { try work(worker.desk) }
                self.waiting.withLock { $0[i] -= 1 }
                if once.claim() { answer.resume(with: result) }
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + limit) {
                guard once.claim() else { return }
                answer.resume(
                    throwing: GridplanError(
                        .busy, "the answer took longer than \(limit) s", hint: "ask again; a simpler question (a point) answers sooner"))
            }
        }
    }

    /// The desks' load now, for tests.
    var waitingCounts: [Int] { waiting.withLock { $0 } }

    /// A desk and the serial queue that alone touches it.
    final class Worker: @unchecked Sendable {
        let desk: WhoCoversDesk
        let queue: DispatchQueue
        init(desk: WhoCoversDesk, queue: DispatchQueue) { (self.desk, self.queue) = (desk, queue) }
    }

    /// True for the first caller only: the answer and the time limit race to resume once.
    final class Once: Sendable {
        private let done = Mutex(false)
        func claim() -> Bool {
            done.withLock { d in
                defer { d = true }; return !d
            }
        }
    }
}
