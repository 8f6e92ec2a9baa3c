"""`gridplan people import`, `who-covers` and the roster checks of `validate` on the 赤坎区 sample,
against shapely (which grid) and pyproj (distances: the Gauss–Krüger zone and the geodesic)."""
import json

import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer

GEOD = Geod(ellps="GRS80")
TO_M = Transformer.from_crs("EPSG:4490", "EPSG:4546", always_xy=True)


def who(gridplan, db, x, y, *extra):
    return json.loads(gridplan("who-covers", "--db", db, "--lon", repr(float(x)), "--lat", repr(float(y)), "--crs", "cgcs2000",
                               "--at", "2024-07-01", "--json", *extra).stdout)


def metres(a, b):
    (ax, bx), (ay, by) = TO_M.transform([a[0], b[0]], [a[1], b[1]])
    return float(np.hypot(ax - bx, ay - by))


def test_who_covers_agrees_with_shapely_and_pyproj(gridplan, rostered):
    db, polygons, codes, bases = rostered
    rng = np.random.default_rng(11)
    tree = shapely.STRtree(polygons)
    checked = 0
    for i in rng.choice(len(polygons) - 10, 12, replace=False):
        minx, miny, maxx, maxy = polygons[i].bounds
        while True:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if polygons[i].contains(shapely.Point(x, y)):
                break
        answer = who(gridplan, db, x, y, "-k", "4")
        assert answer["status"] == "inside" and answer["metric_crs"] == "EPSG:4546"
        [hit] = tree.query(shapely.Point(x, y), predicate="within")
        assert answer["chain"][0]["code"] == codes[hit]
        assert [c["level"] for c in answer["chain"]] == ["unit", "area", "community", "street"]
        gridder = answer["unit_gridder"]
        assert gridder["id"] == f"G{hit}"
        base = bases[gridder["id"]]
        # Straight line in the zone's metres, as pyproj projects it, and within 0.1 % of the geodesic.
        assert abs(answer["gridder_base_distance_m"] - metres((x, y), base)) < 0.01
        _, _, geodesic = GEOD.inv(x, y, *base)
        assert abs(answer["gridder_base_distance_m"] - geodesic) <= 0.001 * geodesic + 0.01
        # The minimal emergency unit is the 4 nearest bases, nearest first.
        expected = sorted(bases, key=lambda p: (metres((x, y), bases[p]), p))[:4]
        assert [p["id"] for p in answer["emergency_unit"]] == expected
        for p in answer["emergency_unit"]:
            assert abs(p["distance_m"] - metres((x, y), bases[p["id"]])) < 0.01
        checked += 1
    assert checked == 12


def test_outside_names_the_nearest_grid(gridplan, rostered):
    db, polygons, codes, _ = rostered
    district = shapely.union_all(polygons)
    minx, miny, maxx, maxy = district.bounds
    x, y = maxx + 0.01, (miny + maxy) / 2
    answer = who(gridplan, db, x, y)
    assert answer["status"] == "outside" and not answer["covered"]
    mx, my = TO_M.transform(x, y)
    metric = [shapely.transform(p, lambda c: np.column_stack(TO_M.transform(c[:, 0], c[:, 1]))) for p in polygons]
    distances = [m.distance(shapely.Point(mx, my)) for m in metric]
    assert abs(answer["grid_distance_m"] - min(distances)) < 0.05
    assert distances[codes.index(answer["chain"][0]["code"])] <= min(distances) + 1e-6


def test_validate_reports_units_without_a_primary(gridplan, rostered):
    db, _, codes, _ = rostered
    result = gridplan("validate", "--db", db, "--json", "--at", "2024-07-01", check=False)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    missing = sorted(g for f in report["findings"] if f["kind"] == "no_primary" for g in f["grids"])
    assert missing == sorted(codes[-10:])


