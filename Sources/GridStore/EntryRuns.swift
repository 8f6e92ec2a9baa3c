import Foundation
import GridErrors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// R-tree entries written once, in order, and read back in order: in memory up to `memoryEntries`
/// of them, beyond that all in a temporary file beside the plan.
///
/// A bulk load's boxes are 24 bytes a row; held in memory they were the one part of a case import
/// that grew with the backlog (240 MB for ten million, twice that while the array grew). The file
/// is unlinked as soon as it is made, so a killed load leaves nothing behind.
final class EntryTape {
    private let memoryEntries: Int
    private let directory: String
    /// The entries while they fit; once in the file, those not yet written to it.
    private var held: [RTreeEntry] = []
    private var file: Int32 = -1
    private var written = 0
    /// How many entries were appended.
    private(set) var count = 0

    private static let stride = MemoryLayout<RTreeEntry>.stride
    /// Entries written or read in one system call (384 KB).
    static let block = 16_384

    init(memoryEntries: Int, directory: String) {
        self.memoryEntries = memoryEntries
        self.directory = directory
    }

    /// A tape holding `entries` in memory.
    init(holding entries: [RTreeEntry]) {
        memoryEntries = .max
        directory = NSTemporaryDirectory()
        held = entries
        count = entries.count
    }

    deinit { if file >= 0 { close(file) } }

    var isInMemory: Bool { file < 0 }

    func append(contentsOf entries: some Collection<RTreeEntry>) throws {
        held.append(contentsOf: entries)
        count += entries.count
        if held.count >= (file < 0 ? memoryEntries : Self.block) { try spill() }
    }

