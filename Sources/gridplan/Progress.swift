import Foundation
import GridErrors

/// A one-line progress display on standard error: count, rate and time left, redrawn at most
/// a few times a second; silent when standard error is not a terminal unless `always`.
final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let total: Int?
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let show: Bool
    private let lock = NSLock()

    /// `label` is shown in the user's language (the message catalogue's).
    init(_ label: Wording, total: Int? = nil, always: Bool = false) {
        self.label = label.localized(flag)
        self.total = total
        show = always || isatty(STDERR_FILENO) == 1
    }

    func update(_ done: Int) {
        lock.lock(); defer { lock.unlock() }
        guard show, Date().timeIntervalSince(lastDraw) > 0.25 else { return }
        lastDraw = Date()
        FileHandle.standardError.write(Data("\r\(text(done))\u{1B}[K".utf8))
    }

    func finish(_ done: Int) {
        guard show else { return }
        FileHandle.standardError.write(Data("\r\(text(done))\u{1B}[K\n".utf8))
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
        return s + ", \(Int(rate))/s"
    }
}
