"""Commands that read a plan, run on a plan copied to a real PostgreSQL 15 + PostGIS server (started by
this module on a private port): the answers must be the GeoPackage's, byte for byte."""
import csv
import json
import random
import sqlite3
import subprocess

import pytest
import shapely

from conftest import PSQL, ROOT, clone, database, psql, server_lines


@pytest.fixture(scope="module")
def history_plan(gridplan, rostered, tmp_path_factory):
    """The rostered sample whose last twenty unit grids end on 2030-01-01 (a unit import with --replace
    that leaves them out): a plan with history, so that --at chooses between two plans; with the sample's
    5,000 cases of 2024, dispatched, and the sample gazetteer."""
    db, _, _, _ = rostered
    folder = tmp_path_factory.mktemp("postgis-read")
    plan = folder / "plan.gpkg"
    clone(db, plan)
    units = folder / "units.geojson"
    gridplan("export", "--db", plan, "--level", "unit", "--format", "geojson", "--out", units)
    collection = json.loads(units.read_text())
    (folder / "ended_units.geojson").write_text(json.dumps(collection["features"][-20:], ensure_ascii=False))
    collection["features"] = collection["features"][:-20]
    units.write_text(json.dumps(collection, ensure_ascii=False))
    gridplan("import", units, "--db", plan, "--level", "unit", "--valid-from", "2030-01-01", "--replace")
    gridplan("cases", "import", ROOT / "GeoData" / "chikan" / "cases_2024.csv", "--db", plan, "--crs", "gcj02",
             "--rejects", folder / "rejects.csv", check=False)
    gridplan("cases", "dispatch", "--db", plan, "--all-new", "--now", "2024-12-31 09:00", check=False)
    gridplan("gazetteer", "import", "--defaults", "--db", plan)
    return plan


@pytest.fixture(scope="module")
def on_server(gridplan, server, history_plan):
    gridplan("copy", "--from", history_plan, "--to", server[0])
    return server[0]


def points(gridplan, plan, count, seed):
    """Points inside, on the edges and vertices of, and around the plan's unit grids (CGCS2000)."""
    with sqlite3.connect(plan) as con:
        minx, miny, maxx, maxy = con.execute(
            "SELECT min(minx), min(miny), max(maxx), max(maxy) FROM rtree_grids_geom").fetchone()
    rng = random.Random(seed)
    pad = 0.01
    out = [(rng.uniform(minx - pad, maxx + pad), rng.uniform(miny - pad, maxy + pad)) for _ in range(count)]
    units_file = plan.parent / "current_units.geojson"
    gridplan("export", "--db", plan, "--level", "unit", "--format", "geojson", "--out", units_file)
    units = json.loads(units_file.read_text())["features"]
    for f in rng.sample(units, 4):
        ring = shapely.geometry.shape(f["geometry"]).geoms[0].exterior if f["geometry"]["type"] == "MultiPolygon" \
            else shapely.geometry.shape(f["geometry"]).exterior
        out.append(ring.coords[0])                                  # a vertex
        out.append(ring.interpolate(0.5, normalized=True).coords[0])  # on an edge
    return out


def test_who_covers_answers_on_postgis_as_on_the_file(gridplan, history_plan, on_server):
    """The same question, with and without --at (the plan before the last twenty units ended, and the
    plan after), inside, on boundaries, snapped and outside: the same JSON from both databases."""
    asked = 0
    for lon, lat in points(gridplan, history_plan, 10, seed=7):
        for at in ["2029-06-01", "2030-06-01"]:
            args = ["who-covers", "--lon", repr(lon), "--lat", repr(lat), "--at", at, "--json"]
            from_file = gridplan(*args, "--db", history_plan).stdout
            from_server = gridplan(*args, "--db", on_server).stdout
            assert from_server == from_file, (lon, lat, at)
            asked += 1
    assert asked == 36


def test_the_server_plan_has_history_and_people(server, on_server):
    """What the answers above rest on is really on the server: ended grids and on-duty primaries."""
    ended = int(psql(server, "SELECT count(*) FROM grids WHERE valid_to = DATE '2030-01-01'")[0][0])
    units_now = int(psql(server, "SELECT count(*) FROM grids WHERE valid_to IS NULL AND level = (SELECT max(level) FROM grids)")[0][0])
    primaries = int(psql(server, "SELECT count(*) FROM duties WHERE role = 'primary'")[0][0])
    assert ended >= 20 and units_now == 565 and primaries > 500, (ended, units_now, primaries)


def test_addresses_are_placed_on_postgis_as_in_the_file(gridplan, history_plan, on_server):
    """Address questions: the gazetteer read from the server places them as the file's does (the
    sample's case addresses, with POI words and 附近/对面, an address with a road that does not exist,
    one with nothing known), and `geocode address` agrees too."""
    with open(ROOT / "GeoData" / "chikan" / "cases_2024.csv", encoding="utf-8") as f:
        addresses = [row["address"] for row, _ in zip(csv.DictReader(f), range(6))]
    addresses += ["赤坎区海滨路12号", "广东省湛江市赤坎区火星路1号", "南方路", "寸金桥公园"]
    placed = 0
    for address in addresses:
        args = ["who-covers", "--address", address, "--at", "2024-06-01", "--json"]
        from_file, from_server = gridplan(*args, "--db", history_plan, check=False), gridplan(*args, "--db", on_server, check=False)
        assert (from_server.returncode, from_server.stdout) == (from_file.returncode, from_file.stdout), address
        placed += from_file.returncode == 0
    assert placed >= 6
    one = ["geocode", "address", "赤坎区海滨路12号", "--json"]
    assert gridplan(*one, "--db", on_server).stdout == gridplan(*one, "--db", history_plan).stdout


