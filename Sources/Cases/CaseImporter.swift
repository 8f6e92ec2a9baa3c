import Foundation
import GRDB
import GridErrors
import GridFormats
import GridGeometry
package import GridProjection
package import GridStore
import Grids

/// What `gridplan cases import` reads.
package struct CaseImportOptions: Sendable {
    package var idField: String?
    package var lonField: String?, latField: String?
    package var crs: CRS?
    package var timeField: String?, categoryField: String?, addressField: String?
    package var channelField: String?, severityField: String?, statusField: String?, closedField: String?
    package var encoding: String?
    /// Rows per transaction; a kill loses at most the batch in progress.
    package var batchSize = 20_000
    package var rejectsPath: String?
    /// Start from the first row even if an earlier run of the same file stopped part-way.
    package var restart = false
    package var snapMetres = 30.0
    package var threads = 1
    /// An import of at least this many rows (and of no fewer than the store holds) sets the
    /// cases' secondary indexes aside and builds them after its last batch (``CaseIndexes``).
    package var bulkRows = CaseIndexes.defaultBulkRows
    package init() {}
}

/// What an import did.
package struct CaseImportReport: Sendable, Encodable {
    package var rows = 0
    package var inserted = 0
    package var updated = 0
    package var rejected = 0
    /// Rows skipped because an earlier, interrupted run had stored them.
    package var resumedFrom = 0
    package var byStatus: [String: Int] = [:]
    package var rejectsPath: String?
    package var seconds = 0.0
    /// The CRS the coordinates were read in (given, or the file's), nil when the file has none.
    package var sourceCRS: String?
}

