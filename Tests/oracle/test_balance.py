"""`gridplan balance` against OR-Tools CP-SAT on generated areas: the least largest load/capacity
ratio and the fewest changes, both proven by CP-SAT; a street-sized area within 2 % of CP-SAT's
best bound in under 2 s; the bad inputs the issue lists; `--apply` as a plan version."""
import json
import sqlite3
import sys
import time

import pytest

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2] / "tools"))
import balance_oracle as oracle  # noqa: E402
from conftest import ROOT  # noqa: E402

# (seed, grids, gridders, idle gridders, grids without a primary, radius limit in m)
SMALL = [
    (1, 10, 3, 0, 0, None),
    (2, 16, 4, 1, 0, None),
    (3, 20, 4, 0, 1, 900),
    (4, 24, 5, 0, 0, 1000),
    # Total capacity only 0.6 % above the load: a near-perfect packing, proven optimal (0.995) once the
    # search remembers its dead ends (about 1.4 M nodes, some 10 s).
    (5, 30, 6, 1, 0, 1200),
    (6, 32, 6, 0, 2, None),
    (7, 36, 7, 0, 0, 1100),
    (8, 40, 8, 0, 0, None),
    (9, 40, 8, 0, 0, 1300),
    (10, 40, 7, 1, 1, 1500),
]


def fit_radius(inst, limit):
    """The limit nudged so no base-to-grid radius lies within 1 m of it (rounding cannot flip a case)."""
    if limit is None:
        return None
    rad = [r for row in oracle.radii(inst) for r in row]
    while any(abs(r - limit) < 1.0 for r in rad):
        limit += 7.0
    return limit


@pytest.mark.parametrize("seed,grids,people,idle,uncovered,limit", SMALL)
def test_optimal_against_cp_sat(gridplan, tmp_path, seed, grids, people, idle, uncovered, limit):
    inst = oracle.make_instance(seed, grids, people, idle=idle, uncovered=uncovered)
    limit = fit_radius(inst, limit)
    db = oracle.write_plan(gridplan, tmp_path, inst)
    answer = oracle.run_balance(gridplan, db, limit, extra=["--time-limit", "20"])
    ratio, moves, after = oracle.answer_ratio(inst, answer)
    allowed = oracle.model(inst, limit)[3]
    # Every grid goes to someone within reach, by pyproj's and shapely's metres.
    for g in range(grids):
        assert allowed[g][after[oracle.unit_code(g)]]
    assert answer["after"]["max_ratio"] == pytest.approx(float(ratio), rel=1e-12)
    # CP-SAT proves that no assignment has a smaller largest ratio: ours is the optimum.
    status, better, _ = oracle.below(inst, ratio, limit, seconds=120)
    assert status == "INFEASIBLE", f"CP-SAT: {status}" + (f", largest ratio {float(better)} < {float(ratio)}" if better else "")
    assert answer["optimal"] and answer["lower_bound"] == pytest.approx(float(ratio), rel=1e-7)
    assert moves == len(answer["moves"])
    # Fewest changes: where gridplan says its count is least, CP-SAT must find none smaller.
    fewer = oracle.fewer_changes(inst, ratio, moves, limit, seconds=30)
    print(f"seed {seed}: {grids} grids, {people}+{idle} gridders: ratio {answer['before']['max_ratio']:.4f} -> {float(ratio):.4f} "
          f"(proven by CP-SAT), {moves} moves (gridplan proven: {answer['moves_optimal']}; CP-SAT on fewer: {fewer}), {answer['seconds']:.2f} s")
    if answer["moves_optimal"]:
        assert fewer != "FEASIBLE" and fewer != "OPTIMAL"
    # The JSON shape the issue asks for, and moves that describe the change.
    for mv in answer["moves"]:
        assert {"grid", "from", "to", "load", "radius_before_m", "radius_after_m"} <= set(mv)
        g = int(mv["grid"][-3:]) - 1
        assert mv["load"] == inst["households"][g]
        assert mv["radius_after_m"] == pytest.approx(oracle.radii(inst)[g][int(mv["to"][1:])], abs=0.05)
    if uncovered:
        assert any("no primary" in w for w in answer["warnings"])


