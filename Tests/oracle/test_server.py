"""`gridplan serve` as a user runs it: a real process on a real port, asked over HTTP.

Which grid: shapely. The grid layer: GDAL reading the GeoPackage. The answers: identical to
`gridplan who-covers --json` for the same question."""
import json
import re
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import shapely

from conftest import ROOT, start_server


@pytest.fixture(scope="module")
def server(gridplan, gridplan_binary, rostered, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    db = folder / "plan.gpkg"
    db.write_bytes(rostered[0].read_bytes())
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    url, process = start_server(gridplan_binary, db)
    yield url, db, process
    if process.poll() is None:
        process.kill()
        process.wait(10)


def get(url, path, **query):
    full = url + path.lstrip("/") + ("?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote) if query else "")
    try:
        with urllib.request.urlopen(full, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def cli(gridplan, db, *args):
    return json.loads(gridplan("who-covers", "--db", db, "--json", *args).stdout)


def test_answers_equal_the_command_line_and_shapely(gridplan, server, rostered):
    url, db, _ = server
    _, polygons, codes, _ = rostered
    rng = np.random.default_rng(5)
    for i in rng.choice(len(polygons), 8, replace=False):
        x, y = (lambda p: (p.x, p.y))(polygons[i].representative_point())
        status, kind, body = get(url, "/api/who-covers", lon=repr(float(x)), lat=repr(float(y)), at="2024-07-01")
        assert status == 200 and kind.startswith("application/json")
        answer = json.loads(body)
        holding = [c for p, c in zip(polygons, codes) if p.covers(shapely.Point(x, y))]
        assert answer["chain"][0]["code"] == min(holding)
        assert answer == cli(gridplan, db, "--lon", repr(float(x)), "--lat", repr(float(y)), "--at", "2024-07-01")
    address = "广东省湛江市赤坎区中华街道中华社区附近"
    status, _, body = get(url, "/api/who-covers", address=address, at="2024-07-01")
    assert status == 200
    answer = json.loads(body)
    assert answer["geocode"]["level"] == "community"
    assert answer == cli(gridplan, db, "--address", address, "--at", "2024-07-01")


def test_refusals_carry_the_reason(server):
    url, _, _ = server
    status, _, body = get(url, "/api/who-covers", address="北京市朝阳区某某路1号")
    assert status == 404 and "no place found" in json.loads(body)["error"]
    status, _, body = get(url, "/api/who-covers", lon="110.3")
    assert status == 400 and "give lon and lat" in json.loads(body)["error"]
    status, _, body = get(url, "/api/grids", level="parcel")
    assert status == 400 and "parcel" in json.loads(body)["error"]


def test_grid_layer_equals_what_gdal_reads_from_the_geopackage(server, tmp_path):
    url, db, _ = server
    status, _, body = get(url, "/api/grids", level="unit")
    assert status == 200
    served = {f["properties"]["code"]: shapely.geometry.shape(f["geometry"]) for f in json.loads(body)["features"]}
    out = tmp_path / "units.geojson"
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(out), str(db), "grids", "-where", "level = 4 AND valid_to IS NULL"],
                   check=True, capture_output=True)
    gdal = {f["properties"]["code"]: shapely.geometry.shape(f["geometry"]) for f in json.loads(out.read_text())["features"]}
    assert len(served) == len(gdal) == 585 and served.keys() == gdal.keys()
    assert all(served[c].equals_exact(gdal[c], 1e-9) or served[c].equals(gdal[c]) for c in gdal)


def test_the_map_page_and_many_callers_at_once(server, rostered):
    url, _, _ = server
    status, kind, body = get(url, "/")
    page = body.decode()
    assert status == 200 and kind.startswith("text/html") and "/api/who-covers" in page
    # offline: scripts and styles come from the server itself (Leaflet under /assets/), nothing from outside
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"?(https?:)?//", page)
    _, polygons, codes, _ = rostered
    points = [p.representative_point() for p in polygons[:40]]

    def ask(i):
        status, _, body = get(url, "/api/who-covers", lon=repr(points[i].x), lat=repr(points[i].y))
        return status, json.loads(body)["chain"][0]["code"]

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, range(len(points))))
    assert answers == [(200, c) for c in codes[:40]]


