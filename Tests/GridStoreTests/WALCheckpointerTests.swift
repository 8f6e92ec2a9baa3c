import Foundation
import GRDB
import GridTestSupport
import Grids
import Testing

@testable import GridStore

/// The log of a bulk load copied into the file by a thread of its own (``WALCheckpointer``).
@Suite struct WALCheckpointerTests {
    /// The bytes of the plan's write-ahead log file, 0 when there is none.
    func logBytes(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The writer connection's checkpoint threshold in pages (0: off).
    func writersCheckpoints(_ store: GeoPackage) throws -> Int? {
        try store.database.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") }
    }

    /// Through 60 commits of about 1 MB the writer's own checkpoints stay off and the log stays
    /// bounded (it restarts once past the limit: without the thread, or with the writer's
    /// checkpoints off and no one copying, it would grow to the whole 60 MB); every row is there;
    /// afterwards the writer checkpoints again.
    @Test func theLogIsCopiedAndRestartedWhileTheWriterCommits() throws {
        let folder = TemporaryFolder()
        let path = folder.path("plan.gpkg")
        let store = try GeoPackage(path: path, schema: GridsSchema.schema)
        try store.write { try $0.execute(sql: "CREATE TABLE filler (id INTEGER PRIMARY KEY, bytes BLOB)") }
        let limit = 512 // frames: 2 MB of 4 KB pages
        let checkpointer = try WALCheckpointer(plan: store, framesBeforeRestart: limit)
        #expect(try writersCheckpoints(store) == 0)
        var largest = 0
        for _ in 0..<60 {
            checkpointer.beforeWriting()
            try store.write { db in
                for _ in 0..<16 { try db.execute(sql: "INSERT INTO filler (bytes) VALUES (randomblob(65536))") }
            }
            checkpointer.committed()
            largest = max(largest, logBytes(path))
        }
        try checkpointer.finish()
        // The limit, one more commit's pages, and the commits made while a copy ran.
        #expect(largest < 16 << 20, "the log reached \(largest) bytes")
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM filler") } == 960)
        #expect(try writersCheckpoints(store) == 1000)
        #expect(try store.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    }
}
