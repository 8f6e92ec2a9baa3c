"""Prints `gridplan balance` on 北桥街道 beside OR-Tools CP-SAT on the same instance (tools/bench-balance).

The instance for CP-SAT is rebuilt here: grid loads from `gridplan load --json` (households, cases,
dedicated grids with the default weights), capacities and current gridders from the proposal, and
who may serve which grid from the roster's bases and the exported unit polygons, measured again
with pyproj and shapely (farthest vertex, EPSG:4546).
"""
import argparse
import csv
import json
import math
import subprocess
import time

import shapely
from ortools.sat.python import cp_model
from pyproj import Transformer

STREET = "440802008"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gridplan")
    ap.add_argument("db")
    ap.add_argument("units")
    ap.add_argument("roster")
    ap.add_argument("--max-radius", type=float, default=2500.0)
    ap.add_argument("--cp-sat-seconds", type=float, default=60.0)
    ap.add_argument("--dump", help="also write the instance (loads, capacities, current, allowed) as JSON here")
    a = ap.parse_args()

    def run(*args):
        r = subprocess.run([a.gridplan, *map(str, args)], capture_output=True, text=True, check=True)
        return r.stdout

    day = "2024-12-31"
    load = json.loads(run("load", "--db", a.db, "--at", day, "--json"))
    started = time.monotonic()
    out = json.loads(run("balance", "--db", a.db, "--within", "street", STREET, "--at", day, "--max-radius", a.max_radius,
                         "--staffing", "--coverage-radius", 800, "--json"))
    wall = time.monotonic() - started
    b, f = out["before"], out["after"]
    print(f"北桥街道 ({STREET}), {len(out['grids'])} unit grids, {len(out['people'])} gridders, radius limit {a.max_radius:.0f} m, day {day}")
    print(f"{'':24}{'before':>10}{'after':>10}")
    for key, label in [("max_ratio", "largest load/capacity"), ("mean_ratio", "mean ratio"), ("cv", "CV of ratios"), ("gini", "Gini of ratios"),
                       ("largest_radius_m", "largest radius (m)")]:
        print(f"{label:24}{b[key]:>10.3f}{f[key]:>10.3f}")
    print(f"{'over capacity':24}{len(b['over_capacity']):>10}{len(f['over_capacity']):>10}")
    gap = (f["max_ratio"] - out["lower_bound"]) / f["max_ratio"]
    print(f"gridplan: {len(out['moves'])} moves, lower bound {out['lower_bound']:.4f} (gap {gap:.2%}, optimal: {out['optimal']}, "
          f"fewest moves proven: {out['moves_optimal']}); search {out['seconds']:.2f} s, whole command {wall:.2f} s")
    st = out.get("staffing") or {}
    print(f"staffing: {st.get('needed')} full-time gridders needed (at least {st.get('lower_bound')}; {st.get('current')} now)")
    cov = out.get("coverage") or {}
    print(f"coverage: {cov.get('covered_share', 0):.1%} of households with {cov.get('k')} responders within {cov.get('radius_m'):.0f} m; "
          f"{len(cov.get('extra_responders', []))} extra responders close the gap (fewest proven: {cov.get('extra_optimal')})")

    # The same instance for CP-SAT.
    to_m = Transformer.from_crs("EPSG:4490", "EPSG:4546", always_xy=True)
    polygons = {}
    for feat in json.load(open(a.units))["features"]:
        code = feat["properties"].get("code")
        if code and code.startswith(STREET):
            geom = shapely.geometry.shape(feat["geometry"])
            polygons[code] = shapely.transform(geom, lambda xy: list(zip(*to_m.transform(xy[:, 0], xy[:, 1]))))
    bases = {}
    with open(a.roster, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["lon"]:
                bases[row["id"]] = to_m.transform(float(row["lon"]), float(row["lat"]))
    loads = {g["code"]: round(g["load"]) for g in load["grids"]}
    grids = [g["code"] for g in out["grids"]]
    people = [p["id"] for p in out["people"]]
    caps = [round(p["capacity"]) for p in out["people"]]
    current = {g["code"]: g["before"] for g in out["grids"]}

    def radius(p, code):
        bx, by = bases[p]
        coords = shapely.get_coordinates(polygons[code])
        return max(math.hypot(x - bx, y - by) for x, y in coords)

    allowed = [[radius(p, g) <= a.max_radius for p in people] for g in grids]
    far = max(((radius(p, g), p, g) for g in grids for p in people if current[g] == p), default=None)
    if far:
        print(f"farthest grid served before: {far[2]} by {far[1]}, {far[0]:.0f} m (pyproj + shapely)")
    if a.dump:
        with open(a.dump, "w") as fh:
            json.dump({"loads": [loads[g] for g in grids], "caps": caps, "allowed": allowed,
                       "current": [people.index(current[g]) if current[g] in people else None for g in grids]}, fh)
    mdl = cp_model.CpModel()
    x = {(i, j): mdl.NewBoolVar("") for i in range(len(grids)) for j in range(len(people)) if allowed[i][j]}
    for i in range(len(grids)):
        mdl.AddExactlyOne(x[i, j] for j in range(len(people)) if allowed[i][j])
    scale = 10 ** 6
    z = mdl.NewIntVar(0, scale * sum(loads.values()), "z")
    for j in range(len(people)):
        mdl.Add(sum(loads[grids[i]] * x[i, j] for i in range(len(grids)) if allowed[i][j]) * scale <= z * caps[j])
    mdl.Minimize(z)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = a.cp_sat_seconds
    solver.parameters.num_workers = 2
    status = solver.StatusName(solver.Solve(mdl))
    best, bound = solver.ObjectiveValue() / scale, solver.BestObjectiveBound() / scale
    print(f"CP-SAT:   largest ratio {best:.4f}, bound {bound:.4f} ({status}) in {solver.WallTime():.1f} s")
    print(f"gridplan vs CP-SAT bound: {(f['max_ratio'] - bound) / bound:+.2%}; vs CP-SAT's answer: {(f['max_ratio'] - best) / best:+.2%}")
    moved = sum(1 for g in out["grids"] if g["before"] != g["after"])
    assert moved == len(out["moves"]) and all(current[g] is not None or True for g in grids)


if __name__ == "__main__":
    main()
