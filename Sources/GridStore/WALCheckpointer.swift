import Foundation
import GRDB

/// Copies a plan's write-ahead log into the file on a thread of its own while a bulk load writes.
///
/// SQLite's writer otherwise does it itself: a commit that finds the log over 1,000 pages copies
/// them into the file and waits for the disk twice (`synchronous = NORMAL` syncs the log before and
/// the file after), in a case import after every batch: a tenth of the writer's time. Here the
/// writer's own checkpoints are off and this thread checkpoints (`PASSIVE`: it never holds the
/// writer up) after each commit. The log restarts from its beginning only when a transaction
/// begins with all of it copied, which a writer that never pauses would not see: when the log has
/// grown past ``framesBeforeRestart`` pages, ``beforeWriting()`` waits for the copy of what the last
/// commit added, so the log stays under some 64 MB. A kill loses nothing the writer committed: the
/// log is the database's until copied, as with SQLite's own checkpoints.
public final class WALCheckpointer: @unchecked Sendable {
    /// Pages (frames) of log after which the writer lets the log be copied whole and restarted.
    public static let framesBeforeRestart = 16_384
    private let framesBeforeRestart: Int

    private let plan: GeoPackage
    private let connection: DatabaseQueue
    private let condition = NSCondition()
    /// Commits told, checkpoint passes begun after the last of them and done; the log's size
    /// after the last pass.
    private var commits = 0, passedCommits = 0, frames = 0
    private var stopping = false, stopped = false

    /// Turns the writer's checkpoints off and starts the thread (tests make `framesBeforeRestart` small).
    public init(plan: GeoPackage, framesBeforeRestart: Int = WALCheckpointer.framesBeforeRestart) throws {
        self.plan = plan
        self.framesBeforeRestart = framesBeforeRestart
        var config = Configuration()
        config.busyMode = .timeout(plan.lockWait)
        connection = try DatabaseQueue(path: plan.path, configuration: config)
        try plan.database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        let thread = Thread { [self] in run() }
        thread.name = "wal-checkpoint"
        thread.start()
    }

    /// After each of the writer's commits.
    public func committed() {
        condition.lock()
        commits += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Before the writer's next transaction: when the log has grown past ``framesBeforeRestart``,
    /// waits until what the last commit added is copied, so that the transaction restarts the log.
    public func beforeWriting() {
        condition.lock()
        defer { condition.unlock() }
        guard frames >= framesBeforeRestart else { return }
        while passedCommits < commits && !stopped { condition.wait() }
    }

    /// Stops the thread and gives the writer its own checkpoints back (its next commit copies what
    /// is left). Called before the load's last transaction, and on any way out.
    public func finish() throws {
        stop()
        try plan.database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 1000") }
    }

    private func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while passedCommits == commits && !stopping { condition.wait() }
            if stopping { break }
            let upTo = commits
            condition.unlock()
            // A failed pass (an I/O error, say) is left to the writer's own last checkpoint.
            let logFrames = try? connection.inDatabase { db in
                try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)").map { $0[1] as Int }
            }
            condition.lock()
            passedCommits = upTo
            if let logFrames { frames = logFrames }
            condition.broadcast()
        }
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