def test_who_covers_an_address_through_the_gazetteer(gridplan, rostered, tmp_path):
    """An address is placed by the geocoder, then answered like a point: the unit grid is the one
    shapely finds holding the geocoded point, and the chain agrees with the geocode's community."""
    db = tmp_path / "plan.gpkg"
    db.write_bytes(rostered[0].read_bytes())
    _, polygons, codes, _ = rostered
    refused = gridplan("who-covers", "--db", db, "--address", "赤坎区中华街道1号", check=False)
    assert refused.returncode == 2 and "gazetteer" in refused.stderr      # no gazetteer yet: said so
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    answer = json.loads(gridplan("who-covers", "--db", db, "--address", "广东省湛江市赤坎区中华街道中华社区附近",
                                 "--at", "2024-07-01", "--json").stdout)
    geocode = answer["geocode"]
    assert geocode["level"] == "community" and 0 < geocode["confidence"] <= 1
    holding = [c for p, c in zip(polygons, codes) if p.covers(shapely.Point(answer["lon"], answer["lat"]))]
    unit = answer["chain"][0]
    assert unit["level"] == "unit" and unit["code"] == min(holding)
    community = next(level for level in answer["chain"] if level["level"] == "community")
    assert community["name"] == "中华社区"
    unknown = gridplan("who-covers", "--db", db, "--address", "北京市朝阳区某某路1号", check=False)
    assert unknown.returncode == 2 and "no place found" in unknown.stderr


def test_dispatch_advance_and_escalate_through_the_cli(gridplan, rostered, tmp_path):
    db, polygons, codes, _ = rostered
    inside = polygons[0].representative_point()
    answer = who(gridplan, db, inside.x, inside.y)
    street = answer["chain"][-1]["code"]
    chief = tmp_path / "chief.csv"
    chief.write_text(f"id,name,phone,role,grid,duty_from\nS0,街道网格长,13700000000,网格长,{street},2024-01-01\n")
    gridplan("people", "import", chief, "--db", db)
    x, y = float(inside.x), float(inside.y)
    incidents = tmp_path / "incidents.csv"
    incidents.write_text("id,lon,lat,reported_at,category,severity\n"
                         f"N1,{x!r},{y!r},2024-07-01 08:00:00,0101,ordinary\n"
                         f"N2,{x!r},{y!r},2024-07-01 08:00:00,0301,important\n"
                         f"N3,{x!r},{y!r},2024-07-01 08:00:00,0301,major\n"
                         f"N4,{x + 1:.6f},{y!r},2024-07-01 08:00:00,0101,ordinary\n")
    gridplan("cases", "import", incidents, "--db", db, "--crs", "cgcs2000", "--rejects", tmp_path / "rejects.csv")
    result = gridplan("cases", "dispatch", "--db", db, "--all-new", "--now", "2024-07-01 09:00", check=False)
    assert result.returncode == 1                     # N4 lies outside every grid
    rows = {line.split("\t")[0]: line.split("\t") for line in result.stdout.splitlines()[1:-1]}
    assert rows["N1"][1:4] == ["dispatched", "unit", codes[0]] and "(G0)" in rows["N1"][4]
    assert rows["N2"][1:4] == ["dispatched", "street", street] and "(S0)" in rows["N2"][4] and "no one on duty in community" in rows["N2"][7]
    assert rows["N3"][1:4] == ["dispatched", "street", street]
    assert rows["N4"][1] == "NOT DISPATCHED" and "outside every grid" in rows["N4"][7]
    refused = gridplan("cases", "advance", "N1", "--db", db, "--to", "closed", "--actor", "G0", check=False)
    assert refused.returncode == 2 and "cannot go to closed" in refused.stderr
    gridplan("cases", "advance", "N1", "--db", db, "--to", "handled", "--actor", "G0", "--at", "2024-07-01 10:00")
    overdue = gridplan("cases", "overdue", "--db", db, "--now", "2024-07-09 09:00", "--escalate")
    lines = {line.split("\t")[0]: line for line in overdue.stdout.splitlines()[1:-1]}
    assert set(lines) == {"N1", "N2", "N3", "N4"}
    assert "→ street" in lines["N1"] and "(S0)" in lines["N1"]       # no one at area or community: up to the street
    assert "already at the street level" in lines["N2"] and "NOT ESCALATED: outside" in lines["N4"]
