"""`gridplan assign` and `gridplan cases import` against shapely, and against a real kill."""
import csv
import json
import os
import re
import signal
import sqlite3
import subprocess
import time

import numpy as np
import pytest
import shapely
from shapely import STRtree

from conftest import ROOT


def shapely_answers(polygons, codes, xs, ys):
    """Per point, the codes of the polygons shapely finds it within, and those it intersects."""
    points = shapely.points(xs, ys)
    tree = STRtree(polygons)
    within, touching = [[] for _ in xs], [[] for _ in xs]
    for i, j in zip(*tree.query(points, predicate="within")):
        within[i].append(codes[j])
    for i, j in zip(*tree.query(points, predicate="intersects")):
        touching[i].append(codes[j])
    return within, touching


@pytest.fixture(scope="module")
def coded_plan(gridplan, sample_plan, tmp_path_factory):
    """The sample plan with generated codes, and its unit grids as gridplan exports them."""
    db = tmp_path_factory.mktemp("coded") / "plan.gpkg"
    db.write_bytes(sample_plan.read_bytes())
    gridplan("codes", "--db", db)
    units = tmp_path_factory.mktemp("units") / "units.geojson"
    gridplan("export", "--db", db, "--level", "unit", "--format", "geojson", "--out", units)
    features = json.loads(units.read_text())["features"]
    return db, np.array([shapely.geometry.shape(f["geometry"]) for f in features]), [f["properties"]["code"] for f in features]


def test_assign_equals_shapely_on_real_polygons(gridplan, coded_plan, tmp_path):
    db, polygons, codes = coded_plan
    rng = np.random.default_rng(4)
    minx, miny, maxx, maxy = shapely.total_bounds(polygons)
    xs = list(rng.uniform(minx - 0.01, maxx + 0.01, 100_000))
    ys = list(rng.uniform(miny - 0.01, maxy + 0.01, 100_000))
    for p in polygons:                           # every vertex and edge midpoint: points on boundaries
        c = shapely.get_coordinates(p)
        xs += list(c[:, 0]) + list((c[:-1, 0] + c[1:, 0]) / 2)
        ys += list(c[:, 1]) + list((c[:-1, 1] + c[1:, 1]) / 2)
    points_file = tmp_path / "points.csv"
    points_file.write_text("id,lon,lat\n" + "".join(f"{i},{float(x)!r},{float(y)!r}\n" for i, (x, y) in enumerate(zip(xs, ys))))
    out = tmp_path / "out.csv"
    gridplan("assign", points_file, "--db", db, "--out", out, "--crs", "cgcs2000")
    with out.open() as f:
        ours = [(r["assign_status"], r["unit_code"], r["nearest_code"], r["distance_m"]) for r in csv.DictReader(f)]
    within, touching = shapely_answers(polygons, codes, xs, ys)
    statuses = {}
    for i, (status, code, nearest, distance) in enumerate(ours):
        statuses[status] = statuses.get(status, 0) + 1
        if status == "inside":
            assert within[i] == [code], i
        elif status == "boundary":
            assert not within[i] and code == min(touching[i]), i
        else:
            assert not touching[i] and status in ("outside", "snapped"), i
            if abs(float(distance) - 30) > 0.05:     # distance_m is printed to 0.1 m
                assert (status == "snapped") == (float(distance) <= 30)
    assert statuses["boundary"] > 4000 and statuses["inside"] > 30_000 and statuses["outside"] > 1000
    # --columns: the columns named, in that order, each row's values those of the whole row (read by Python's csv).
    picked = tmp_path / "picked.csv"
    gridplan("assign", points_file, "--db", db, "--out", picked, "--crs", "cgcs2000", "--columns", "unit_code,assign_status,distance_m")
    with out.open() as whole, picked.open() as part:
        whole_rows, part_rows = list(csv.reader(whole)), list(csv.reader(part))
    assert part_rows[0] == ["id", "lon", "lat", "unit_code", "assign_status", "distance_m"]
    at = [whole_rows[0].index(name) for name in part_rows[0]]
    assert len(part_rows) == len(whole_rows) == len(xs) + 1
    assert all(p == [w[k] for k in at] for p, w in zip(part_rows[1:], whole_rows[1:]))


