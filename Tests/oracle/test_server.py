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
