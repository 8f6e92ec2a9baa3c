package import Cases
package import Duty
import Foundation
import Geocoding
import GridErrors
package import GridStore
package import Grids

/// Takes cases from other systems in one call, as a governance centre does: an address without a
/// point is placed with the gazetteer, the case is stored and assigned to its grids (the same id
/// again updates it, so a retried request changes nothing), and a new case waiting for dispatch
/// is dispatched by the rules. Not thread-safe: one caller at a time (the server's actor).
package final class IntakeDesk {
    let store: any WritablePlanStore
    let rules: DispatchRules
    private var assigner: (stamp: String, assigner: Assigner)?

    package init(store: any WritablePlanStore, rules: DispatchRules = .defaults) {
        self.store = store
        self.rules = rules
    }

    /// `actor`: who handed the case over (the server's token holder), recorded with its dispatch.
    package func receive(
        _ incoming: IncomingCase, places: WhoCoversDesk, actor: String = "intake", now: String = Clock.now()
    ) throws -> IntakeAnswerJSON {
        var incoming = incoming
        var geocode: GeocodeResult? = nil
        if incoming.lon == nil, incoming.lat == nil, let address = incoming.address, !address.trimmingCharacters(in: .whitespaces).isEmpty {
            let r = try places.place(address)
            if r.level != .none, r.lon.isFinite, r.lat.isFinite {
                (incoming.lon, incoming.lat, incoming.crs) = (r.lon, r.lat, nil)
                geocode = r
            }
        }
        let result = try CaseIntake.receive(incoming, store: store, assigner: try currentAssigner(), now: now)
        var dispatch: DispatchOutcome? = nil
        if result.created {
            dispatch = try Dispatcher.run(store: store, rules: rules, caseID: incoming.id, now: now, actor: actor).first
        }
        var query = CaseQuery()
        query.fid = result.fid
        let stored = try query.run(store).first
        return IntakeAnswerJSON(
            id: incoming.id, fid: result.fid, created: result.created, assignStatus: stored?.assignStatus ?? "no_location",
            unitCode: stored?.unitCode, areaCode: stored?.areaCode, communityCode: stored?.communityCode, streetCode: stored?.streetCode,
            geocode: geocode.map { IntakeAnswerJSON.Placed(level: $0.level.rawValue, confidence: $0.confidence, matched: $0.matched) },
            dispatch: dispatch.map(IntakeAnswerJSON.Dispatch.init))
    }

    /// The point index of the current plan, rebuilt when the plan has changed.
    private func currentAssigner() throws -> Assigner {
        let stamp = try PlanStamp.read(store)
        if let kept = assigner, kept.stamp == stamp { return kept.assigner }
        let built = try Assigner(store: store)
        assigner = (stamp, built)
        return built
    }
}

/// The answer to `POST /api/cases`.
package struct IntakeAnswerJSON: Codable, Sendable {
    package struct Placed: Codable, Sendable {
        package var level: String, confidence: Double
        @Nullable package var matched: String?
    }
    package struct Dispatch: Codable, Sendable {
        package var dispatched: Bool
        @Nullable package var level: String?
        @Nullable package var grid: String?
        @Nullable package var handler: String?
        package var reason: String

        package init(_ o: DispatchOutcome) {
            dispatched = o.dispatched; level = o.level?.name; grid = o.grid; handler = o.person?.id; reason = o.reason
        }
    }
    package var id: String
    package var fid: Int64
    package var created: Bool
    package var assignStatus: String
    @Nullable package var unitCode: String?
    @Nullable package var areaCode: String?
    @Nullable package var communityCode: String?
    @Nullable package var streetCode: String?
    /// How the address was placed, when the sender gave no point.
    @Nullable package var geocode: Placed?
    /// What dispatch decided for a new case.
    @Nullable package var dispatch: Dispatch?

    enum CodingKeys: String, CodingKey {
        case id, fid, created, geocode, dispatch
        case assignStatus = "assign_status", unitCode = "unit_code", areaCode = "area_code"
        case communityCode = "community_code", streetCode = "street_code"
    }
}