def test_street_sized_within_two_percent(gridplan, tmp_path):
    """About 100 unit grids and 26 full-time gridders (南桥街道's figures), radius limit 1.5 km."""
    inst = oracle.make_instance(26, 100, 26, capacities=(1500, 1500, 2000))
    limit = fit_radius(inst, 1500)
    exact = oracle.solve(inst, max_radius=limit, seconds=60)
    db = oracle.write_plan(gridplan, tmp_path, inst)
    started = time.monotonic()
    answer = oracle.run_balance(gridplan, db, limit)
    wall = time.monotonic() - started
    ratio, _, after = oracle.answer_ratio(inst, answer)
    for g in range(100):
        assert exact["allowed"][g][after[oracle.unit_code(g)]]
    print(f"gridplan {float(ratio):.4f} in {answer['seconds']:.2f} s (whole command {wall:.2f} s); "
          f"CP-SAT {exact['ratio']:.4f}, bound {exact['bound']:.4f}, {exact['status']} in {exact['seconds']:.1f} s")
    assert float(ratio) <= exact["bound"] * 1.02
    assert answer["seconds"] < 2.0
    assert answer["lower_bound"] <= exact["ratio"] * (1 + 1e-9)


@pytest.fixture(scope="module")
def small_plan(gridplan, tmp_path_factory):
    inst = oracle.make_instance(3, 12, 3, idle=1, uncovered=1)
    return inst, oracle.write_plan(gridplan, tmp_path_factory.mktemp("bal"), inst)


def test_nothing_written_without_apply_then_apply_is_a_plan_version(gridplan, small_plan, tmp_path):
    inst, shared = small_plan
    db = tmp_path / "plan.gpkg"
    db.write_bytes(shared.read_bytes())
    duties = lambda: sqlite3.connect(db).execute("SELECT count(*) FROM duties").fetchone()[0]
    before = duties()
    answer = oracle.run_balance(gridplan, db)
    assert duties() == before and answer["applied_version"] is None and answer["moves"]
    applied = oracle.run_balance(gridplan, db, extra=["--apply"])
    assert applied["applied_version"] and [m["grid"] for m in applied["moves"]] == [m["grid"] for m in answer["moves"]]
    con = sqlite3.connect(db)
    assert con.execute("SELECT command FROM plan_versions WHERE id = ?", (applied["applied_version"],)).fetchone()[0].startswith("balance")
    # who-covers answers with the new gridder from that day, and the old one the day before.
    for mv in applied["moves"]:
        code = mv["grid"]
        g = int(code[-3:]) - 1
        lon, lat = oracle.TO_LL.transform(oracle.ORIGIN[0] + (inst["cells"][g][0] + 0.5) * inst["side"],
                                          oracle.ORIGIN[1] + (inst["cells"][g][1] + 0.5) * inst["side"])
        for day, expected in [("2024-06-01", mv["to"]), ("2024-05-31", mv["from"])]:
            who = json.loads(gridplan("who-covers", "--db", db, "--lon", repr(lon), "--lat", repr(lat), "--crs", "cgcs2000",
                                      "--at", day, "--json").stdout)
            assert (who["unit_gridder"] or {}).get("id") == expected, (code, day)
    # Balanced already: a second run proposes nothing.
    again = oracle.run_balance(gridplan, db)
    assert again["moves"] == [] and again["after"]["max_ratio"] == pytest.approx(applied["after"]["max_ratio"])


def test_bad_inputs_get_clear_messages(gridplan, small_plan, tmp_path):
    inst, shared = small_plan
    db = tmp_path / "plan.gpkg"
    db.write_bytes(shared.read_bytes())
    args = ["balance", "--db", db, "--within", "area", oracle.AREA, "--at", "2024-06-01"]
    r = gridplan(*args, "--max-radius", "10", check=False)
    assert r.returncode == 2 and "no gridder can serve it within 10 m" in r.stderr
    r = gridplan("balance", "--db", db, "--within", "area", "440802099001999", check=False)
    assert r.returncode == 2 and "no area grid with code 440802099001999" in r.stderr
    # A capacity of zero is refused at import, naming the line.
    roster = tmp_path / "zero.csv"
    roster.write_text("id,name,role,capacity\nZ1,零,专职网格员,0\n")
    r = gridplan("people", "import", roster, "--db", db, check=False)
    assert r.returncode == 1 and "line 2" in r.stdout and "capacity '0'" in r.stdout
    # A base outside the plan: refused, and nothing applied.
    far = tmp_path / "far.csv"
    empty = oracle.unit_code(inst["owner"].index(None))
    far.write_text(f"id,name,role,capacity,lon,lat,grid,duty,duty_from\nF1,远,专职网格员,1500,111.5,22.5,{empty},primary,2024-05-01\n")
    gridplan("people", "import", far, "--db", db, "--crs", "cgcs2000")
    count = sqlite3.connect(db).execute("SELECT count(*) FROM duties").fetchone()[0]
    r = gridplan(*args, "--apply", check=False)
    assert r.returncode == 2 and "F1" in r.stderr and "outside the plan" in r.stderr
    assert sqlite3.connect(db).execute("SELECT count(*) FROM duties").fetchone()[0] == count


