"""Independent check of `gridplan balance`: builds plans with gridders, and solves the same
reassignment with OR-Tools CP-SAT (used by Tests/oracle/test_balance.py and tools/bench-balance).

An instance is a block of square unit grids in one area (GENERATED, near 湛江 so the plan's
Gauss–Krüger zone is EPSG:4546), households 160–700 as in the field figures, gridders with
capacities based inside the grids they serve now. Radii are recomputed here with pyproj and
shapely: base to the farthest vertex of each grid, in metres in the zone.
"""
import json
import math
import random
import subprocess
from fractions import Fraction
from pathlib import Path

import shapely
from ortools.sat.python import cp_model
from pyproj import Transformer

ZONE = "EPSG:4546"
TO_M = Transformer.from_crs("EPSG:4490", ZONE, always_xy=True)
TO_LL = Transformer.from_crs(ZONE, "EPSG:4490", always_xy=True)
STREET, COMMUNITY, AREA = "440802099", "440802099001", "440802099001001"
ORIGIN = TO_M.transform(110.30, 21.20)


def square(col, row, side):
    x0, y0 = ORIGIN[0] + col * side, ORIGIN[1] + row * side
    ring = [(x0, y0), (x0 + side, y0), (x0 + side, y0 + side), (x0, y0 + side), (x0, y0)]
    return [TO_LL.transform(x, y) for x, y in ring]


def make_instance(seed, grids, people, side=250.0, idle=0, uncovered=0, capacities=(1000, 1500, 2000, 2500), uneven=False):
    """Grids in a block of columns, households 160–700; gridders serve contiguous runs of about
    the same number of grids (or, `uneven`, of any length), so loads differ as offices report,
    and are based in one of their grids; `idle` more gridders without any duty, `uncovered`
    grids without a primary."""
    rng = random.Random(seed)
    cols = max(1, round(math.sqrt(grids * 1.5)))
    cells = [(i % cols, i // cols) for i in range(grids)]
    households = [rng.randint(160, 700) for _ in range(grids)]
    if uneven:
        cuts = sorted(rng.sample(range(1, grids), people - 1)) if people > 1 else []
    else:
        # Runs of about the same number of grids, give or take two: loads differ by households and capacity.
        sizes = [grids // people + (1 if p < grids % people else 0) for p in range(people)]
        for _ in range(people):
            a, b = rng.randrange(people), rng.randrange(people)
            k = rng.randint(0, 2)
            if sizes[a] - k >= 1:
                sizes[a] -= k
                sizes[b] += k
        cuts = [sum(sizes[:p + 1]) for p in range(people - 1)]
    owner, start = [None] * grids, 0
    for p, end in enumerate(cuts + [grids]):
        for g in range(start, end):
            owner[g] = p
        start = end
    for g in rng.sample(range(grids), uncovered):
        owner[g] = None
    caps = [rng.choice(capacities) for _ in range(people + idle)]
    bases = []
    for p in range(people + idle):
        mine = [g for g in range(grids) if owner[g] == p] or [rng.randrange(grids)]
        c, r = cells[rng.choice(mine)]
        bases.append((ORIGIN[0] + (c + rng.uniform(0.1, 0.9)) * side, ORIGIN[1] + (r + rng.uniform(0.1, 0.9)) * side))
    return {"cells": cells, "side": side, "households": households, "owner": owner, "capacities": caps, "bases": bases}


def radii(inst):
    """radius[g][p]: metres from p's base to the farthest vertex of grid g (pyproj + shapely)."""
    out = []
    for c, r in inst["cells"]:
        poly = shapely.Polygon([TO_M.transform(x, y) for x, y in square(c, r, inst["side"])])
        out.append([max(math.dist(b, v) for v in poly.exterior.coords) for b in inst["bases"]])
    return out


def write_plan(gridplan, folder, inst):
    """The instance as a plan: street, community, area and units imported, then the roster."""
    folder = Path(folder)
    db = folder / "plan.gpkg"
    n = len(inst["cells"])
    cols = max(c for c, _ in inst["cells"]) + 1
    rows = max(r for _, r in inst["cells"]) + 1

    def block(code, name, parent):
        x0, y0 = ORIGIN
        pts = [(x0, y0), (x0 + cols * inst["side"], y0), (x0 + cols * inst["side"], y0 + rows * inst["side"]), (x0, y0 + rows * inst["side"])]
        ring = [TO_LL.transform(x, y) for x, y in pts] + [TO_LL.transform(*pts[0])]
        props = {"code": code, "name": name, "households": sum(inst["households"])}
        if parent:
            props["parent"] = parent
        return {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": props,
                                                           "geometry": {"type": "Polygon", "coordinates": [ring]}}]}

    units = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": unit_code(g), "name": f"单元{g + 1}", "parent": AREA,
                                           "households": inst["households"][g], "residents": inst["households"][g] * 3},
         "geometry": {"type": "Polygon", "coordinates": [square(c, r, inst["side"])]}}
        for g, (c, r) in enumerate(inst["cells"])]}
    # The outer levels cover the full rectangle; unit cells fill it only when n is a multiple of cols.
    for level, obj in [("street", block(STREET, "测试街道", None)), ("community", block(COMMUNITY, "测试社区", STREET)),
                       ("area", block(AREA, "测试片区", COMMUNITY)), ("unit", units)]:
        path = folder / f"{level}.geojson"
        path.write_text(json.dumps(obj, ensure_ascii=False))
        args = ["import", path, "--db", db, "--level", level, "--crs", "cgcs2000", "--valid-from", "2024-01-01"]
        if level != "street":
            args += ["--parent-field", "parent"]
        gridplan(*args)
    lines = ["id,name,phone,role,capacity,lon,lat,grid,duty,duty_from"]
    for p, (cap, base) in enumerate(zip(inst["capacities"], inst["bases"])):
        lon, lat = TO_LL.transform(*base)
        mine = [g for g in range(n) if inst["owner"][g] == p]
        person = f"P{p:02d},网格员{p:02d},1380000{p:04d},专职网格员,{cap},{lon!r},{lat!r}"
        for g in mine:
            lines.append(f"{person},{unit_code(g)},primary,2024-01-01")
        if not mine:
            lines.append(f"{person},,,")
    roster = folder / "roster.csv"
    roster.write_text("\n".join(lines) + "\n")
    gridplan("people", "import", roster, "--db", db, "--crs", "cgcs2000")
    return db


