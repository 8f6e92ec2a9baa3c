"""The write routes of `gridplan serve` as a hotline system uses them: a case handed over with a
bearer token is stored, assigned to the grid shapely finds its point in, and dispatched; without
a token nothing is written; a retry changes nothing; bad bodies are refused naming the field."""
import json
import re
import sqlite3
import subprocess
import urllib.error
import urllib.request

import pytest
import shapely

from conftest import ROOT, start_server

TOKEN = "hotline-0123456789abcdef"
OTHER = "gridder-app-0123456789ab"


@pytest.fixture(scope="module")
def writable(gridplan, gridplan_binary, rostered, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-write")
    db = folder / "plan.gpkg"
    db.write_bytes(rostered[0].read_bytes())
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    tokens = folder / "tokens"
    tokens.write_text(f"# the hotline platform\n{TOKEN} 12345 热线平台\n{OTHER}\n")
    url, process = start_server(gridplan_binary, db, "--token-file", str(tokens))
    yield url, db, rostered
    process.kill()
    process.wait(10)


def post(url, path, body, token=TOKEN):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url + path.lstrip("/"), data=data, method="POST",
                                     headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def count(db):
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM cases").fetchone()[0]


def test_no_token_no_write(writable):
    url, db, _ = writable
    before = count(db)
    for token in [None, "wrong-token-0123456789"]:
        status, body = post(url, "/api/cases", {"id": "T0", "lon": 110.37, "lat": 21.265}, token=token)
        assert status == 401 and "token" in body["error"]
    assert count(db) == before


def test_a_case_is_stored_assigned_and_dispatched_once(writable):
    url, db, rostered = writable
    _, polygons, codes, bases = rostered
    # A point inside a unit that has a primary gridder, as the hotline's app sends it (GCJ-02 offset added by shapely's side: none; CGCS2000).
    polygon, code = polygons[3], codes[3]
    p = polygon.representative_point()
    case = {"id": "HL-2024-0001", "lon": p.x, "lat": p.y, "crs": "cgcs2000", "reported_at": "2024年7月1日 08:30",
            "category": "0101", "severity": "一般"}
    status, answer = post(url, "/api/cases", case)
    assert status == 201 and answer["created"] is True
    assert answer["unit_code"] == code and shapely.contains(polygon, p)
    assert answer["dispatch"]["dispatched"] is True and answer["dispatch"]["grid"] == code
    # The same request again (a retry): 200, nothing new.
    before = count(db)
    status, again = post(url, "/api/cases", case)
    assert status == 200 and again["created"] is False and again["fid"] == answer["fid"] and count(db) == before
    # The gridder accepts nothing further here: dispatched → handled, with actor and note, as the CLI would record it.
    status, moved = post(url, f"/api/cases/{case['id']}/transitions", {"to": "handled", "actor": "G3", "note": "已处理"})
    assert status == 200 and moved["from"] == "dispatched" and moved["to"] == "handled"
    status, refused = post(url, f"/api/cases/{case['id']}/transitions", {"to": "reported", "actor": "G3"})
    assert status == 409 and refused["kind"] == "conflict"
    # Who did it: the token's holder, then the body's actor; a token without a name is "token N" (its line).
    status, _ = post(url, f"/api/cases/{case['id']}/transitions", {"to": "checked"}, token=OTHER)
    assert status == 200
    with sqlite3.connect(db) as con:
        actors = [r[0] for r in con.execute(
            "SELECT t.actor FROM case_transitions t JOIN cases c ON c.fid = t.case_fid WHERE c.external_id = ? ORDER BY t.id", (case["id"],))]
    assert actors == ["12345 热线平台", "12345 热线平台/G3", "token 3"]


def test_a_case_beyond_the_layers_extent_widens_it(writable):
    """The cases layer's recorded extent (gpkg_contents, what QGIS and GDAL zoom to) takes in a case
    the hotline sends from beyond it, as GDAL reads it back."""
    url, db, _ = writable
    with sqlite3.connect(db) as con:
        before = con.execute("SELECT max_x, max_y FROM gpkg_contents WHERE table_name = 'cases'").fetchone()
    far = (110.61, 21.43)
    assert before[0] is None or before[0] < far[0] or before[1] < far[1]
    status, _ = post(url, "/api/cases", {"id": "HL-FAR-1", "lon": far[0], "lat": far[1], "category": "0101"})
    assert status == 201
    with sqlite3.connect(db) as con:
        min_x, min_y, max_x, max_y = con.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'cases'").fetchone()
    assert min_x <= far[0] <= max_x and min_y <= far[1] <= max_y
    info = subprocess.run(["ogrinfo", "-so", "-ro", str(db), "cases"], capture_output=True, text=True, check=True).stdout
    extent = re.search(r"Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)", info)
    x0, y0, x1, y1 = map(float, extent.groups())
    assert x0 <= far[0] <= x1 and y0 <= far[1] <= y1


def test_an_address_alone_is_placed_by_the_gazetteer(writable):
    url, _, _ = writable
    status, answer = post(url, "/api/cases", {"id": "HL-ADDR-1", "address": "赤坎区中华街道中华社区附近", "severity": "重要"})
    assert status == 201 and answer["geocode"]["level"] in ("community", "street", "road", "address", "poi", "building")
    assert answer["assign_status"] in ("inside", "boundary", "snapped")


def test_bad_bodies_name_the_field_and_write_nothing(writable):
    url, db, _ = writable
    before = count(db)
    status, body = post(url, "/api/cases", {"lon": 110.37, "lat": 21.265})
    assert status == 422 and body["source"]["field"] == "id"
    status, body = post(url, "/api/cases", {"id": "X1", "lon": 110.37, "lat": 21.265, "reported_at": "2024-02-30 08:00"})
    assert status == 422 and body["source"]["field"] == "reported_at"
    status, body = post(url, "/api/cases", {"id": "X2", "lon": "east", "lat": 21.265})
    assert status == 422 and body["source"]["field"] == "lon"
    status, body = post(url, "/api/cases", b"{" + b" " * 70_000 + b"}")
    assert status == 413, body
    assert count(db) == before
    # SQL in an id is data.
    status, answer = post(url, "/api/cases", {"id": "x'); DROP TABLE cases;--", "lon": 110.37, "lat": 21.265})
    assert status == 201 and count(db) == before + 1


def test_listening_beyond_loopback_needs_a_token_file(gridplan, sample_plan):
    result = gridplan("serve", "--db", sample_plan, "--host", "0.0.0.0", "--port", "0", check=False)
    assert result.returncode == 2 and "--token-file" in result.stderr


@pytest.mark.parametrize("field, value, words", [
    ("category", "123", "2, 4 or 6 digits"),
    ("category", "", "empty"),
    ("channel", "12345\n热线", "control character"),
    ("channel", "x" * 33, "over 32"),
    ("address", "赤坎区" * 200, "over 500"),
])
def test_text_fields_are_checked_and_named(writable, field, value, words):
    url, db, _ = writable
    before = count(db)
    status, body = post(url, "/api/cases", {"id": "CHK-1", "lon": 110.37, "lat": 21.265, field: value})
    assert status == 422 and body["source"]["field"] == field and words in body["error"], body
    assert count(db) == before