def test_people_without_duty_are_kept_and_given_grids(gridplan, small_plan):
    inst, db = small_plan
    people = json.loads(gridplan("people", "list", "--db", db, "--at", "2024-06-01", "--json").stdout)
    idle = [p for p in people if not p["duties"]]
    assert [p["id"] for p in idle] == ["P03"] and idle[0]["capacity_per_week"] == inst["capacities"][3]
    answer = oracle.run_balance(gridplan, db)
    assert any(g["after"] == "P03" for g in answer["grids"])


def test_load_measures(gridplan, small_plan):
    inst, db = small_plan
    out = json.loads(gridplan("load", "--db", db, "--at", "2024-06-01", "--weights", "households=1,cases=0,dedicated=0", "--json").stdout)
    rad = oracle.radii(inst)
    for p in out["people"]:
        i = int(p["id"][1:])
        mine = [g for g in range(len(inst["households"])) if inst["owner"][g] == i]
        assert p["load"] == sum(inst["households"][g] for g in mine)
        assert p["capacity"] == inst["capacities"][i]
        assert p["ratio"] == pytest.approx(p["load"] / p["capacity"])
        assert p["radius_m"] == pytest.approx(max([rad[g][i] for g in mine], default=0), abs=0.05)
        assert sorted(p["grids"]) == sorted(oracle.unit_code(g) for g in mine)
    ratios = [p["ratio"] for p in out["people"]]
    assert out["summary"]["max_ratio"] == pytest.approx(max(ratios))
    n = len(ratios)
    mean = sum(ratios) / n
    gini = sum(abs(a - b) for a in ratios for b in ratios) / (2 * n * n * mean)
    assert out["summary"]["gini"] == pytest.approx(gini)
    uncovered = [oracle.unit_code(g) for g in range(len(inst["owner"])) if inst["owner"][g] is None]
    assert out["summary"]["grids_without_primary"] == uncovered
    assert {g["code"]: g["primary"] for g in out["grids"]}[uncovered[0]] is None


def test_patrol_length_from_roads(gridplan, small_plan, tmp_path):
    """A street through the first row of grids: its metres inside each grid, and the load it adds."""
    inst, db = small_plan
    x0, y0 = oracle.ORIGIN
    side = inst["side"]
    line = [oracle.TO_LL.transform(x0 - 100, y0 + side / 2), oracle.TO_LL.transform(x0 + 1.4 * side, y0 + side / 2)]
    roads = tmp_path / "roads.geojson"
    roads.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": line}}]}))
    out = json.loads(gridplan("load", "--db", db, "--at", "2024-06-01", "--roads", roads,
                              "--weights", "households=1,cases=0,dedicated=0,patrol_km=100", "--json").stdout)
    patrol = {g["code"]: g["patrol_m"] for g in out["grids"]}
    assert patrol[oracle.unit_code(0)] == pytest.approx(side, abs=0.5)
    assert patrol[oracle.unit_code(1)] == pytest.approx(0.4 * side, abs=0.5)
    assert all(patrol[oracle.unit_code(g)] == 0 for g in range(2, len(inst["households"])))
    first = next(g for g in out["grids"] if g["code"] == oracle.unit_code(0))
    assert first["load"] == pytest.approx(inst["households"][0] + 100 * side / 1000, abs=0.1)



DAY = "2030-01-01"