def unit_code(g):
    return f"{AREA}{g + 1:03d}"


def run_balance(gridplan, db, max_radius=None, extra=()):
    args = ["balance", "--db", db, "--within", "area", AREA, "--at", "2024-06-01", "--weights", "households=1,cases=0,dedicated=0", "--json"]
    if max_radius:
        args += ["--max-radius", repr(max_radius)]
    return json.loads(gridplan(*args, *extra).stdout)


def model(inst, max_radius=None):
    """CP-SAT variables: x[g, p] for every grid and every gridder within reach; one gridder a grid."""
    n, m = len(inst["households"]), len(inst["capacities"])
    rad = radii(inst)
    allowed = [[max_radius is None or rad[g][p] <= max_radius for p in range(m)] for g in range(n)]
    mdl = cp_model.CpModel()
    x = {(g, p): mdl.NewBoolVar(f"x{g}_{p}") for g in range(n) for p in range(m) if allowed[g][p]}
    for g in range(n):
        mdl.AddExactlyOne(x[g, p] for p in range(m) if allowed[g][p])
    loads = [sum(inst["households"][g] * x[g, p] for g in range(n) if allowed[g][p]) for p in range(m)]
    return mdl, x, loads, allowed, rad


def changes(inst, x, allowed):
    owner = inst["owner"]
    return sum(1 - x[g, owner[g]] if owner[g] is not None and allowed[g][owner[g]] else 1 for g in range(len(owner)))


def run_solver(mdl, seconds, workers=2):
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    status = solver.Solve(mdl)
    return solver, solver.StatusName(status)


def below(inst, ratio, max_radius=None, seconds=60.0):
    """Is there an assignment whose largest ratio is below `ratio` (an exact fraction)? CP-SAT
    answers INFEASIBLE (proof that `ratio` is the least), FEASIBLE (with a better one) or UNKNOWN."""
    mdl, x, loads, allowed, _ = model(inst, max_radius)
    for p, cap in enumerate(inst["capacities"]):
        mdl.Add(loads[p] * ratio.denominator <= ratio.numerator * cap - 1)
    solver, status = run_solver(mdl, seconds)
    better = None
    if status in ("FEASIBLE", "OPTIMAL"):
        better = max(Fraction(sum(inst["households"][g] for g in range(len(inst["households"]))
                                  if allowed[g][p] and solver.Value(x[g, p])), cap) for p, cap in enumerate(inst["capacities"]))
    return status, better, solver.WallTime()


def fewer_changes(inst, ratio, moves, max_radius=None, seconds=30.0):
    """Is there an assignment within `ratio` that changes fewer than `moves` grids?"""
    mdl, x, loads, allowed, _ = model(inst, max_radius)
    for p, cap in enumerate(inst["capacities"]):
        mdl.Add(loads[p] * ratio.denominator <= ratio.numerator * cap)
    mdl.Add(changes(inst, x, allowed) <= moves - 1)
    _, status = run_solver(mdl, seconds)
    return status


def solve(inst, max_radius=None, seconds=60.0):
    """CP-SAT on its own: least largest ratio (to 1e-6, as z / 10^6 with load * 10^6 <= z * capacity),
    its best bound, and the time taken."""
    mdl, x, loads, allowed, rad = model(inst, max_radius)
    scale = 10 ** 6
    z = mdl.NewIntVar(0, scale * sum(inst["households"]), "z")
    for p, cap in enumerate(inst["capacities"]):
        mdl.Add(loads[p] * scale <= z * cap)
    mdl.Minimize(z)
    solver, status = run_solver(mdl, seconds)
    found = None
    if status in ("FEASIBLE", "OPTIMAL"):
        found = solver.ObjectiveValue() / scale
    return {"status": status, "ratio": found, "bound": solver.BestObjectiveBound() / scale, "seconds": solver.WallTime(),
            "allowed": allowed, "radii": rad}


def answer_ratio(inst, answer):
    """The largest ratio of gridplan's proposed assignment, as an exact fraction, and its changes."""
    person = {f"P{p:02d}": p for p in range(len(inst["capacities"]))}
    load = [0] * len(inst["capacities"])
    after = {g["code"]: person[g["after"]] for g in answer["grids"]}
    moves = 0
    for g in range(len(inst["households"])):
        p = after[unit_code(g)]
        load[p] += inst["households"][g]
        moves += p != inst["owner"][g]
    return max(Fraction(load[p], inst["capacities"][p]) for p in range(len(load))), moves, after


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)
