import CSQLite
import Foundation
public import GRDB
import GridErrors
public import GridGeometry

/// One entry of a two-dimensional SQLite R-tree as the module stores it: an id and a box of 32-bit
/// floats.
public struct RTreeEntry: Sendable, Equatable {
    public var id: Int64
    public var minX: Float, maxX: Float, minY: Float, maxY: Float

    public init(id: Int64, minX: Float, maxX: Float, minY: Float, maxY: Float) {
        self.id = id
        self.minX = minX; self.maxX = maxX; self.minY = minY; self.maxY = maxY
    }

    /// The box SQLite's R-tree stores for `envelope`. A coordinate a 32-bit float cannot hold is
    /// moved outwards by scaling it by 1 ± 2⁻²³, as the module does when it takes a row, so that
    /// the box holds the envelope and a bulk-loaded entry equals an inserted one (a test compares
    /// them). Nil for a coordinate that is not a number or a minimum above its maximum.
    public init?(id: Int64, envelope e: Envelope) {
        guard !(e.minX.isNaN || e.minY.isNaN || e.maxX.isNaN || e.maxY.isNaN), e.minX <= e.maxX, e.minY <= e.maxY else { return nil }
        self.init(id: id, minX: Self.down(e.minX), maxX: Self.up(e.maxX), minY: Self.down(e.minY), maxY: Self.up(e.maxY))
    }

    private static let towardZero = 1 - 1.0 / 8_388_608, awayFromZero = 1 + 1.0 / 8_388_608

    static func down(_ d: Double) -> Float {
        let f = Float(d)
        return Double(f) > d ? Float(d * (d < 0 ? awayFromZero : towardZero)) : f
    }

    static func up(_ d: Double) -> Float {
        let f = Float(d)
        return Double(f) < d ? Float(d * (d < 0 ? towardZero : awayFromZero)) : f
    }

    /// The box holding both, with this one's id.
    func union(_ other: RTreeEntry) -> RTreeEntry {
        RTreeEntry(id: id, minX: min(minX, other.minX), maxX: max(maxX, other.maxX), minY: min(minY, other.minY), maxY: max(maxY, other.maxY))
    }

    var centerX: Float { minX / 2 + maxX / 2 }
    var centerY: Float { minY / 2 + maxY / 2 }
}

/// Writes a whole SQLite R-tree at once into a new, empty one: the entries packed into full nodes
/// bottom up, each node written once.
///
/// SQLite's R-tree module has no bulk load: each insert walks the tree and rewrites a node, some
/// 10 µs a point (as long as all the rest of a case's import). Packing is Sort-Tile-Recursive:
/// the entries sorted by x into vertical slices, each slice sorted by y and cut into nodes, the
/// nodes' boxes packed so again, up to one root. The module's own format, which its
/// `rtreecheck()` verifies (the tests run it): the shadow table `<tree>_node` holds the nodes
/// (number 1 the root, whose first two bytes give the tree's depth), each a two-byte cell count
/// then cells of an 8-byte id (a row's, or in an inner node a child node's number) and the box's
/// four floats, all big-endian, in blobs of the size the module chose when it made the tree;
/// `<tree>_rowid` gives each row's leaf and `<tree>_parent` each node's parent.
public enum RTreeBulkLoad {
    /// Bytes of a cell: the id and four 32-bit coordinates.
    static let cellBytes = 24