/// Loads incidents into the store, assigning each to its grids.
///
/// Re-importing an id updates the case. The file is processed in batches, each one
/// transaction that also advances a checkpoint: after a kill, the next run of the same file
/// (same path, size and modification time) resumes after the last committed batch, and the
/// reject file is cut back to what that batch had written. Rows that cannot be used go to the
/// reject file with their line (or feature) number and the reason (in the user's language, as reports are).
package enum CaseImporter {
    static let idNames = ["id", "case_id", "external_id", "编号", "工单号", "事件编号", "案件编号"]
    static let timeNames = ["reported_at", "time", "report_time", "上报时间", "时间", "发生时间"]
    static let categoryNames = ["category", "category_code", "类别", "事件类型", "类型"]
    static let addressNames = ["address", "addr", "地址", "事发地址", "发生地址"]
    static let channelNames = ["channel", "source", "来源", "渠道"]
    static let severityNames = ["severity", "level", "等级", "紧急程度"]
    static let statusNames = ["status", "state", "状态"]
    static let closedNames = ["closed_at", "close_time", "结案时间", "办结时间"]

    /// Imports `file` into `store`. `progress` is told the rows done of the total after each batch;
    /// `indexing`, when an import builds indexes (a bulk import after its last batch, a small one
    /// first when a killed bulk import left them unbuilt), which one of how many.
    package static func run(
        file: String, into store: any WritablePlanStore, options: CaseImportOptions,
        progress: ((Int, Int) throws -> Void)? = nil, indexing: ((_ index: Int, _ of: Int) throws -> Void)? = nil
    ) throws -> CaseImportReport {
        let started = Date()
        let reader = try CaseReader(
            path: file, lonField: options.lonField, latField: options.latField,
            crs: options.crs, encoding: options.encoding)
        let f = try Fields(reader: reader, options: options)
        let assigner = try Assigner(store: store, snapMetres: options.snapMetres)
        let total = reader.rowCount
        let key = try checkpointKey(file)
        let rejectsPath = options.rejectsPath ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension + ".rejects.csv"
        let file = store as? GeoPackage

        var report = CaseImportReport(rejectsPath: rejectsPath, sourceCRS: reader.sourceCRS?.description)
        var skip = 0
        var rejectsBytes: UInt64 = 0
        let (checkpoint, existing) = try store.reading { r in
            (
                try r.rows("SELECT rows_done, complete, rejects_bytes FROM internal_import_checkpoints WHERE source = ?", [key.databaseValue])
                    .first,
                try r.value("SELECT count(*) FROM cases") ?? 0
            )
        }
        if !options.restart, let row = checkpoint, (row["complete"] as Int) == 0 {
            skip = row["rows_done"]
            rejectsBytes = UInt64(row["rejects_bytes"] as Int64)
        }
        report.resumedFrom = skip
        let rejects = try RejectFile(
            path: rejectsPath, header: ["\(reader.unitName)", "reason"] + reader.fieldNames,
            resumeAt: skip > 0 ? rejectsBytes : nil)
        var done = skip
        let now = ISO8601DateFormatter().string(from: Date())
        // The points this run wrote: the layer's extent is widened to them at the end.
        var written: Envelope?

        // A large import into a file sets the secondary indexes aside (an earlier one killed in
        // its bulk load may have left them so: a small import builds them first). A server's
        // indexes stay: other writers and readers use them while the import runs.
        let bulk = file != nil && CaseIndexes.worthSettingAside(rows: total - skip, existing: existing, bulkRows: options.bulkRows)
        try file?.write { db in
            if bulk {
                try CaseIndexes.setAside(db)
                try FeatureTables.setAsideRTree(db, table: "cases")
            } else {
                try CaseIndexes.restore(db, building: indexing)
            }
        }
        // The index builds at the end sort every row: their sorter spills to a file, not to memory
        // as the plan's connections otherwise keep temporary data (it would grow with the rows).
        if bulk { try file?.temporaryData(inMemory: false) }
        defer { if bulk { try? file?.temporaryData(inMemory: true) } }
        // The R-tree set aside is built on a thread from the rows each batch commits.
        let tree = try bulk ? file.map { try RTreeBeside(plan: $0, table: "cases") } : nil
        try tree?.follow()
        // The log of the batches is copied into the file on a thread too, not by the writer.
        let checkpointer = try bulk ? file.map { try WALCheckpointer(plan: $0) } : nil
        defer { try? checkpointer?.finish() }
        // Two stages with at most two batches between them: a thread reads, checks and assigns
        // (``ImportReading``), this one stores each batch in its transaction. The checkpoint of a
        // batch records how far the reject file reached when that batch was read, so a resume cuts
        // away what later batches had rejected.
        let ready = BatchQueue<ReadyBatch>(capacity: 2)
        let reading = ImportReading(
            reader: reader, fields: f, assigner: assigner, rejects: rejects, threads: options.threads, now: now)
        let batchSize = options.batchSize, resumeAt = skip
        let readerThread = ThreadOutcome("cases-read") {
            do {
                try reading.run(batchSize: batchSize, skip: resumeAt) { batch in
                    _ = ready.takeBack() // freed here, on the thread that made them
                    return ready.push(batch)
                }
                ready.finish()
            } catch {
                ready.finish(throwing: error)
            }
        }
        do {
            while let batch = try ready.pop() {
                checkpointer?.beforeWriting()
                let stored = try store.writing { w -> UpsertOutcome in
                    let counts: UpsertOutcome
                    if let db = w as? Database {
                        // The batch's new cases go into the R-tree in one statement after their rows.
                        counts = try FeatureTables.insertingWithRTreeAfter(db, table: "cases") {
                            try upsert(db, batch.cases, now: now)
                        }
                    } else {
                        let (inserted, updated) = try StagedUpsert.run(w, batch.cases, now: now)
                        counts = UpsertOutcome(inserted: inserted, updated: updated)
                    }
                    try w.execute(
                        """
                        INSERT INTO internal_import_checkpoints (source, rows_done, complete, rejects_path, rejects_bytes, updated_at)
                        VALUES (?, ?, 0, ?, ?, ?)
                        ON CONFLICT(source) DO UPDATE SET rows_done = excluded.rows_done, complete = 0,
                          rejects_path = excluded.rejects_path, rejects_bytes = excluded.rejects_bytes, updated_at = excluded.updated_at
                        """,
                        [
                            key.databaseValue, (done + batch.rows).databaseValue, rejectsPath.databaseValue,
                            Int64(batch.rejectsSize).databaseValue, now.databaseValue,
                        ])
                    return counts
                }
                checkpointer?.committed()
                tree?.committed(
                    added: stored.firstFid, through: stored.lastFid, changed: stored.updatedFids, addedBoxes: boxes(of: batch.cases, stored))
                if let points = batch.points { written = written?.union(points) ?? points }
                ready.giveBack(batch)
                done += batch.rows
                report.inserted += stored.inserted
                report.updated += stored.updated
                report.rejected += batch.rejected
                for (status, n) in batch.byStatus { report.byStatus[status, default: 0] += n }
                try progress?(done, total)
            }
        } catch {
            // Not a kill: the error stops the import here, and the indexes are built again.
            ready.cancel()
            _ = try? readerThread.wait()
            tree?.cancel()
            if bulk { _ = try? file?.restoringRTree(of: "cases") { try CaseIndexes.restore($0) } }
            throw error
        }
        try readerThread.wait()
        try checkpointer?.finish()
        func finish(_ w: any PlanWriter) throws {
            try w.execute(
                "UPDATE internal_import_checkpoints SET complete = 1, rows_done = ?, updated_at = ? WHERE source = ?",
                [done.databaseValue, now.databaseValue, key.databaseValue])
            // The extent is read again from every row when the layer held cases before a bulk load
            // (it may have moved them) or a resumed import wrote rows before this run; a first
            // import's is the points it wrote (reading every row again took 0.4 s of 1 M's import).
            if (bulk && existing > 0) || skip > 0 {
                try w.refreshExtent(of: "cases")
            } else if let written {
                try w.extendExtent(of: "cases", toInclude: written)
            }
        }
        // A file's R-tree, when set aside, is built on a thread while the indexes are; the import is
        // complete, in one transaction, once both are back.
        if let tree {
            try tree.finish { db in
                try CaseIndexes.restore(db, building: indexing)
                try finish(db)
            }
        } else if let file {
            try file.restoringRTree(of: "cases") { db in
                try CaseIndexes.restore(db, building: indexing)
                try finish(db)
            }
        } else {
            try store.writing(finish)
        }
        try rejects.close(removeIfEmpty: skip == 0)
        report.rows = done
        if report.rejected == 0 && skip == 0 { report.rejectsPath = nil }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// The R-tree's boxes of a batch's new rows, when every case of it was added (none updated) as
    /// the rows after `firstFid` in the batch's order; else nil, and the R-tree's thread reads them.
    static func boxes(of cases: [StoredCase], _ stored: UpsertOutcome) -> [RTreeEntry]? {
        guard stored.inserted == cases.count, stored.lastFid - stored.firstFid == Int64(cases.count) else { return nil }
        return cases.indices.compactMap { k in
            cases[k].point.flatMap { p in
                RTreeEntry(id: stored.firstFid + 1 + Int64(k), envelope: Envelope(minX: p.lon, minY: p.lat, maxX: p.lon, maxY: p.lat))
            }
        }
    }

    /// A source file is the same file when its path, size and modification time are.
    static func checkpointKey(_ file: String) throws -> String {
        let url = URL(fileURLWithPath: file).standardizedFileURL
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(url.path)|\(size)|\(Int64(modified * 1000))"
    }

    struct Fields {
        var id: Int, time: Int?, category: Int?, address: Int?, channel: Int?, severity: Int?, status: Int?, closed: Int?
        let used: Set<Int>
        let names: [String]

        init(reader: CaseReader, options: CaseImportOptions) throws {
            names = reader.fieldNames
            func find(_ given: String?, _ setting: Setting, _ usual: [String]) throws -> Int? {
                try FieldLookup.index(in: reader.fieldNames, named: given, setting: setting, usual: usual, file: reader.fileName)
            }
            guard let id = try find(options.idField, "id-field", CaseImporter.idNames) else {
                throw GridplanError(
                    .badInput, "no id field found (looked for \(CaseImporter.idNames.joined(separator: ", ")))", source: .file(reader.fileName),
                    hint: "name it with \(setting: "id-field")")
            }
            self.id = id
            time = try find(options.timeField, "time-field", CaseImporter.timeNames)
            category = try find(options.categoryField, "category-field", CaseImporter.categoryNames)
            address = try find(options.addressField, "address-field", CaseImporter.addressNames)
            channel = try find(options.channelField, "channel-field", CaseImporter.channelNames)
            severity = try find(options.severityField, "severity-field", CaseImporter.severityNames)
            status = try find(options.statusField, "status-field", CaseImporter.statusNames)
            closed = try find(options.closedField, "closed-field", CaseImporter.closedNames)
            var used = Set([id, time, category, address, channel, severity, status, closed].compactMap { $0 })
            if let lon = reader.lonIndex { used.insert(lon) }
            if let lat = reader.latIndex { used.insert(lat) }
            self.used = used
        }
    }

    struct Parsed {
        var id: String
        var reportedAt: String?, closedAt: String?
        var category: String?, address: String?, channel: String?
        var severity: String, status: CaseStatus
        var attributes: String?
    }

    static func parse(_ row: CaseReader.Row, _ f: Fields, reader: CaseReader) -> Result<Parsed, GridplanError> {
        func text(_ i: Int?) -> String? { i.flatMap { row.values[$0].trimmed } }
        if let unreadable = row.unreadable { return .failure(GridplanError(.badInput, Wording(unreadable))) }
        guard let id = text(f.id) else { return .failure(GridplanError(.badInput, "no id (field \(f.names[f.id]) is empty)")) }
        if let problem = row.problem { return .failure(GridplanError(.badInput, Wording(problem))) }
        var reportedAt: String? = nil
        if let t = text(f.time) {
            guard let parsed = Clock.time(t) else {
                return .failure(
                    GridplanError(
                        .badInput, "time '\(t)' is not a date and time of the calendar (e.g. 2024-03-01 08:30:00, 2024年3月1日 08:30)",
                        source: ErrorSource(field: f.names[f.time!])))
            }
            reportedAt = parsed
        }
        var closedAt: String? = nil
        if let t = text(f.closed) {
            guard let parsed = Clock.time(t) else {
                return .failure(
                    GridplanError(
                        .badInput, "closing time '\(t)' is not a date and time of the calendar", source: ErrorSource(field: f.names[f.closed!])))
            }
            closedAt = parsed
        }
        guard let severity = CaseFields.severity(text(f.severity) ?? "") else {
            return .failure(GridplanError(.badInput, "severity '\(text(f.severity)!)' is not ordinary, important or major (一般, 重要, 重大)"))
        }
        guard let status = CaseStatus(text: text(f.status) ?? "") else {
            let states = CaseStatus.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(GridplanError(.badInput, "status '\(text(f.status)!)' is not one of \(states)"))
        }
        let address = text(f.address)
        if let address, let problem = AddressLimit.problem(address) {
            return .failure(GridplanError(.badInput, problem, source: ErrorSource(field: f.names[f.address!])))
        }
        if row.lon == nil && address == nil {
            return .failure(GridplanError(.badInput, "no location: no coordinates and no address"))
        }
        var extra: [String: String] = [:]
        for (i, name) in f.names.enumerated() where !f.used.contains(i) {
            if let v = row.values[i].string, !v.isEmpty { extra[name] = v }
        }
        let attributes =
            extra.isEmpty
            ? nil : (try? JSONSerialization.data(withJSONObject: extra, options: [.sortedKeys])).flatMap { String(data: $0, encoding: .utf8) }
        return .success(
            Parsed(
                id: id, reportedAt: reportedAt, closedAt: closedAt,
                category: text(f.category), address: address, channel: text(f.channel),
                severity: severity, status: status, attributes: attributes))
    }

    /// The order to store a batch in: along a Z-order curve of the locations, so that cases near
    /// each other get neighbouring rows and share table pages. A bounding-box query then reads a
    /// few pages per batch instead of one per case. Every occurrence of an id keeps the place of
    /// its first (and their file order), so repeated ids are applied as in the file.
    static func spatialOrder(ids: [String], points: [(lon: Double, lat: Double)?]) -> [Int] {
        var firstKey: [String: UInt64] = [:]
        firstKey.reserveCapacity(ids.count)
        var keys = [UInt64](repeating: 0, count: ids.count)
        // One lookup an id: the entry is made with this occurrence's key when it is the first.
        func stored(_ key: inout UInt64) -> UInt64 { key }
        for i in ids.indices {
            keys[i] = stored(&firstKey[ids[i], default: points[i].map { zOrder(lon: $0.lon, lat: $0.lat) } ?? UInt64.max])
        }
        return ids.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
    }

    /// Interleaved bits of longitude and latitude on a 2³²×2³² grid over the globe.
    static func zOrder(lon: Double, lat: Double) -> UInt64 {
        func spread(_ v: UInt64) -> UInt64 {
            var x = v & 0xFFFF_FFFF
            x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF
            x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF
            x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F
            x = (x | (x << 2)) & 0x3333_3333_3333_3333
            x = (x | (x << 1)) & 0x5555_5555_5555_5555
            return x
        }
        let scale = Double(UInt32.max)
        let x = UInt64(min(max((lon + 180) / 360, 0), 1) * scale), y = UInt64(min(max((lat + 90) / 180, 0), 1) * scale)
        return spread(x) | (spread(y) << 1)
    }

    /// Inserts or updates a batch's cases the way their database takes best: a file's through
    /// ``upsert(_:_:now:)``, a server's through ``StagedUpsert``.
    static func upsertBatch(
        _ w: any PlanWriter, _ rows: [(CaseReader.Row, Parsed)], _ assignments: [Assignment?],
        assigner: Assigner, sourceCRS: String?, now: String
    ) throws -> (inserted: Int, updated: Int) {
        let maker = StoredCase.Maker(assigner: assigner, sourceCRS: sourceCRS, now: now)
        let read = rows.map(\.0)
        let cases = try rows.indices.map { try maker.row(read, $0, rows[$0].1, assignments[$0]) }
        if let db = w as? Database {
            let outcome = try upsert(db, cases, now: now)
            return (outcome.inserted, outcome.updated)
        }
        return try StagedUpsert.run(w, cases, now: now)
    }

    /// Inserts or updates a batch's cases in a GeoPackage and keeps the filings that change in the
    /// history (``CaseHistory``), through cached statements bound by SQLite's own calls (a
    /// server's batch goes through ``StagedUpsert``).
    ///
    /// New ids (the common case) need no lookup: the cases go in ``insertRows`` at a time, each
    /// statement ignoring the ids the plan holds already; only when a statement adds fewer rows
    /// than it was given are the others found, read and updated one by one. An update whose filing
    /// is the stored one keeps when that filing began (the row is given its import moment anew,
    /// so an empty `assigned_at` is written out); one that changes it begins a filing now. So with
    /// the status: the stored `status_at` stays when the status does, and is now when it changes.
    static func upsert(_ db: Database, _ cases: [StoredCase], now: String) throws -> UpsertOutcome {
        let columns = StoredCase.fileColumns
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        func insert(_ rows: Int) throws -> Statement {
            let rowsSQL = Array(repeating: row, count: rows).joined(separator: ", ")
            return try db.cachedStatement(sql: "INSERT OR IGNORE INTO cases (\(columns.joined(separator: ", "))) VALUES " + rowsSQL)
        }
        // Made once: a batch runs the full one hundreds of times.
        let insertFull = try insert(insertRows)
        let find = try db.cachedStatement(
            sql:
                "SELECT fid, coalesce(assigned_at, imported_at) AS since, status, status_at, \(CaseHistory.filing.joined(separator: ", ")) FROM \(CaseFilings.view) WHERE external_id = ?"
        )
        let update = try db.cachedStatement(
            sql: "UPDATE cases SET \(columns.filter { $0 != "external_id" }.map { "\($0) = ?" }.joined(separator: ", ")) WHERE fid = ?")
        let endFiling = try db.cachedStatement(sql: CaseHistory.endOne)
        let lookups = try StoredCase.sharedSets.map { try SharedColumns.Lookup($0, in: db) }
        // The keys of each group of cases that share their shared values (``StoredCase/sharedGroup``).
        // Neighbouring cases (a batch is in spatial order) mostly share a group: that is tried first.
        var keysOfGroup: [Int: [DatabaseValue]] = [:]
        var lastGroup: (group: Int, keys: [DatabaseValue])?
        func keys(_ c: StoredCase) throws -> [DatabaseValue] {
            if let lastGroup, lastGroup.group == c.sharedGroup { return lastGroup.keys }
            let found = try keysOfGroup[c.sharedGroup] ?? c.keys(lookups)
            keysOfGroup[c.sharedGroup] = found
            lastGroup = (c.sharedGroup, found)
            return found
        }
        let moment = now.databaseValue
        var lastFid = try Int64.fetchOne(db, sql: "SELECT max(fid) FROM cases") ?? 0
        var outcome = UpsertOutcome(firstFid: lastFid)
        var start = 0
        while start < cases.count {
            let part = cases[start..<min(start + insertRows, cases.count)]
            start = part.endIndex
            let before = lastFid
            try (part.count == insertRows ? insertFull : insert(part.count)).run(nullsUnbound: true) { binding in
                // Read in place, not copied a case and a value at a time (retains showed in the profile; alternating runs did not separate the gain from noise).
                try part.withUnsafeBufferPointer { part in
                    for c in part.indices {
                        try binding.bind(part[c].geometry)
                        try binding.bind(part[c].id.databaseValue)
                        try part[c].values.withUnsafeBufferPointer { values in
                            for p in StoredCase.rowPositions { try binding.bind(values[p]) }
                        }
                        for key in try keys(part[c]) { try binding.bind(key) }
                    }
                }
            }
            let added = db.changesCount
            if added > 0 { lastFid = db.lastInsertedRowID }
            outcome.inserted += added
            guard added < part.count else { continue }
            // Some ids were there: each id this statement added is new once (its first occurrence
            // here), every other occurrence updates.
            var fresh = Set(try String.fetchAll(db, sql: "SELECT external_id FROM cases WHERE fid > ?", arguments: [before]))
            for c in part where fresh.remove(c.id) == nil {
                guard let existing = try Row.fetchOne(find, arguments: [c.id]) else {
                    throw GridplanError(.failed, "case \(c.id) vanished during import")
                }
                let caseFid: Int64 = existing["fid"]
                var stored = c.values
                if CaseHistory.filing.map({ existing[$0] as DatabaseValue }) != c.filing {
                    try endFiling.run(binding: [moment, caseFid.databaseValue])
                    stored[StoredCase.assignedAtColumn] = moment
                } else {
                    stored[StoredCase.assignedAtColumn] = existing["since"]
                }
                // A status the file gives again holds since it did (its moment was set when it
                // changed, by a dispatch or an earlier import); a new one holds from now.
                let sameStatus = (existing["status"] as DatabaseValue) == stored[StoredCase.statusColumn]
                stored[StoredCase.statusAtColumn] = sameStatus ? existing["status_at"] : moment
                try update.run(binding: [c.geometry], StoredCase.rowPositions.map { stored[$0] }, try keys(c), [caseFid.databaseValue])
                outcome.updated += 1
                outcome.updatedFids.append(caseFid)
            }
        }
        outcome.lastFid = lastFid
        return outcome
    }

    /// What ``upsert(_:_:now:)`` did: how many cases it added and updated, which it
    /// updated, and the last id the table held before and after (its new cases are those between).
    struct UpsertOutcome {
        var inserted = 0, updated = 0
        var updatedFids: [Int64] = []
        var firstFid: Int64 = 0, lastFid: Int64 = 0
    }

    /// Cases per insert statement: enough that a statement's own work is spread thin, few enough
    /// that its values stay far below SQLite's limit of variables (32,766).
    static let insertRows = 64
}

/// The reading stage of an import, on its own thread: reads the file in batches, checks each row
/// (the unusable ones go to the reject file), assigns the located ones and makes each case's row,
/// in the order to store them. Used by one thread at a time.
final class ImportReading: @unchecked Sendable {
    let reader: CaseReader, fields: CaseImporter.Fields, assigner: Assigner, rejects: RejectFile
    let threads: Int
    /// Makes each case's row (on this stage's thread only).
    let maker: StoredCase.Maker

    init(reader: CaseReader, fields: CaseImporter.Fields, assigner: Assigner, rejects: RejectFile, threads: Int, now: String) {
        self.reader = reader; self.fields = fields; self.assigner = assigner; self.rejects = rejects
        self.threads = threads
        maker = StoredCase.Maker(assigner: assigner, sourceCRS: reader.sourceCRS?.description, now: now)
    }

    private struct Stopped: Error {}

    /// Reads from row `skip` on and hands each batch to `deliver`, until the file ends or
    /// `deliver` answers false (the writer stopped).
    func run(batchSize: Int, skip: Int, deliver: (ReadyBatch) -> Bool) throws {
        do {
            try reader.forEachBatch(size: batchSize, skip: skip) { rows in
                guard deliver(try prepare(rows)) else { throw Stopped() }
            }
        } catch is Stopped {}
    }

    private func prepare(_ rows: [CaseReader.Row]) throws -> ReadyBatch {
        // The rows accepted, by their place in `rows`, with what was read from each.
        var accepted: [Int] = [], parsed: [CaseImporter.Parsed] = []
        accepted.reserveCapacity(rows.count)
        parsed.reserveCapacity(rows.count)
        for i in rows.indices {
            switch CaseImporter.parse(rows[i], fields, reader: reader) {
            case .success(let p):
                accepted.append(i)
                parsed.append(p)
            case .failure(let reason):
                try rejects.write(row: rows[i], number: rows[i].line, reason: reason.localized { $0.rawValue })
            }
        }
        let located = accepted.indices.filter { rows[accepted[$0]].lon != nil }
        let lons = located.map { rows[accepted[$0]].lon! }, lats = located.map { rows[accepted[$0]].lat! }
        let results = try assigner.assign(lon: lons, lat: lats, threads: threads)
        var assignments = [Assignment?](repeating: nil, count: accepted.count)
        for (k, i) in located.enumerated() { assignments[i] = results[k] }
        try rejects.flush()
        var byStatus: [String: Int] = [:]
        for a in assignments { byStatus[(a?.status ?? .noLocation).rawValue, default: 0] += 1 }
        let order = CaseImporter.spatialOrder(ids: parsed.map(\.id), points: accepted.map { i in rows[i].lon.map { ($0, rows[i].lat!) } })
        let cases = try order.map { k in try maker.row(rows, accepted[k], parsed[k], assignments[k]) }
        let points = lons.isEmpty ? nil : Envelope(minX: lons.min()!, minY: lats.min()!, maxX: lons.max()!, maxY: lats.max()!)
        return ReadyBatch(
            cases: cases, rows: rows.count, rejected: rows.count - accepted.count, rejectsSize: rejects.size, byStatus: byStatus, points: points)
    }
}

/// A batch read, checked and assigned, ready to store: its cases in the order to store them, how
/// many rows it read and rejected, how far the reject file reached after it, its cases by
/// assignment status, and the box of their points.
struct ReadyBatch: Sendable {
    var cases: [StoredCase]
    var rows: Int
    var rejected: Int
    var rejectsSize: UInt64
    var byStatus: [String: Int]
    var points: Envelope?
}

/// The reject file: one CSV row per unusable input row, with its number and the reason.
final class RejectFile {
    let path: String
    private let handle: FileHandle
    private var buffer = ""
    private(set) var size: UInt64 = 0
    private var wroteRows = false

    /// Opens for appending; `resumeAt` cuts the file back to that many bytes (an interrupted run).
    init(path: String, header: [String], resumeAt: UInt64?) throws {
        self.path = path
        let fm = FileManager.default
        if let resumeAt, fm.fileExists(atPath: path) {
            guard let h = FileHandle(forUpdatingAtPath: path) else {
                throw GridplanError(.failed, "cannot write the reject file", source: .file(path))
            }
            try h.truncate(atOffset: resumeAt)
            try h.seekToEnd()
            handle = h
            size = resumeAt
        } else {
            guard fm.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                throw GridplanError(.failed, "cannot write the reject file", source: .file(path))
            }
            handle = h
            buffer = header.map(csvField).joined(separator: ",") + "\n"
        }
    }

    func write(row: CaseReader.Row, number: Int, reason: String) throws {
        wroteRows = true
        buffer += ([String(number), reason] + row.values.map { $0.string ?? "" }).map(csvField).joined(separator: ",") + "\n"
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        let data = Data(buffer.utf8)
        try handle.write(contentsOf: data)
        try handle.synchronize()
        size += UInt64(data.count)
        buffer = ""
    }

    func close(removeIfEmpty: Bool) throws {
        try flush()
        try handle.close()
        if removeIfEmpty && !wroteRows { try? FileManager.default.removeItem(atPath: path) }
    }
}
