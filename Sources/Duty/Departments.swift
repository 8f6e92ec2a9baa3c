import Cases
import Foundation
import GRDB
import GridErrors
import GridFormats
package import GridStore
import Grids

/// A department summoned by category (吹哨报到): police, city management, justice, housing, …
package struct Department: Sendable {
    package var id: String
    package var name: String
    package var phone: String?
    package var contact: String?
    /// Category codes it answers; a case's category matches a code it starts with.
    package var categories: [String]

    package func answers(_ category: String) -> Bool { categories.contains { category.hasPrefix($0) } }

    package static func all(_ db: some PlanReader) throws -> [Department] {
        try db.rows("SELECT * FROM departments ORDER BY department_id", []).map {
            Department(
                id: $0["department_id"], name: $0["name"], phone: $0["phone"], contact: $0["contact"],
                categories: ($0["categories"] as String).split(whereSeparator: { " ,;，；".contains($0) }).map(String.init))
        }
    }
}

/// Loads departments from CSV (id, name, phone, contact, categories separated by spaces,
/// commas or semicolons); the same id again updates. Rejects are reported by line.
package enum DepartmentImporter {
    package static func run(file: String, into store: any WritablePlanStore, encoding: String? = nil) throws -> RosterImportReport {
        let reader = try CaseReader(path: file, encoding: encoding)
        func find(_ names: [String]) -> Int? { names.lazy.compactMap { reader.field($0) }.first }
        guard let idField = find(["id", "department_id", "部门编号", "编号"]), let nameField = find(["name", "部门", "部门名称", "名称"]) else {
            throw GridplanError(
                .badInput, "needs an id and a name field; the fields are: \(reader.fieldNames.joined(separator: ", "))",
                source: .file(reader.fileName))
        }
        let phoneField = find(["phone", "电话", "联系电话"]), contactField = find(["contact", "联系人"])
        let categoriesField = find(["categories", "category", "类别", "事件类型"])
        var report = RosterImportReport()
        var rows: [Department] = []
        try reader.forEachBatch(size: 5000) { batch in
            for row in batch {
                report.lines += 1
                let number = reader.unitName == "line" ? row.number + 1 : row.number
                func text(_ i: Int?) -> String? { i.flatMap { row.values[$0].trimmed } }
                guard let id = text(idField) else { report.rejects.append(.init(line: number, reason: "no id")); continue }
                guard let name = text(nameField) else { report.rejects.append(.init(line: number, reason: "\(id): no name")); continue }
                if let phone = text(phoneField), !RosterImporter.isPhone(phone, minDigits: 3) {
                    report.rejects.append(.init(line: number, reason: "\(id): phone '\(phone)' is not a phone number")); continue
                }
                let categories = (text(categoriesField) ?? "").split(whereSeparator: { " ,;，；".contains($0) }).map(String.init)
                rows.append(Department(id: id, name: name, phone: text(phoneField), contact: text(contactField), categories: categories))
            }
        }
        let now = Clock.now()
        try store.writing { db in
            // One import at a time on a server: each counts what it adds against what is there.
            try db.serialize(on: "departments")
            for d in rows {
                let exists = try db.value("SELECT 1 FROM departments WHERE department_id = ?", [d.id.databaseValue]) as Int? != nil
                try db.execute(
                    """
                    INSERT INTO departments (department_id, name, phone, contact, categories, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(department_id) DO UPDATE SET name = excluded.name, phone = excluded.phone, contact = excluded.contact,
                      categories = excluded.categories, updated_at = excluded.updated_at
                    """,
                    [d.id, d.name, d.phone, d.contact, d.categories.joined(separator: " "), now].map { $0?.databaseValue ?? .null })
                if exists { report.peopleUpdated += 1 } else { report.peopleAdded += 1 }
            }
        }
        return report
    }
}
