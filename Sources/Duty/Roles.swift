import Foundation
import Grids

/// What a person on the roster is (the list), parsed from English or Chinese.
package enum PersonRole: String, CaseIterable, Sendable {
    case gridChief = "grid_chief"
    case fullTimeGridder = "full_time_gridder"
    case partTimeGridder = "part_time_gridder"
    case mobileGridder = "mobile_gridder"
    case communityPolice = "community_police"
    case legalAdviser = "legal_adviser"
    case departmentContact = "department_contact"

    package init?(text: String) {
        let t = text.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        if let r = PersonRole(rawValue: t) { self = r; return }
        switch t {
        case "chief", "网格长", "总网格长": self = .gridChief
        case "gridder", "full_time", "专职网格员", "网格员", "专职": self = .fullTimeGridder
        case "part_time", "兼职网格员", "兼职": self = .partTimeGridder
        case "mobile", "流动网格员", "流动": self = .mobileGridder
        case "police", "社区民警", "民警", "网格警": self = .communityPolice
        case "legal", "法律顾问", "律师": self = .legalAdviser
        case "department", "contact", "部门联系人", "部门": self = .departmentContact
        default: return nil
        }
    }
}

/// The role of a duty in a grid: a unit grid has one primary at a time; levels 1–2 have a chief.
package enum DutyRole: String, CaseIterable, Sendable {
    case primary, backup, chief

    package init?(text: String) {
        switch text.lowercased() {
        case "primary", "主责", "主要", "专职": self = .primary
        case "backup", "备岗", "协管", "备份": self = .backup
        case "chief", "网格长", "负责人": self = .chief
        default: return nil
        }
    }
}

extension GridLevel {
    /// The next level above that the plan has, given the levels present.
    func above(in present: Set<GridLevel>) -> GridLevel? {
        var l = parent
        while let x = l, !present.contains(x) { l = x.parent }
        return l
    }
}