    /// How many cells a node of an R-tree made in a database with `pageSize`-byte pages holds:
    /// asked of SQLite, by making such a tree in memory.
    public static func capacity(pageSize: Int) throws -> Int {
        let probe = try DatabaseQueue()
        return try probe.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            try db.execute(sql: "CREATE VIRTUAL TABLE probe USING rtree(id, minx, maxx, miny, maxy)")
            return (try nodeBytes(of: "probe", db) - 4) / cellBytes
        }
    }

    /// The size of the R-tree `tree`'s nodes, its root's: every node has it.
    static func nodeBytes(of tree: String, _ db: Database) throws -> Int {
        guard let bytes = try Int.fetchOne(db, sql: "SELECT length(data) FROM \"\(tree)_node\" WHERE nodeno = 1") else {
            throw GridplanError(.failed, "the R-tree \(tree) has no root node")
        }
        return bytes
    }

    /// Entries a bulk load holds in memory at once, sorting and writing a tree (12 MB); more go
    /// through temporary files (``EntryRuns``).
    public static let entriesInMemory = 1 << 19

    /// Fills the empty R-tree of `table`'s geometry `column` from all the table's rows at once, in
    /// the caller's transaction.
    public static func fill(_ db: Database, table: String, column: String, entriesInMemory: Int = entriesInMemory) throws {
        let tree = "rtree_\(table)_\(column)", folder = directory(of: db)
        let byX = boxRuns(entriesInMemory, folder)
        try boxes(
            db,
            "SELECT rowid, \(column.quotedDatabaseIdentifier) FROM \(table.quotedDatabaseIdentifier) WHERE \(column.quotedDatabaseIdentifier) NOT NULL"
        ) { entry in
            if let entry { try byX.append(entry) }
        }
        let capacity = (try nodeBytes(of: tree, db) - 4) / cellBytes
        try write(pack(byX, count: byX.count, capacity: capacity, directory: folder, entriesInMemory: entriesInMemory), into: tree, db)
    }

    /// The folder of `db`'s main file, where a bulk load's temporary files go (the system's for a
    /// database in memory).
    static func directory(of db: Database) -> String {
        guard let name = sqlite3_db_filename(db.sqliteConnection, "main"), name.pointee != 0 else { return NSTemporaryDirectory() }
        return (String(cString: name) as NSString).deletingLastPathComponent
    }

    /// Runs `sql`, which selects an id and a GeoPackage geometry, and hands each row's box (nil when
    /// its geometry is empty or unreadable: the R-tree triggers leave such rows out).
    public static func boxes(_ db: Database, _ sql: String, _ arguments: StatementArguments = [], _ each: (RTreeEntry?) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let envelope = row.dataNoCopy(atIndex: 1).flatMap { try? GeoPackageGeometry.envelope($0) }
            try each(envelope.flatMap { RTreeEntry(id: id, envelope: $0) })
        }
    }

    /// Orders `entries` into nodes of at most `capacity` cells and returns each node's range: the
    /// entries sorted by the x of their centres into about √(nodes) slices, each slice sorted by y
    /// and cut into nodes. Slices and nodes are filled evenly, so no node is nearly empty (SQLite
    /// merges a node under a third full away when a row is deleted from it).
    public static func tile(_ entries: inout [RTreeEntry], capacity: Int) -> [Range<Int>] {
        let n = entries.count
        guard n > capacity else { return n == 0 ? [] : [0..<n] }
        let nodes = (n + capacity - 1) / capacity
        let slices = Int(Double(nodes).squareRoot().rounded(.up))
        entries.sort { $0.centerX < $1.centerX }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(nodes + slices)
        for slice in evenParts(of: 0..<n, count: slices) {
            entries[slice].sort { $0.centerY < $1.centerY }
            ranges += evenParts(of: slice, count: (slice.count + capacity - 1) / capacity)
        }
        return ranges
    }

    /// Entries packed into leaves, as ``write(_:into:_:)`` takes them: in node order, and how many
    /// each leaf holds.
    struct PackedTree {
        var entries: EntryTape
        var leaves: [Int]
        /// The cells a node holds that they were packed for.
        var capacity: Int
        /// Each row's leaf, as entries whose first float holds the leaf's number, to be read in the
        /// order of the rows' ids; nil until the leaves are written.
        var leafOf: EntryRuns?
    }

    /// The number of the first leaf of a tree of `count` entries (`_node` numbers the root 1).
    static func firstLeaf(count: Int, capacity: Int) -> Int64 { count > capacity ? 2 : 1 }

    /// Runs ordering boxes by the x of their centres, as ``pack(_:count:keeping:adding:capacity:directory:entriesInMemory:)`` reads them.
    static func boxRuns(_ entriesInMemory: Int, _ directory: String) -> EntryRuns {
        EntryRuns(memoryEntries: entriesInMemory, directory: directory, by: { $0.centerX < $1.centerX })
    }

    /// Runs ordering rows' leaves by the rows' ids, for `_rowid`.
    static func leafRuns(_ entriesInMemory: Int, _ directory: String) -> EntryRuns {
        EntryRuns(memoryEntries: entriesInMemory, directory: directory, by: { $0.id < $1.id })
    }

    /// Records that `cells` are in the leaf `number`: as entries whose first float holds the number.
    static func record(_ cells: some Sequence<RTreeEntry>, inLeaf number: Int64, _ leafOf: EntryRuns) throws {
        for var entry in cells {
            entry.minX = Float(bitPattern: UInt32(number))
            try leafOf.append(entry)
        }
    }

    /// Packs `count` entries, those `byX` hands (sorted by the x of their centres) for which `keep`
    /// holds and `extra` (sorted so too), into leaves as ``tile(_:capacity:)`` does, holding one
    /// slice at a time: about √(count × capacity) entries.
    static func pack(
        _ byX: EntryRuns, count: Int, keeping keep: (RTreeEntry) -> Bool = { _ in true }, adding extra: [RTreeEntry] = [],
        capacity: Int, directory: String, entriesInMemory: Int = entriesInMemory
    ) throws -> PackedTree {
        let packed = EntryTape(memoryEntries: entriesInMemory, directory: directory)
        let leafOf = leafRuns(entriesInMemory, directory)
        var leaves: [Int] = [], leaf = firstLeaf(count: count, capacity: capacity)
        let nodes = (count + capacity - 1) / capacity
        let slices = count > capacity ? evenParts(of: 0..<count, count: Int(Double(nodes).squareRoot().rounded(.up))) : [0..<count]
        var slice: [RTreeEntry] = [], next = slices.startIndex
        slice.reserveCapacity(slices.first?.count ?? 0)
        func cut() throws {
            if count > capacity { slice.sort { $0.centerY < $1.centerY } }
            for cells in evenParts(of: slice.indices, count: (slice.count + capacity - 1) / capacity) {
                leaves.append(cells.count)
                try record(slice[cells], inLeaf: leaf, leafOf)
                leaf += 1
            }
            try packed.append(contentsOf: slice)
            slice.removeAll(keepingCapacity: true)
            next += 1
        }
        try byX.drain(keeping: keep, adding: extra) { entry in
            guard next < slices.endIndex else {
                throw GridplanError(.failed, "the R-tree's entries are more than the \(count) counted")
            }
            slice.append(entry)
            if slice.count == slices[next].count { try cut() }
        }
        guard packed.count == count else { throw GridplanError(.failed, "the R-tree's entries are fewer than the \(count) counted") }
        return PackedTree(entries: packed, leaves: leaves, capacity: capacity, leafOf: leafOf)
    }

    /// `range` cut into `count` consecutive parts whose sizes differ by at most one.
    static func evenParts(of range: Range<Int>, count: Int) -> [Range<Int>] {
        let size = range.count / count, longer = range.count % count
        var start = range.lowerBound
        return (0..<count).map { k in
            let end = start + size + (k < longer ? 1 : 0)
            defer { start = end }
            return start..<end
        }
    }

    /// Writes `entries` (distinct ids), as ``tile(_:capacity:)`` ordered them for `tiledFor` cells
    /// a node, as the whole content of the R-tree `tree`, which must be empty; in the caller's
    /// transaction. Tiled again when the tree's nodes hold another number of cells. Uses up
    /// `entries`.
    public static func write(_ entries: inout [RTreeEntry], tiles: [Range<Int>], tiledFor: Int, into tree: String, _ db: Database) throws {
        let tape = EntryTape(holding: entries)
        entries = []
        try write(PackedTree(entries: tape, leaves: tiles.map(\.count), capacity: tiledFor), into: tree, db)
    }

    /// Rows of the `_rowid` table written by one statement.
    static let rowsAtOnce = 100

    /// Writes the packed entries (distinct ids) as the whole content of the R-tree `tree`, which
    /// must be empty; in the caller's transaction. Packed again, through runs as the first packing
    /// went, when the tree's nodes hold another number of cells than they were packed for.
    static func write(_ packed: PackedTree, into tree: String, _ db: Database, entriesInMemory: Int = entriesInMemory) throws {
        let nodeBytes = try nodeBytes(of: tree, db), capacity = (nodeBytes - 4) / cellBytes
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM \"\(tree)_rowid\"") == 0 else {
            throw GridplanError(.failed, "the R-tree \(tree) is not empty: a bulk load writes only a new tree")
        }
        var packed = packed
        if capacity != packed.capacity {
            let folder = directory(of: db), byX = boxRuns(entriesInMemory, folder)
            try packed.entries.forEach(byX.append)
            packed = try pack(byX, count: byX.count, capacity: capacity, directory: folder, entriesInMemory: entriesInMemory)
        }
        let writeNode = try db.makeStatement(sql: "INSERT OR REPLACE INTO \"\(tree)_node\" (nodeno, data) VALUES (?, ?)")
        var node = [UInt8](repeating: 0, count: nodeBytes)
        func write(_ number: Int64, depth: Int, _ cells: ArraySlice<RTreeEntry>) throws {
            node.withUnsafeMutableBytes { b in
                for k in 0..<nodeBytes { b[k] = 0 }
                b.storeBytes(of: UInt16(depth).bigEndian, as: UInt16.self)
                b.storeBytes(of: UInt16(cells.count).bigEndian, toByteOffset: 2, as: UInt16.self)
                var at = 4
                for cell in cells {
                    b.storeBytes(of: cell.id.bigEndian, toByteOffset: at, as: Int64.self)
                    b.storeBytes(of: cell.minX.bitPattern.bigEndian, toByteOffset: at + 8, as: UInt32.self)
                    b.storeBytes(of: cell.maxX.bitPattern.bigEndian, toByteOffset: at + 12, as: UInt32.self)
                    b.storeBytes(of: cell.minY.bitPattern.bigEndian, toByteOffset: at + 16, as: UInt32.self)
                    b.storeBytes(of: cell.maxY.bitPattern.bigEndian, toByteOffset: at + 20, as: UInt32.self)
                    at += cellBytes
                }
            }
            try node.withUnsafeBytes { try writeNode.run(binding: number, blob: $0) }
        }
        // Leaves first, numbered from 2 (a single one is the root, number 1); then each level of
        // inner nodes, whose boxes are held in memory (one a leaf); the root last. Each row's leaf
        // is kept (packing keeps them too) to be written to `_rowid` in the order of the rows' ids.
        let leafOf = packed.leafOf ?? leafRuns(entriesInMemory, directory(of: db))
        var parentOf: [(node: Int64, parent: Int64)] = []
        var level: [RTreeEntry] = [], next = firstLeaf(count: packed.entries.count, capacity: capacity), at = 0
        level.reserveCapacity(packed.leaves.count)
        for cells in packed.leaves {
            let leaf = try packed.entries.read(at..<at + cells)
            at += cells
            try write(next, depth: 0, leaf[...])
            level.append(bounds(of: leaf[...], id: next))
            if packed.leafOf == nil { try record(leaf, inLeaf: next, leafOf) }
            next += 1
        }
        if packed.leaves.isEmpty { try write(1, depth: 0, []) }
        if level.count > 1 {
            var levelTiles = tile(&level, capacity: capacity), depth = 1
            while level.count > capacity {
                var above: [RTreeEntry] = []
                above.reserveCapacity(levelTiles.count)
                for cells in levelTiles {
                    try write(next, depth: 0, level[cells])
                    for cell in level[cells] { parentOf.append((cell.id, next)) }
                    above.append(bounds(of: level[cells], id: next))
                    next += 1
                }
                levelTiles = tile(&above, capacity: capacity)
                level = above
                depth += 1
            }
            try write(1, depth: depth, level[...])
            for cell in level { parentOf.append((cell.id, 1)) }
        }
        // In key order, so that each insert appends to its table's b-tree; ``rowsAtOnce`` rows a
        // statement, which spreads a statement's own work over them (a million cases: 0.55 → 0.4 s of
        // the writer, perf record by hand).
        let insertRows = "INSERT INTO \"\(tree)_rowid\" (rowid, nodeno) VALUES "
        let writeRows = try db.makeStatement(sql: insertRows + Array(repeating: "(?, ?)", count: rowsAtOnce).joined(separator: ", "))
        let writeRow = try db.makeStatement(sql: insertRows + "(?, ?)")
        var pending: [(row: Int64, node: Int64)] = []
        pending.reserveCapacity(rowsAtOnce)
        try leafOf.drain { entry in
            pending.append((entry.id, Int64(entry.minX.bitPattern)))
            guard pending.count == rowsAtOnce else { return }
            try writeRows.run { binding in
                for (row, node) in pending {
                    try binding.bind(row)
                    try binding.bind(node)
                }
            }
            pending.removeAll(keepingCapacity: true)
        }
        for (row, node) in pending { try writeRow.run(binding: row, node) }
        parentOf.sort { $0.node < $1.node }
        let writeParent = try db.makeStatement(sql: "INSERT INTO \"\(tree)_parent\" (nodeno, parentnode) VALUES (?, ?)")
        for (child, parent) in parentOf { try writeParent.run(binding: child, parent) }
    }

    /// The box holding `cells`, as the cell of the node `id` in its parent.
    static func bounds(of cells: ArraySlice<RTreeEntry>, id: Int64) -> RTreeEntry {
        var box = cells[cells.startIndex]
        box.id = id
        for cell in cells.dropFirst() { box = box.union(cell) }
        return box
    }
}
