import Foundation
import Grids

// The JSON shapes of people and of "who covers this?", shared by the command line (`--json`)
// and the HTTP server so that both always answer alike.

extension Person {
    /// The person as a JSON object (keys in snake case; absent values are null).
    public var jsonObject: [String: Any] {
        ["id": id, "name": name, "role": role.rawValue, "phone": phone as Any, "organisation": organisation as Any,
         "lon": lon as Any, "lat": lat as Any, "active_from": activeFrom as Any, "active_to": activeTo as Any]
    }
}

extension Coverage {
    /// The answer as a JSON object: point, day, status, the chain from the unit up with the people
    /// on duty, the unit gridder and the minimal emergency unit.
    public var jsonObject: [String: Any] {
        [
            "lon": lon, "lat": lat, "day": day, "status": status.rawValue, "covered": covered,
            "grid_distance_m": gridDistanceM as Any, "metric_crs": metricCRS, "plan_note": planNote as Any,
            "chain": chain.map { l in
                ["level": l.level.name, "code": l.code as Any, "name": l.name as Any,
                 "people": l.people.map { $0.person.jsonObject.merging(["duty": $0.role.rawValue]) { $1 } }] as [String: Any]
            },
            "unit_gridder": unitGridder.map(\.jsonObject) as Any,
            "gridder_base_distance_m": gridderBaseDistanceM as Any,
            "emergency_unit": emergencyUnit.map { $0.person.jsonObject.merging(["distance_m": $0.distanceM]) { $1 } },
        ]
    }
}