    /// Writes what is held to the file, making it first.
    private func spill() throws {
        if file < 0 { file = try Self.temporaryFile(in: directory) }
        try held.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = pwrite(file, bytes.baseAddress! + done, bytes.count - done, off_t(written * Self.stride + done))
                guard n > 0 else {
                    throw GridplanError(.failed, "could not write the R-tree's temporary file in \(directory): \(Self.systemError)")
                }
                done += n
            }
        }
        written += held.count
        held.removeAll(keepingCapacity: held.count <= Self.block)
    }

    /// The entries at `range` (appended so far), in order.
    func read(_ range: Range<Int>) throws -> [RTreeEntry] {
        precondition(range.upperBound <= count)
        if file < 0 { return Array(held[range]) }
        var entries: [RTreeEntry] = []
        entries.reserveCapacity(range.count)
        let onFile = range.clamped(to: 0..<written)
        if !onFile.isEmpty {
            entries = try [RTreeEntry](unsafeUninitializedCapacity: onFile.count) { buffer, initialized in
                let bytes = UnsafeMutableRawBufferPointer(buffer)
                var done = 0
                while done < bytes.count {
                    let n = pread(file, bytes.baseAddress! + done, bytes.count - done, off_t(onFile.lowerBound * Self.stride + done))
                    guard n > 0 else {
                        throw GridplanError(.failed, "could not read the R-tree's temporary file in \(directory): \(Self.systemError)")
                    }
                    done += n
                }
                initialized = onFile.count
            }
        }
        let inHand = range.clamped(to: written..<count)
        if !inHand.isEmpty { entries += held[(inHand.lowerBound - written)..<(inHand.upperBound - written)] }
        return entries
    }

    /// A file in `directory` no other process can open: made and unlinked at once.
    private static func temporaryFile(in directory: String) throws -> Int32 {
        var template = Array((directory as NSString).appendingPathComponent(".gridplan-entries-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw GridplanError(.failed, "could not make a temporary file for the R-tree in \(directory): \(systemError)") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return fd
    }

    /// What the last failed system call says (no space left on device, …).
    private static var systemError: String { String(cString: strerror(errno)) }
}

/// R-tree entries to be read back in the order `less` gives, with at most `memoryEntries` of them
/// in memory: an external merge sort. Beyond that many, each full batch is sorted and written to
/// a tape as a run; reading merges the runs and the last batch.
final class EntryRuns {
    private let memoryEntries: Int
    private let less: (RTreeEntry, RTreeEntry) -> Bool
    /// The sorted runs, one after another, and where each lies.
    private let runs: EntryTape
    private var bounds: [Range<Int>] = []
    private var batch: [RTreeEntry] = []

    init(memoryEntries: Int, directory: String, by less: @escaping (RTreeEntry, RTreeEntry) -> Bool) {
        self.memoryEntries = max(1, memoryEntries)
        self.less = less
        runs = EntryTape(memoryEntries: 0, directory: directory)
    }

    var count: Int { runs.count + batch.count }

    func append(_ entry: RTreeEntry) throws {
        batch.append(entry)
        if batch.count >= memoryEntries {
            batch.sort(by: less)
            let start = runs.count
            try runs.append(contentsOf: batch)
            bounds.append(start..<runs.count)
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// Every entry, in no particular order.
    func forEachUnordered(_ body: (RTreeEntry) throws -> Void) throws {
        for run in bounds {
            var cursor = Cursor(tape: runs, range: run)
            while let entry = try cursor.next() { try body(entry) }
        }
        for entry in batch { try body(entry) }
    }

    /// Hands each entry for which `keep` holds, together with `extra` (sorted by `less`), in
    /// order. The entries are used up: the runs are not read again.
    func drain(keeping keep: (RTreeEntry) -> Bool = { _ in true }, adding extra: [RTreeEntry] = [], _ body: (RTreeEntry) throws -> Void) throws {
        batch.sort(by: less)
        // The sources: each run on the tape, the last batch, the extra entries.
        var cursors = bounds.map { Cursor(tape: runs, range: $0) }
        cursors.append(Cursor(holding: batch))
        batch = []
        let own = cursors.count
        cursors.append(Cursor(holding: extra))
        // A binary heap of the sources' indexes, by their current entries.
        var heads: [RTreeEntry?] = try cursors.indices.map { try cursors[$0].next() }
        var heap = heads.indices.filter { heads[$0] != nil }
        func before(_ a: Int, _ b: Int) -> Bool { less(heads[heap[a]]!, heads[heap[b]]!) }
        func down(_ start: Int) {
            var k = start
            while true {
                let l = 2 * k + 1, r = l + 1
                var m = k
                if l < heap.count, before(l, m) { m = l }
                if r < heap.count, before(r, m) { m = r }
                if m == k { return }
                heap.swapAt(k, m)
                k = m
            }
        }
        for k in stride(from: heap.count / 2 - 1, through: 0, by: -1) { down(k) }
        while let top = heap.first {
            let entry = heads[top]!
            if top >= own || keep(entry) { try body(entry) }
            heads[top] = try cursors[top].next()
            if heads[top] == nil {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { down(0) }
        }
        bounds = []
    }

    /// Reads one sorted source a block at a time.
    fileprivate struct Cursor {
        let tape: EntryTape?
        var range: Range<Int>
        var block: [RTreeEntry]
        var position = 0

        init(tape: EntryTape, range: Range<Int>) {
            self.tape = tape
            self.range = range
            block = []
        }

        init(holding entries: [RTreeEntry]) {
            tape = nil
            range = 0..<0
            block = entries
        }

        mutating func next() throws -> RTreeEntry? {
            if position == block.count {
                guard let tape, !range.isEmpty else { return nil }
                let end = min(range.lowerBound + EntryTape.block, range.upperBound)
                block = try tape.read(range.lowerBound..<end)
                range = end..<range.upperBound
                position = 0
            }
            defer { position += 1 }
            return block[position]
        }
    }
}

extension EntryTape {
    /// Every entry, in the order written, a block at a time.
    func forEach(_ body: (RTreeEntry) throws -> Void) throws {
        var cursor = EntryRuns.Cursor(tape: self, range: 0..<count)
        while let entry = try cursor.next() { try body(entry) }
    }
}