def over_capacity_area(gridplan, sample_plan, folder):
    """文章村第1片区 of the coded sample in a plan of its own: three units of 709, 464 and 474 households, each
    gridder's capacity 500, and a fourth gridder (IDLE) without a duty. Answers the plan, the balance arguments
    for the area and the redraw's."""
    from shapely.geometry import shape
    import shapely
    db = folder / "plan.gpkg"
    db.write_bytes(sample_plan.read_bytes())
    gridplan("codes", "--db", db, "--county", "440802")
    units = folder / "units.geojson"
    gridplan("export", "--db", db, "--level", "unit", "--format", "geojson", "--out", units)
    area_units = {"440802008205005", "440802008205002", "440802008205006"}
    rows, points = ["id,name,phone,role,lon,lat,grid,duty,duty_from,capacity"], []
    for i, f in enumerate(json.loads(units.read_text())["features"]):
        code = f["properties"]["code"]
        if code.startswith("440802008205"):
            p = shape(f["geometry"]).representative_point()
            rows.append(f"W{i},网格员{i},,专职网格员,{p.x:.7f},{p.y:.7f},{code},primary,2024-01-01,500")
            if code in area_units:
                points.append(p)
    centre = shapely.centroid(shapely.MultiPoint(points))
    rows.append(f"IDLE,备用网格员,,专职网格员,{centre.x:.7f},{centre.y:.7f},,,,500")
    roster = folder / "roster.csv"
    roster.write_text("\n".join(rows) + "\n")
    gridplan("people", "import", roster, "--db", db, "--crs", "cgcs2000")
    chikan = ROOT / "GeoData" / "chikan"
    redraw = ["--allow-boundary-changes", "--barriers", chikan / "roads.geojson", "--buildings", chikan / "buildings.geojson"]
    return db, ["balance", "--within", "area", "44080200820502", "--at", DAY, "--json"], redraw


def test_boundary_changes_where_reassignment_cannot_reach_capacity(gridplan, sample_plan, tmp_path):
    """文章村第1片区 of the sample: three units of 709, 464 and 474 households, each gridder's capacity 500, and
    a fourth gridder without a duty. No reassignment brings the 709-household unit within anyone's capacity; the
    redraw (--allow-boundary-changes) splits it, and the fourth gridder takes the added unit. With --apply both
    are written (the redraw, then the duties) and who-covers answers with the new gridder inside the new unit."""
    import shapely.wkb
    db, args, redraw = over_capacity_area(gridplan, sample_plan, tmp_path)
    day = DAY
    base = [*args, "--db", db]
    alone = json.loads(gridplan(*base).stdout)
    assert alone["after"]["max_ratio"] > 1.4 and alone["boundary_changes"] is None
    assert gridplan(*base, "--barriers", redraw[2], check=False).returncode == 64   # needs the flag
    tried = json.loads(gridplan(*base, *redraw).stdout)
    b = tried["boundary_changes"]
    assert b["used"] and b["grids_added"] == 1 and b["moved_households"] > 0 and b["redraw_version"] is None
    assert b["reassignment_alone"]["max_ratio"] == alone["after"]["max_ratio"]
    assert tried["after"]["max_ratio"] <= 1 and tried["after"]["over_capacity"] == []
    codes_before = {c for (c,) in sqlite3.connect(db).execute("SELECT code FROM grids WHERE level = 4")}
    applied = json.loads(gridplan(*base, *redraw, "--apply").stdout)
    assert applied["boundary_changes"]["redraw_version"] is not None and applied["applied_version"] is not None
    con = sqlite3.connect(db)
    current = dict(con.execute("SELECT code, households FROM grids WHERE level = 4 AND valid_to IS NULL AND code LIKE '440802008205%'"))
    (added,) = set(current) - codes_before
    (person,) = con.execute("SELECT person_id FROM duties WHERE grid_code = ? AND role = 'primary' AND valid_to IS NULL", (added,)).fetchone()
    assert person == "IDLE"
    # The added unit, asked about at a point inside it: its gridder is the one who had no duty.
    geom = con.execute("SELECT geom FROM grids WHERE code = ? AND valid_to IS NULL", (added,)).fetchone()[0]
    b = bytes(geom)
    inside = shapely.wkb.loads(b[8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(b[3] >> 1) & 7]:]).representative_point()
    answer = json.loads(gridplan("who-covers", "--db", db, "--lon", inside.x, "--lat", inside.y, "--crs", "cgcs2000",
                                 "--at", day, "--json").stdout)
    assert answer["unit_gridder"]["id"] == "IDLE", answer