def test_outside_points_name_the_nearest_grid_like_shapely(gridplan, coded_plan, tmp_path):
    """Nearest grid and distance in metres for points outside every grid, against shapely in EPSG:4546."""
    from pyproj import Transformer
    db, polygons, codes = coded_plan
    to_m = Transformer.from_crs("EPSG:4490", "EPSG:4546", always_xy=True)
    metric = [shapely.transform(p, lambda c: np.column_stack(to_m.transform(c[:, 0], c[:, 1]))) for p in polygons]
    district = shapely.union_all(polygons)
    rng = np.random.default_rng(5)
    minx, miny, maxx, maxy = district.bounds
    cx, cy = rng.uniform(minx - 0.02, maxx + 0.02, 20_000), rng.uniform(miny - 0.02, maxy + 0.02, 20_000)
    keep = ~shapely.intersects_xy(district, cx, cy)
    xs, ys = cx[keep][:3000], cy[keep][:3000]
    f = tmp_path / "outside.csv"
    f.write_text("id,lon,lat\n" + "".join(f"{i},{float(x)!r},{float(y)!r}\n" for i, (x, y) in enumerate(zip(xs, ys))))
    out = tmp_path / "out.csv"
    gridplan("assign", f, "--db", db, "--out", out, "--crs", "cgcs2000")
    rows = list(csv.DictReader(out.open()))
    mx, my = to_m.transform(xs, ys)
    for row, x, y in zip(rows, mx, my):
        distances = [m.distance(shapely.Point(x, y)) for m in metric]
        best = min(distances)
        assert abs(float(row["distance_m"]) - best) < 0.05
        assert distances[codes.index(row["nearest_code"])] <= best + 1e-6


