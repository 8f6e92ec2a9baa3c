import Duty
import Foundation
import GridProjection
import Grids

/// The JSON shape of a balance proposal (`gridplan balance --json`).
package enum BalanceJSON {
    package static func object(_ proposal: BalanceProposal, before: BalanceProposal.Side, after: BalanceProposal.Side) -> [String: Any] {
        let s = proposal.solution
        func side(_ x: BalanceProposal.Side) -> [String: Any] {
            [
                "max_ratio": x.maxRatio, "mean_ratio": x.meanRatio, "cv": x.cv, "gini": x.gini, "largest_radius_m": x.largestRadiusM,
                "over_capacity": x.overCapacity,
            ]
        }
        return [
            "within": ["level": proposal.options.withinLevel.name, "code": proposal.options.withinCode],
            "day": proposal.model.day,
            "max_radius_m": proposal.options.maxRadius as Any,
            "max_moves": proposal.options.maxMoves as Any,
            "before": side(before), "after": side(after),
            "lower_bound": s.lowerBound, "optimal": s.ratioOptimal, "moves_optimal": s.movesOptimal,
            "gap": s.maxRatio > 0 ? (s.maxRatio - s.lowerBound) / s.maxRatio : 0,
            "seconds": s.seconds, "nodes": s.nodes,
            "moves": proposal.moves.map { m in
                [
                    "grid": m.grid, "from": m.from as Any, "to": m.to, "load": m.load, "load_change": m.load,
                    "radius_before_m": m.radiusBeforeM as Any, "radius_after_m": m.radiusAfterM,
                    "radius_change_m": m.radiusBeforeM.map { m.radiusAfterM - $0 } as Any,
                ] as [String: Any]
            },
            "people": proposal.people.enumerated().map { p, g in
                [
                    "id": g.person.id, "name": g.person.name, "capacity": proposal.instance.capacities[p],
                    "fixed_load": proposal.instance.fixedLoads[p], "ratio_before": before.ratios[g.person.id] ?? 0,
                    "ratio_after": after.ratios[g.person.id] ?? 0,
                ] as [String: Any]
            },
            "grids": proposal.grids.enumerated().map { k, gi in
                [
                    "code": proposal.model.grids[gi].code, "load": proposal.instance.loads[k],
                    "before": proposal.instance.current[k].map { proposal.people[$0].person.id } as Any,
                    "after": proposal.people[s.assignment[k]].person.id,
                ] as [String: Any]
            },
            "warnings": proposal.warnings,
            "metric_crs": proposal.model.snapshot.projector.metricCRS.description,
        ]
    }
}
