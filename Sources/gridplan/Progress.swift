import Foundation
import GridErrors
import GridStore

/// Progress of a long job on standard error: count, total, percent, rate and time left.
///
/// On a terminal, one line redrawn at most four times a second, from the first second on. Otherwise (a log file, a
/// pipe, a service), a plain line every `GRIDPLAN_PROGRESS_SECONDS` seconds (10 by default),
/// the first after that long: a log shows the job is alive, and a short job writes nothing.
final class ProgressLine: @unchecked Sendable {
    private let label: String
    private var total: Int?
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var logged = false
    private let terminal: Bool
    private let logInterval: TimeInterval
    private let lock = NSLock()
    private let showsRate: Bool
    private var lastDone = 0
    private var detail: String?

    /// `label` is shown in the user's language (the message catalogue's); `total` may also come later, with `update`.
    /// `showsRate`: false where the count is not of things done (seconds of a time limit).
    init(_ label: Wording, total: Int? = nil, showsRate: Bool = true) {
        self.label = label.localized(flag)
        self.total = total
        self.showsRate = showsRate
        terminal = isatty(STDERR_FILENO) == 1
        let seconds = ProcessInfo.processInfo.environment["GRIDPLAN_PROGRESS_SECONDS"].flatMap(Double.init)
        logInterval = seconds.map { $0.isFinite ? max(0, $0) : 10 } ?? 10
    }

    /// `detail`: a short state shown after the figures (a search's best so far).
    func update(_ done: Int, total newTotal: Int? = nil, detail newDetail: String? = nil) {
        lock.lock(); defer { lock.unlock() }
        if let newTotal { total = newTotal }
        if let newDetail { detail = newDetail }
        lastDone = done
        let now = Date()
        guard isDue(now) else { return }
        lastDraw = now
        logged = true
        FileHandle.standardError.write(Data((terminal ? "\r\(text(done))\u{1B}[K" : "\(text(done))\n").utf8))
    }

    /// A new state after the figures, the count as it was: a job's last stage that has no rows of
    /// its own to count (an import's index builds).
    func update(detail: String) {
        update(lock.withLock { lastDone }, detail: detail)
    }

    /// As ``update(_:total:detail:)``, with a total that costs a pass to know (a list's count):
    /// `total` is called the first time figures are to be shown, never for a job too short to show any.
    func update(_ done: Int, countingTotal total: () throws -> Int) rethrows {
        let due = lock.withLock { self.total == nil && isDue(Date()) }
        update(done, total: due ? try total() : nil)
    }

    /// Whether figures shown now would be drawn (called under the lock).
    private func isDue(_ now: Date) -> Bool {
        terminal
            ? now.timeIntervalSince(start) >= 1 && now.timeIntervalSince(lastDraw) > 0.25
            : now.timeIntervalSince(start) >= logInterval && now.timeIntervalSince(lastDraw) >= logInterval
    }

    /// The last figures, where earlier ones were shown (a job done within a second shows none);
    /// `done` defaults to the last count updated; `detail`, when given, replaces the state shown
    /// (empty: none, as after a last stage that is over).
    func finish(_ done: Int? = nil, detail newDetail: String? = nil) {
        lock.lock(); defer { lock.unlock() }
        if let newDetail { detail = newDetail }
        guard logged else { return }
        let done = done ?? lastDone
        if terminal {
            FileHandle.standardError.write(Data("\r\(text(done))\u{1B}[K\n".utf8))
        } else {
            FileHandle.standardError.write(Data("\(text(done))\n".utf8))
        }
    }

    private func text(_ done: Int) -> String {
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var s = "\(label): \(done)"
        if let total, total > 0 {
            s += "/\(total) (\(Int(Double(done) * 100 / Double(total))) %)"
            if rate > 0 && done < total {
                let left: Wording = "\(Int(Double(total - done) / rate)) s left"
                s += ", " + left.localized(flag)
            }
        }
        if showsRate { s += ", \(Int(rate))/s" }
        return s + (detail.flatMap { $0.isEmpty ? nil : "; " + $0 } ?? "")
    }
}

/// Runs `body`, a job bounded by a clock (a search with a time limit) that has nothing to count,
/// telling `progress` the whole seconds spent four times a second until it returns.
func ticking<T>(_ progress: ProgressLine, _ body: () throws -> T) rethrows -> T {
    let start = Date()
    let done = DispatchSemaphore(value: 0), stopped = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        while done.wait(timeout: .now() + 0.25) == .timedOut { progress.update(Int(Date().timeIntervalSince(start))) }
        stopped.signal()
    }
    defer {
        done.signal()
        stopped.wait() // no line drawn after the caller's last one
    }
    return try body()
}

/// The lines of a text file, counted by a byte scan (a CSV row with a quoted line break counts
/// twice): a quick total for progress, where asking GDAL would read the whole file through its driver.
func lineCount(ofFile path: String) -> Int? {
    guard path != "-", let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    var lines = 0, last: UInt8 = 10
    while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
        chunk.withUnsafeBytes { bytes in
            for b in bytes where b == 10 { lines += 1 }
        }
        last = chunk.last ?? last
    }
    return lines + (last == 10 ? 0 : 1)
}

/// The data rows of a CSV file (its lines but the header), for a progress total; nil for other formats.
func csvRows(_ path: String) -> Int? {
    guard path.lowercased().hasSuffix(".csv"), let lines = lineCount(ofFile: path) else { return nil }
    return max(0, lines - 1)
}

/// Shows a plan's schema upgrade (``SchemaUpgrade``) as progress: each step that rewrites rows in
/// parts with its count, total and time left, as every long job does.
final class UpgradeProgress: @unchecked Sendable {
    static let shared = UpgradeProgress()
    private let lock = NSLock()
    private var line: ProgressLine?
    private var step: Int?

    func observe(_ progress: SchemaUpgrade.Progress) {
        lock.withLock {
            if progress.ended {
                line?.finish()
                (line, step) = (nil, nil)
                return
            }
            if progress.step != step {
                line?.finish()
                step = progress.step
                line = ProgressLine("upgrading \(progress.path) (schema step \(progress.step) of \(progress.steps)), rows rewritten")
            }
            if progress.total > 0 { line?.update(progress.done, total: progress.total) }
        }
    }
}
