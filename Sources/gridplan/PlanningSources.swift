import Cases
import Duty
import GridGeometry
import GridStore
import Grids
import Planning

/// What a redraw asks of the plan's case store and roster, answered by the Cases and Duty modules'
/// own queries: Planning defines the questions, and neither module needs to know Planning.
struct StorePlanningSources: CaseLocations, DutyRoster {
    let store: any PlanStore

    func casePoints(in box: Envelope) throws -> [(lon: Double, lat: Double)]? {
        try CasePoints.inBox(store: store, minLon: box.minX, minLat: box.minY, maxLon: box.maxX, maxLat: box.maxY)
    }

    func primaryGridders(level: GridLevel, grids: Set<String>) throws -> [PartitionReport.AffectedGridder]? {
        try PrimaryGridders.onDuty(store: store, level: level, in: grids)?.map { .init(grid: $0.grid, person: $0.person) }
    }
}