def test_a_database_without_a_plan_is_named_and_left_unchanged(gridplan, server):
    """A read never creates anything on the server (no CREATE EXTENSION in someone's database)."""
    psql(server, "CREATE DATABASE bare")
    url = server[0].rsplit("/", 1)[0] + "/bare"
    result = gridplan("who-covers", "--db", url, "--lon", "110.36", "--lat", "21.27", check=False)
    assert result.returncode == 2 and "no gridplan plan" in result.stderr, result.stderr
    assert "gridplan:gridplan@" not in result.stderr
    _, folder, port = server
    extensions = subprocess.run([PSQL, "-X", "-A", "-t", "-h", folder, "-p", str(port), "-U", "gridplan",
                                 "-d", "bare", "-c", "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"],
                                capture_output=True, text=True, check=True).stdout.strip()
    assert extensions == "0"


def test_a_plan_copied_by_another_release_is_refused(gridplan, server, on_server):
    psql(server, "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
    try:
        result = gridplan("who-covers", "--db", on_server, "--lon", "110.36", "--lat", "21.27", check=False)
        assert result.returncode == 2 and "newer gridplan" in result.stderr, result.stderr
    finally:
        psql(server, "DELETE FROM grdb_migrations WHERE identifier = 'v99: from the future'")


@pytest.mark.parametrize("args", [
    ["summary"], ["summary", "--json"], ["stats", "--json"], ["stats", "--level", "unit"], ["versions"], ["versions", "--json"],
    ["cases", "stats"], ["cases", "stats", "--level", "community", "--json"], ["cases", "stats", "--from", "2024-03-01", "--to", "2024-06-01"],
    ["cases", "query", "--bbox", "110.35,21.25,110.40,21.30", "--format", "csv"],
    ["cases", "query", "--near", "110.37,21.27", "--radius", "500", "--json"],
    ["cases", "query", "--near", "110.37,21.27", "--nearest", "10"],
    ["cases", "query", "--grid", "440802005", "--limit", "20", "--format", "csv"],
    ["cases", "query", "--category", "01", "--from", "2024-05-01", "--format", "csv"],
    ["cases", "query", "--status", "dispatched", "--limit", "5"],
    ["people", "list", "--at", "2024-06-01"], ["people", "list", "--json"],
    ["load"], ["load", "--json"], ["load", "--level", "area"],
])
def test_reading_commands_print_on_postgis_what_they_print_on_the_file(gridplan, history_plan, on_server, args):
    from_file = gridplan(*args, "--db", history_plan).stdout.replace(str(history_plan), "PLAN")
    from_server = gridplan(*args, "--db", on_server).stdout.replace(on_server.replace("gridplan:gridplan@", "gridplan@"), "PLAN")
    assert from_server == from_file and len(from_file) > 100


def test_assign_and_export_write_on_postgis_the_files_they_write_from_the_file(gridplan, history_plan, on_server, tmp_path):
    rng = random.Random(11)
    with sqlite3.connect(history_plan) as con:
        minx, miny, maxx, maxy = con.execute("SELECT min(minx), min(miny), max(maxx), max(maxy) FROM rtree_grids_geom").fetchone()
    points = tmp_path / "points.csv"
    points.write_text("id,lon,lat\n" + "".join(f"{i},{rng.uniform(minx, maxx)!r},{rng.uniform(miny, maxy)!r}\n" for i in range(5000)))
    outputs = {}
    for name, db in [("file", history_plan), ("server", on_server)]:
        assigned, exported = tmp_path / f"assigned_{name}.csv", tmp_path / f"areas_{name}.geojson"
        gridplan("assign", points, "--crs", "cgcs2000", "--db", db, "--out", assigned)
        gridplan("export", "--db", db, "--level", "area", "--format", "geojson", "--out", exported)
        outputs[name] = (assigned.read_bytes(), exported.read_bytes())
    assert outputs["server"] == outputs["file"]
    statuses = [line.split(",")[3] for line in outputs["file"][0].decode().splitlines()[1:]]
    assert statuses.count("inside") > 1000 and statuses.count("outside") > 100


def test_plan_diff_on_postgis_as_on_the_file(gridplan, server, history_plan, tmp_path):
    """`plan diff` across the day the last twenty units ended: the same report (text and JSON) from both, and
    the same pieces written to each one's `plan_changes` layer (their geometry as WKB)."""
    plan = clone(history_plan, tmp_path / "plan.gpkg")
    url = database(server, "diffs")
    gridplan("copy", "--from", plan, "--to", url)
    for extra in ([], ["--json"]):
        args = ["plan", "diff", "--from", "2029-06-01", "--to", "2030-06-01", *extra]
        assert gridplan(*args, "--db", url).stdout == gridplan(*args, "--db", plan).stdout
    with sqlite3.connect(plan) as con:
        rows = con.execute("SELECT change, level, grid, coalesce(other_grid, ''), round(area_m2, 3), geom FROM plan_changes").fetchall()
    on_file = sorted("|".join([c, str(lv), g, o, f"{a:.3f}", blob[8 + [0, 32, 48, 48, 64][(blob[3] >> 1) & 7]:].hex()])
                     for c, lv, g, o, a, blob in rows)
    on_server = sorted(server_lines(server, url, "SELECT concat_ws('|', change, level, grid, coalesce(other_grid, ''), "
                                                 "to_char(round(area_m2::numeric, 3), 'FM999999990.000'), encode(ST_AsBinary(geom), 'hex')) "
                                                 "FROM plan_changes"))
    assert len(on_file) >= 20 and on_server == on_file