def test_sigterm_stops_the_server_cleanly(gridplan_binary, rostered, tmp_path):
    db = tmp_path / "plan.gpkg"
    db.write_bytes(rostered[0].read_bytes())
    process = subprocess.Popen([gridplan_binary, "serve", "--db", str(db), "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert "serving" in line
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0


def test_a_missing_plan_is_refused(gridplan, tmp_path):
    result = gridplan("serve", "--db", tmp_path / "nope.gpkg", "--port", "0", check=False)
    assert result.returncode == 2 and "nope.gpkg: no such plan" in result.stderr


def test_grid_layer_figures_match_shapely_and_pyproj(gridplan, server, rostered):
    """The unit layer's figures: case counts against shapely's point-in-polygon over the cases
    imported while the server runs, areas against pyproj's geodesic area, primaries against the
    roster."""
    from pyproj import Geod
    url, db, _ = server
    _, polygons, codes, _ = rostered
    rng = np.random.default_rng(14)
    west, south, east, north = shapely.unary_union(polygons).bounds
    district = shapely.unary_union(polygons)
    # inside the district, or well away from it (gridplan snaps points up to 30 m outside to the nearest grid)
    points = [p for p in (shapely.Point(x, y) for x, y in zip(rng.uniform(west, east, 900), rng.uniform(south, north, 900)))
              if district.contains(p) or district.distance(p) > 0.001]
    statuses = ["accepted", "dispatched", "closed", "feedback"]
    lines = ["id,reported_at,category,status,lon,lat"]
    lines += [f"F{i},2024-05-0{1 + i % 9} 09:00:00,0101,{statuses[i % 4]},{p.x!r},{p.y!r}" for i, p in enumerate(points)]
    csv = db.parent / "figures.csv"
    csv.write_text("\n".join(lines) + "\n")

    def figures():
        status, _, body = get(url, "/api/grids", level="unit")
        assert status == 200
        return {f["properties"]["code"]: f["properties"] for f in json.loads(body)["features"]}
    before = figures()  # other tests may have stored cases in the shared roster plan
    gridplan("cases", "import", csv, "--db", db, "--crs", "cgcs2000")
    served = figures()
    tree = shapely.STRtree(polygons)
    expected = {c: [0, 0] for c in codes}
    for i, p in enumerate(points):
        hits = [k for k in tree.query(p, predicate="within")]
        if len(hits) == 1:
            expected[codes[hits[0]]][0] += 1
            expected[codes[hits[0]]][1] += statuses[i % 4] not in ("closed", "feedback")
    assert sum(n for n, _ in expected.values()) > 300
    added = {c: [served[c]["cases"] - before[c]["cases"], served[c]["open_cases"] - before[c]["open_cases"]] for c in codes}
    assert added == expected
    geod = Geod(ellps="GRS80")
    for polygon, code in zip(polygons, codes):
        area = abs(geod.geometry_area_perimeter(polygon)[0])
        assert served[code]["area_m2"] == pytest.approx(area, rel=2e-3)
        assert served[code]["radius_m"] > 0 and served[code]["load"] >= 0
    assert [served[c]["primary"] for c in codes] == [f"G{i}" for i in range(len(codes) - 10)] + [None] * 10


def test_a_plan_without_grids_serves_empty_layers(gridplan, gridplan_binary, tmp_path):
    """A new plan with only its gazetteer: the layers are empty collections, not errors."""
    db = tmp_path / "new.gpkg"
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    url, process = start_server(gridplan_binary, db)
    try:
        status, _, body = get(url, "/api/grids", level="unit")
        assert status == 200 and json.loads(body)["features"] == []
    finally:
        process.kill()
        process.wait(10)
