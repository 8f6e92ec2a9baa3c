import Foundation
import GridStore

/// The server's long reads of the cases: lists (`/api/cases`), statistics (`/api/stats`) and
/// the map's clusters and counts per grid, one at a time on a queue of their own. In
/// ``PlanService`` they held up every route it answers, the intake of cases included: during an
/// export of 1 M cases (7 s) a grid's chain took 6.4 s instead of 9 ms, during the statistics
/// (1.4 s) 1.2 s. On a file they read beside the plan's other readers; on a server through a
/// connection of their own (a connection runs one transaction at a time).
actor CaseReports {
    /// Where the reports read: the plan, a replica of its server, or a connection of their own.
    let store: any PlanStore
    nonisolated let executor = QueueExecutor(label: "gridplan.case-reports")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(store: any PlanStore) { self.store = store }
}
