/// Where a case is in its life cycle: reported → verified → accepted → dispatched → handled →
/// checked → closed → feedback, with returned (sent back) and reopened. Stored by raw value in
/// `cases.status`; the transitions allowed between them are the Duty module's `Lifecycle`.
package enum CaseStatus: String, CaseIterable, Sendable, Codable {
    case reported, verified, accepted, dispatched, handled, checked, closed, feedback, returned, reopened

    /// Finished: no time limit runs and no one is still handling it.
    package var isFinished: Bool { self == .closed || self == .feedback }

    /// The finished states as an SQL list, for queries on `cases.status`.
    static let finishedSQL = "(" + allCases.filter(\.isFinished).map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    /// The open cases: the condition of the partial index `cases_status` (schema step v16.2).
    /// SQLite uses a partial index only for a query whose condition has this very term, so a
    /// question for open statuses adds it, although its own condition already implies it.
    package static let openSQL = "status NOT IN \(finishedSQL)"

    /// `openSQL` as an extra term of a query for cases in `statuses`, when they are all open.
    package static func openTerm(_ statuses: [String]) -> String {
        statuses.allSatisfy { CaseStatus(rawValue: $0)?.isFinished != true } ? " AND \(openSQL)" : ""
    }

    /// A status as incident files write it: the English name in any case, or a common Chinese
    /// word for it (上报, 派单, 办结, …); empty text is `reported`. Nil when it is none of these.
    package init?(text: String) {
        if text.isEmpty { self = .reported; return }
        if let known = CaseStatus(rawValue: text.lowercased()) { self = known; return }
        switch text {
        case "上报", "已上报", "待核实": self = .reported
        case "核实", "已核实": self = .verified
        case "受理", "立案", "已立案", "已受理": self = .accepted
        case "派遣", "派单", "已派遣", "已派单": self = .dispatched
        case "处置", "已处置", "处理", "已处理": self = .handled
        case "核查", "已核查": self = .checked
        case "结案", "已结案", "归档", "已归档", "办结", "已办结": self = .closed
        case "评价", "已评价", "回访": self = .feedback
        case "退回", "已退回": self = .returned
        case "重新打开", "重启": self = .reopened
        default: return nil
        }
    }
}