def test_import_resumes_after_kill_9(gridplan, sample_plan, tmp_path):
    rng = np.random.default_rng(6)
    n = 60_000
    xs, ys = rng.uniform(110.36, 110.42, n), rng.uniform(21.22, 21.30, n)
    source = tmp_path / "backlog.csv"
    source.write_text("id,lon,lat,reported_at,category\n" + "".join(
        f"K{i},{x:.7f},{y:.7f},2024-05-01 10:{i % 60:02d}:00,0{1 + i % 6}\n" for i, (x, y) in enumerate(zip(xs, ys))))
    source.write_text(source.read_text().replace("2024-05-01 10:13:00", "not a time"))

    def fresh(name):
        db = tmp_path / name
        db.write_bytes(sample_plan.read_bytes())
        return db

    clean_db, killed_db = fresh("clean.gpkg"), fresh("killed.gpkg")
    clean = gridplan("cases", "import", source, "--db", clean_db, "--crs", "cgcs2000", "--batch-size", "2000",
                     "--rejects", tmp_path / "clean-rejects.csv", check=False)
    assert clean.returncode == 1 and "1000 rejected" in clean.stdout   # done, with the rows of the bad time set aside
    args = ["cases", "import", str(source), "--db", str(killed_db), "--crs", "cgcs2000", "--batch-size", "2000",
            "--rejects", str(tmp_path / "rejects.csv")]
    process = subprocess.Popen([gridplan_binary(), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:          # kill as soon as a few batches are in, mid-run
        time.sleep(0.05)
        try:
            with sqlite3.connect(f"file:{killed_db}?mode=ro", uri=True, timeout=0.1) as con:
                done = con.execute("SELECT rows_done FROM internal_import_checkpoints").fetchone()
            if done and done[0] >= 10_000:
                break
        except sqlite3.Error:
            pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL ORDER BY name"
    rtree = "SELECT name FROM sqlite_master WHERE name LIKE 'rtree_cases_geom%' ORDER BY name"
    extension = "SELECT count(*) FROM gpkg_extensions WHERE table_name = 'cases' AND extension_name = 'gpkg_rtree_index'"
    columns = "SELECT name, type FROM pragma_table_xinfo('cases') ORDER BY cid"
    with sqlite3.connect(killed_db) as con:
        partial = con.execute("SELECT count(*) FROM cases").fetchone()[0]
        # 60,000 rows into an empty store: a bulk load, killed with the cases' indexes and R-tree set
        # aside: no virtual table, no triggers and no extension row, so the file says it has no
        # spatial index (rather than one that misses rows).
        assert con.execute(indexes).fetchall() == []
        assert con.execute(rtree).fetchall() == [] and con.execute(extension).fetchone()[0] == 0
        # The generated UTC companions of the case times are set aside too (SQLite computes them
        # at every insert).
        assert not [name for name, _ in con.execute(columns) if name.endswith("_utc")]
    assert 0 < partial < n
    # Meanwhile the plan answers the same, by scanning: a box query against plain SQL, and GDAL
    # reads the layer with all its rows.
    box = "110.37,21.23,110.39,21.26"
    answered = gridplan("cases", "query", "--db", killed_db, "--bbox", box, "--format", "csv")
    with sqlite3.connect(killed_db) as con:
        want = con.execute("SELECT count(*) FROM cases WHERE lon BETWEEN 110.37 AND 110.39 AND lat BETWEEN 21.23 AND 21.26").fetchone()[0]
    assert want > 0 and len(answered.stdout.splitlines()) - 1 == want
    info = subprocess.run(["ogrinfo", "-so", "-ro", str(killed_db), "cases"], capture_output=True, text=True, check=True).stdout
    assert f"Feature Count: {partial}" in info
    result = gridplan(*args, check=False)
    assert result.returncode == 1 and "resumed after row" in result.stdout
    query = "SELECT external_id, reported_at, category, unit_code, assign_status, lon, lat FROM cases_with_grids ORDER BY external_id"
    with sqlite3.connect(clean_db) as a, sqlite3.connect(killed_db) as b:
        assert len(a.execute(indexes).fetchall()) == 4 and a.execute(indexes).fetchall() == b.execute(indexes).fetchall()
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        # The UTC columns are back, where they were, with the same values.
        assert a.execute(columns).fetchall() == b.execute(columns).fetchall()
        assert len([name for name, _ in b.execute(columns) if name.endswith("_utc")]) == 3
        moments = "SELECT external_id, reported_at_utc, status_at_utc, closed_at_utc FROM cases ORDER BY 1"
        assert a.execute(moments).fetchall() == b.execute(moments).fetchall()
        assert b.execute("SELECT count(*) FROM cases WHERE reported_at_utc LIKE '____-__-__T__:__:__.000Z'").fetchone()[0] > 0
    # The 10 nearest cases to a few places, each asked three times in one process (--timing --repeat 3):
    # three timings, the cases printed once, and they are the 10 nearest by pyproj's geodesic distance.
    from pyproj import Geod
    geod = Geod(ellps="GRS80")
    with sqlite3.connect(clean_db) as con:
        ids, lons, lats = zip(*con.execute("SELECT external_id, lon, lat FROM cases"))
    for lon, lat in [(110.39, 21.26), (110.361, 21.221), (110.45, 21.31)]:
        result = gridplan("cases", "query", "--db", clean_db, "--near", f"{lon},{lat}", "--nearest", 10, "--format", "csv",
                          "--timing", "--repeat", 3)
        assert len(re.findall(r"^query: 10 cases in [0-9.]+ ms$", result.stderr, re.M)) == 3, result.stderr
        rows = list(csv.DictReader(result.stdout.splitlines()))
        _, _, metres = geod.inv([lon] * len(lons), [lat] * len(lats), lons, lats)
        expected = sorted(metres)[:10]
        assert len(rows) == 10 and all(abs(float(r["distance_m"]) - d) <= 0.051 for r, d in zip(rows, expected))  # printed to 0.1 m
        assert all(abs(metres[ids.index(r["id"])] - float(r["distance_m"])) < 0.06 for r in rows)
        # The R-tree is back, whole (SQLite's own check), with its triggers and extension, and
        # holds exactly the clean import's entries.
        assert a.execute(rtree).fetchall() == b.execute(rtree).fetchall() and len(b.execute(rtree).fetchall()) == 10
        assert b.execute(extension).fetchone()[0] == 1
        assert b.execute("SELECT rtreecheck('rtree_cases_geom')").fetchone()[0] == "ok"
        entries = "SELECT c.external_id, r.minx, r.maxx, r.miny, r.maxy FROM rtree_cases_geom r JOIN cases c ON c.fid = r.id ORDER BY 1"
        assert b.execute(entries).fetchall() == a.execute(entries).fetchall()
        assert len(b.execute(entries).fetchall()) == b.execute("SELECT count(*) FROM cases").fetchone()[0]
        triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases' ORDER BY name"
        assert len(b.execute(triggers).fetchall()) == 6 and b.execute(triggers).fetchall() == a.execute(triggers).fetchall()
    assert (tmp_path / "rejects.csv").read_text() == (tmp_path / "clean-rejects.csv").read_text()


def gridplan_binary():
    return os.environ.get("GRIDPLAN", str(ROOT / ".build" / "debug" / "gridplan"))


def test_assign_equals_shapely_on_real_county_outlines(gridplan, tmp_path):
    """The nine real county outlines of 湛江市 (Amap, GCJ-02; multipolygons with islands and an
    enclave hole) as unit grids, 250,000 points: random over the city, and every vertex and edge
    midpoint of the outlines, compared one by one with shapely's within/intersects."""
    db = tmp_path / "counties.gpkg"
    gridplan("import", ROOT / "GeoData" / "zhanjiang" / "counties_gcj02.geojson", "--db", db, "--level", "unit", "--crs", "gcj02")
    # The stored geometries exactly as GDAL reads them from the GeoPackage (an export to GeoJSON
    # would round the transformed coordinates to 7 decimals and move the vertices).
    import pyogrio
    grids = pyogrio.read_dataframe(db, layer="grids", where="valid_to IS NULL")
    polygons = np.array(list(grids.geometry))
    codes = list(grids["code"])
    edges_x, edges_y = [], []
    for p in polygons:
        for ring in shapely.get_rings(shapely.get_parts(p)):
            c = shapely.get_coordinates(ring)
            edges_x += list(c[:, 0]) + list((c[:-1, 0] + c[1:, 0]) / 2)
            edges_y += list(c[:, 1]) + list((c[:-1, 1] + c[1:, 1]) / 2)
    rng = np.random.default_rng(8)
    minx, miny, maxx, maxy = shapely.total_bounds(polygons)
    n_random = 250_000 - len(edges_x)
    xs = list(rng.uniform(minx, maxx, n_random)) + edges_x
    ys = list(rng.uniform(miny, maxy, n_random)) + edges_y
    points_file = tmp_path / "points.csv"
    points_file.write_text("id,lon,lat\n" + "".join(f"{i},{float(x)!r},{float(y)!r}\n" for i, (x, y) in enumerate(zip(xs, ys))))
    out = tmp_path / "out.csv"
    gridplan("assign", points_file, "--db", db, "--out", out, "--crs", "cgcs2000", "--snap-m", "0")
    with out.open() as f:
        ours = [(r["assign_status"], r["unit_code"]) for r in csv.DictReader(f)]
    assert len(ours) == len(xs)
    within, touching = shapely_answers(polygons, codes, xs, ys)
    statuses = {}
    for i, (status, code) in enumerate(ours):
        statuses[status] = statuses.get(status, 0) + 1
        if status == "inside":
            assert within[i] == [code], (i, xs[i], ys[i])
        elif status == "boundary":
            assert not within[i] and code == min(touching[i]), (i, xs[i], ys[i])
        else:
            assert status in ("outside", "snapped") and not touching[i], (i, xs[i], ys[i])   # snapped: 0.0 m away in metres
    on_edges = sum(1 for i in range(len(xs)) if touching[i] and not within[i])
    assert statuses.get("boundary", 0) == on_edges, (statuses, on_edges)
    assert statuses["inside"] > 50_000 and on_edges > 20_000 and statuses["outside"] > 50_000


MOMENTS = """
import json, sys
from osgeo import ogr
ds = ogr.Open(sys.argv[1])
layer = ds.GetLayerByName("cases")
defn = layer.GetLayerDefn()
types = {defn.GetFieldDefn(i).GetName(): defn.GetFieldDefn(i).GetTypeName() for i in range(defn.GetFieldCount())}
rows = [(f.GetField("reported_at"), f.GetFieldAsDateTime("reported_at_utc"), f.GetField("closed_at"),
         f.GetFieldAsDateTime("closed_at_utc")) for f in layer]
print(json.dumps({"types": types, "rows": rows}))
"""


def sample_read_by_gdal(gridplan, coded_plan, tmp_path, script):
    """The sample's cases imported into a copy of the coded plan, and what `script` (run by the system's Python with
    GDAL's bindings, given the plan's path) prints as JSON: (plan, parsed output)."""
    db = tmp_path / "plan.gpkg"
    db.write_bytes(coded_plan[0].read_bytes())
    gridplan("cases", "import", ROOT / "GeoData" / "chikan" / "cases_2024.csv", "--db", db, "--crs", "gcj02",
             "--rejects", tmp_path / "rejects.csv", check=False)
    result = subprocess.run(["/usr/bin/python3", "-c", script, str(db)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return db, json.loads(result.stdout)


def test_gdal_reads_case_moments_as_utc_date_times(gridplan, coded_plan, tmp_path):
    """Case times are stored as China Standard Time text; GDAL reads their `_utc` companions as
    DateTime in UTC, eight hours earlier, as Python's own zone arithmetic says."""
    from datetime import datetime, timedelta, timezone
    db, read = sample_read_by_gdal(gridplan, coded_plan, tmp_path, MOMENTS)
    assert read["types"]["reported_at_utc"] == "DateTime" and read["types"]["closed_at_utc"] == "DateTime"
    china = timezone(timedelta(hours=8))
    closed = 0
    for reported, reported_utc, closed_at, closed_utc in read["rows"]:
        local = datetime.fromisoformat(reported).replace(tzinfo=china)
        y, mo, d, h, mi, s, tz = reported_utc
        assert tz == 100 and datetime(y, mo, d, h, mi, int(s), tzinfo=timezone.utc) == local
        if closed_at:
            closed += 1
            y, mo, d, h, mi, s, tz = closed_utc
            assert datetime(y, mo, d, h, mi, int(s), tzinfo=timezone.utc) == datetime.fromisoformat(closed_at).replace(tzinfo=china)
    assert len(read["rows"]) > 4000 and closed > 1000


VIEW = """
import json, sys
from osgeo import ogr
ds = ogr.Open(sys.argv[1])
layer = ds.GetLayerByName("cases_with_grids")
defn = layer.GetLayerDefn()
fields = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
rows = []
for f in layer:
    g = f.GetGeometryRef()
    rows.append([f.GetFID(), f.GetField("assign_status"), f.GetField("unit_code"), f.GetField("area_code"),
                 f.GetField("community_code"), f.GetField("street_code"), g.GetX() if g else None, g.GetY() if g else None])
print(json.dumps({"fields": fields, "rows": rows, "features": layer.GetFeatureCount()}))
"""


def test_gdal_reads_each_case_with_its_grids_at_every_level(gridplan, coded_plan, tmp_path):
    """A case's row names its filing (schema step v17); the layer `cases_with_grids` gives it with its codes. GDAL
    reads that layer whole, and each located case's codes there are the unit shapely finds its point within and that
    unit's area, community and street in the plan's hierarchy; GDAL's validator passes the plan with the view."""
    db, read = sample_read_by_gdal(gridplan, coded_plan, tmp_path, VIEW)
    with sqlite3.connect(db) as con:
        cases, filings = con.execute("SELECT count(*), count(DISTINCT filing) FROM cases").fetchone()
        units = con.execute("SELECT count(*) FROM grids WHERE level = 4").fetchone()[0]
        parent = dict(con.execute("SELECT g.code, p.code FROM grids g JOIN grids p ON p.fid = g.parent_fid WHERE g.valid_to IS NULL"))
        assert "unit_code" not in [r[1] for r in con.execute("PRAGMA table_info(cases)")]
    # One filing a unit grid cases fell in, and one for the cases in none.
    assert read["features"] == cases == len(read["rows"]) and cases > 4000 and filings <= units + 1
    assert {"unit_code", "area_code", "community_code", "street_code"} <= set(read["fields"])
    _, units, codes = coded_plan
    inside = [r for r in read["rows"] if r[1] == "inside"]
    within, _ = shapely_answers(units, codes, [r[6] for r in inside], [r[7] for r in inside])
    assert len(inside) > 3000
    for row, found in zip(inside, within):
        assert found == [row[2]], row
        area = parent[row[2]]
        assert (row[3], row[4], row[5]) == (area, parent[area], parent[parent[area]]), row
    assert all(r[2:6] == [None] * 4 for r in read["rows"] if r[1] in ("outside", "no_location"))
    check = subprocess.run(["/usr/bin/python3", "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py", "-k", str(db)],
                           capture_output=True, text=True)
    assert check.returncode == 0 and not check.stdout.strip(), check.stdout + check.stderr
