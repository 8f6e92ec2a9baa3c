package import GridGeometry
package import Grids

/// The cases of the plan, as a redraw asks for them to count those that change grid. Planning does not
/// read the case store's table: the caller passes an implementation (the CLI's is made from the Cases
/// module's ``CasePoints``).
package protocol CaseLocations {
    /// Longitude/latitude (CGCS2000) of the cases inside `box` (edges included); nil when the plan keeps
    /// no cases at all (then none is reported, rather than zero).
    func casePoints(in box: Envelope) throws -> [(lon: Double, lat: Double)]?
}

/// The roster of the plan, as a redraw asks for it to name the gridders whose grids changed. Planning
/// does not read the roster's tables: the caller passes an implementation (the CLI's is made from the
/// Duty module's ``PrimaryGridders``).
package protocol DutyRoster {
    /// The primary gridders on duty in the current grids of `level` whose codes are in `grids`, ordered by
    /// grid code then person id; nil when the plan keeps no roster.
    func primaryGridders(level: GridLevel, grids: Set<String>) throws -> [PartitionReport.AffectedGridder]?
}
