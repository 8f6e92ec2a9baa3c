import Foundation
import Grids

/// Parsing the values of incident files that are not times (those are ``Clock``'s) or statuses
/// (``CaseStatus``): severities. Callers pass text already trimmed of spaces (`FieldValue.trimmed`).
package enum CaseFields {
    /// ordinary / important / major, also in Chinese (一般, 重要, 重大 …); empty is ordinary.
    package static func severity(_ text: String) -> String? {
        if text.isEmpty || text == "ordinary" { return "ordinary" }
        return switch text.lowercased() {
        case "", "ordinary", "normal", "一般", "普通", "1": "ordinary"
        case "important", "重要", "较大", "2": "important"
        case "major", "重大", "特别重大", "紧急", "3": "major"
        default: nil
        }
    }
}
