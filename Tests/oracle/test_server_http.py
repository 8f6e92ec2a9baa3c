"""HTTP basics of `gridplan serve`, asked the way other systems and browsers ask: health and version,
HEAD, bbox on the grid layers (checked with shapely), raw UTF-8 in the query (sent byte for byte on
a socket, as curl does), CORS, ETag/304, and Leaflet served from the binary (compared with Debian's
file)."""
import gzip
import http.client
import json
import re
import sqlite3
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from conftest import ROOT, start_server
from test_server import get

LEAFLET = Path("/usr/share/javascript/leaflet/leaflet.min.js")
ORIGIN = "https://hotline.example"
CASES = ROOT / "GeoData" / "chikan" / "cases_2024.csv"


@pytest.fixture(scope="module")
def served(gridplan, gridplan_binary, rostered, tmp_path_factory):
    """A server on the rostered sample with the gazetteer, allowing one CORS origin."""
    db = tmp_path_factory.mktemp("http") / "plan.gpkg"
    db.write_bytes(rostered[0].read_bytes())
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    gridplan("cases", "import", CASES, "--db", db, "--crs", "cgcs2000")
    url, process = start_server(gridplan_binary, db, "--cors-origin", ORIGIN)
    yield url, db
    process.kill()
    process.wait(10)


def request(url, method, path, headers=None):
    """One request with http.client (no redirects, HEAD allowed): status, headers, body."""
    u = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def raw(url, data):
    """Sends bytes exactly as given and reads until the server closes: the raw HTTP response text."""
    u = urllib.parse.urlparse(url)
    with socket.create_connection((u.hostname, u.port), timeout=60) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_health_and_version(served, gridplan):
    url, _ = served
    status, kind, body = get(url, "/api/health")
    assert status == 200 and kind.startswith("application/json") and json.loads(body)["status"] == "ok"
    status, _, body = get(url, "/api/version")
    version = json.loads(body)
    assert status == 200
    assert f"gridplan {version['gridplan']}" == gridplan("--version").stdout.splitlines()[0]
    assert version["leaflet"] and set(version["libraries"]) == {"GEOS", "PROJ", "GDAL", "SQLite"}


@pytest.mark.parametrize("path", ["/", "/api/health", "/api/grids?level=street", "/assets/leaflet/leaflet.css"])
def test_head_is_answered_wherever_get_is(served, path):
    url, _ = served
    status, headers, body = request(url, "GET", path)
    head_status, head_headers, head_body = request(url, "HEAD", path)
    assert status == head_status == 200 and head_body == b""
    assert head_headers["content-type"] == headers["content-type"]
    assert int(head_headers.get("content-length", len(body))) == len(body)


def test_bbox_keeps_the_grids_whose_envelope_meets_it(served, rostered):
    url, _ = served
    _, polygons, codes, _ = rostered
    box = (110.35, 21.26, 110.37, 21.28)
    status, _, body = get(url, "/api/grids", level="unit", bbox=",".join(map(str, box)))
    assert status == 200
    got = {f["properties"]["code"] for f in json.loads(body)["features"]}
    envelope = shapely.box(*box)
    want = {c for p, c in zip(polygons, codes) if shapely.box(*p.bounds).intersects(envelope)}
    assert got == want and 0 < len(got) < len(codes)
    for bad in ["1,2,3", "a,b,c,d", "110.4,21.2,110.3,21.3", "1,2,3,nan"]:
        status, _, body = get(url, "/api/grids", level="unit", bbox=bad)
        assert status == 400 and "bbox" in json.loads(body)["error"]


def test_raw_utf8_in_the_query_equals_percent_encoding(served):
    url, _ = served
    address = "广东省湛江市赤坎区中华街道中华社区附近"
    _, _, encoded = get(url, "/api/who-covers", address=address, at="2024-07-01")
    host = urllib.parse.urlparse(url).netloc.encode()
    target = b"/api/who-covers?address=" + address.encode() + b"&at=2024-07-01"
    response = raw(url, b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    assert json.loads(body) == json.loads(encoded)
    # Two requests on one kept-alive connection, both raw: the second is framed and read too.
    pipelined = (b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n"
                 + b"GET /api/who-covers?address=" + "湛江市赤坎区幸福巷3号".encode() + b" HTTP/1.1\r\nHost: " + host
                 + b"\r\nConnection: close\r\n\r\n")
    response = raw(url, pipelined)
    assert response.count(b"HTTP/1.1 200") == 2 and "幸福巷3号".encode() in response
    # A body is passed on as it is (its UTF-8 is not a request line): after a POST with a body,
    # the next request on the connection is still read from its first byte.
    body = "地址=赤坎区".encode()
    response = raw(url, b"POST /api/health HTTP/1.1\r\nHost: " + host + b"\r\nContent-Length: " + str(len(body)).encode()
                   + b"\r\n\r\n" + body + b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
    statuses = re.findall(rb"HTTP/1.1 (\d+)", response)
    assert len(statuses) == 2 and statuses[1] == b"200", response[:300]


def test_cors_for_the_allowed_origin(served):
    url, _ = served
    status, headers, _ = request(url, "GET", "/api/health", {"Origin": ORIGIN})
    assert status == 200 and headers["access-control-allow-origin"] == ORIGIN
    status, headers, _ = request(url, "OPTIONS", "/api/who-covers",
                                 {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
    assert status in (200, 204) and headers["access-control-allow-origin"] == ORIGIN
    assert "GET" in headers["access-control-allow-methods"]


def test_no_cors_headers_without_the_option(served, gridplan_binary):
    _, db = served
    url, process = start_server(gridplan_binary, db)
    try:
        _, headers, _ = request(url, "GET", "/api/health", {"Origin": ORIGIN})
        assert "access-control-allow-origin" not in headers
    finally:
        process.kill()
        process.wait(10)


def test_grid_layers_carry_an_etag_and_answer_304(served):
    url, _ = served
    status, headers, body = request(url, "GET", "/api/grids?level=community")
    etag = headers["etag"]
    assert status == 200 and etag.startswith('"') and "no-cache" in headers["cache-control"]
    assert headers["content-type"] == "application/geo+json" and len(json.loads(body)["features"]) == 47
    status, headers, body = request(url, "GET", "/api/grids?level=community", {"If-None-Match": etag})
    assert status == 304 and body == b"" and headers["etag"] == etag
    status, _, _ = request(url, "GET", "/api/grids?level=community", {"If-None-Match": 'W/' + etag})
    assert status == 304
    status, _, body = request(url, "GET", "/api/grids?level=community", {"If-None-Match": '"other"'})
    assert status == 200 and body
    _, other, _ = request(url, "GET", "/api/grids?level=street")
    assert other["etag"] != etag


@pytest.mark.skipif(not LEAFLET.exists(), reason="Debian's libjs-leaflet is not installed")
def test_leaflet_comes_from_the_binary_byte_for_byte(served):
    url, _ = served
    status, headers, body = request(url, "GET", "/assets/leaflet/leaflet.min.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript") and body == LEAFLET.read_bytes()
    status, _, _ = request(url, "GET", "/assets/leaflet/leaflet.min.js", {"If-None-Match": headers["etag"]})
    assert status == 304
    status, headers, body = request(url, "GET", "/assets/leaflet/images/layers.png")
    assert status == 200 and headers["content-type"] == "image/png" and body[:4] == b"\x89PNG"


def test_case_clusters_hold_every_case_in_the_box_once(served):
    url, _ = served
    cases = pd.read_csv(CASES)
    box, cell = (110.33, 21.22, 110.39, 21.29), 0.004
    status, _, body = get(url, "/api/map/cases", bbox=",".join(map(str, box)), cell=str(cell))
    answer = json.loads(body)
    inside = cases[cases.lon.between(box[0], box[2]) & cases.lat.between(box[1], box[3])]
    assert status == 200 and answer["total"] == len(inside) == sum(c["n"] for c in answer["clusters"]) > 0
    # Each cluster is the mean of the cases of its cell, and the cells are disjoint.
    cx = np.floor((inside.lon - box[0]) / cell).astype(int)
    cy = np.floor((inside.lat - box[1]) / cell).astype(int)
    groups = inside.groupby([cx, cy])
    assert len(answer["clusters"]) == len(groups)
    # A cluster's mean lies in its own cell (a cell is convex): key both by cell.
    want = {key: (len(g), g.lon.mean(), g.lat.mean()) for key, g in groups}
    got = {(int((c["lon"] - box[0]) // cell), int((c["lat"] - box[1]) // cell)): c for c in answer["clusters"]}
    assert got.keys() == want.keys()
    for key, (n, lon, lat) in want.items():
        assert got[key]["n"] == n and abs(got[key]["lon"] - lon) < 1e-9 and abs(got[key]["lat"] - lat) < 1e-9
    single = next(c for c in answer["clusters"] if c["n"] == 1)
    assert single["id"] in set(inside.id) and single["status"]
    for bad in [dict(cell="0"), dict(cell="0.0000001"), dict(cell="x")]:
        status, _, body = get(url, "/api/map/cases", bbox=",".join(map(str, box)), **bad)
        assert status == 400 and "cell" in json.loads(body)["error"]


def test_case_counts_per_grid_equal_shapely(served, rostered):
    url, db = served
    _, polygons, codes, _ = rostered
    # Every case the served plan holds (the sample, and whatever other tests added to the shared roster plan).
    with sqlite3.connect(db) as con:
        cases = pd.read_sql_query("SELECT lon, lat FROM cases_with_grids WHERE unit_code IS NOT NULL", con)   # in a grid
    status, _, body = get(url, "/api/map/case-counts", level="unit")
    counts = json.loads(body)
    assert status == 200 and counts["total"] == len(cases) >= len(pd.read_csv(CASES))
    points = shapely.points(cases.lon.to_numpy(), cases.lat.to_numpy())
    rng = np.random.default_rng(3)
    for i in rng.choice(len(polygons), 12, replace=False):
        inside = int(shapely.covers(polygons[i], points).sum())
        assert counts["grids"].get(codes[i], {"total": 0})["total"] == inside


def test_gzip_when_the_client_takes_it(served):
    url, _ = served
    path = "/api/grids?level=unit"
    status, plain_headers, plain = request(url, "GET", path)
    assert status == 200 and "content-encoding" not in plain_headers and "Accept-Encoding" in plain_headers["vary"]
    status, headers, zipped = request(url, "GET", path, {"Accept-Encoding": "gzip, deflate"})
    assert status == 200 and headers["content-encoding"] == "gzip" and len(zipped) < len(plain) / 4
    assert gzip.decompress(zipped) == plain                                  # Python's own zlib reads it back
    assert headers["etag"] != plain_headers["etag"]                          # one ETag per representation
    for etag in (headers["etag"], plain_headers["etag"]):
        status, _, _ = request(url, "GET", path, {"Accept-Encoding": "gzip", "If-None-Match": etag})
        assert status == 304
    _, refused, _ = request(url, "GET", path, {"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused
    _, png, body = request(url, "GET", "/assets/leaflet/images/layers.png", {"Accept-Encoding": "gzip"})
    assert "content-encoding" not in png and body[:4] == b"\x89PNG"


def test_idle_connections_do_not_stop_others_being_answered(served):
    """Three hundred clients connect and send nothing (a slow-loris); a question is still answered at once."""
    import socket
    import time
    url, _ = served
    host, port = re.match(r"http://([^:/]+):(\d+)/", url).groups()
    idle = []
    try:
        for _ in range(300):
            s = socket.create_connection((host, int(port)), timeout=5)
            idle.append(s)
        t0 = time.perf_counter()
        status, _, body = get(url, "/api/health")
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert time.perf_counter() - t0 < 2
    finally:
        for s in idle:
            s.close()


def test_sigterm_lets_answers_in_flight_finish(gridplan_binary, rostered, tmp_path):
    """SIGTERM while clients are asking: every request that got an answer got a whole one, and the
    server exits cleanly (status 0)."""
    import signal
    import threading
    import time
    db = tmp_path / "plan.gpkg"
    db.write_bytes(rostered[0].read_bytes())
    url, process = start_server(gridplan_binary, db)
    _, polygons, _, _ = rostered
    p = polygons[0].representative_point()
    results = []

    def ask():
        while process.poll() is None:
            try:
                status, _, body = get(url, "/api/who-covers", lon=repr(p.x), lat=repr(p.y))
            except (OSError, http.client.HTTPException):
                return                     # refused once the server stopped listening: fine
            results.append((status, json.loads(body)["status"]))      # a cut answer fails here
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    for t in threads:
        t.join(30)
    assert results and all(status == 200 and answer in ("inside", "boundary") for status, answer in results)


def test_the_request_log_names_method_path_status_and_duration(gridplan_binary, rostered, tmp_path):
    db = tmp_path / "plan.gpkg"
    db.write_bytes(rostered[0].read_bytes())
    tokens = tmp_path / "tokens"
    tokens.write_text("log-test-token-0123456789 duty-desk\n")
    url, process = start_server(gridplan_binary, db, "--log-requests", "--token-file", tokens)
    try:
        assert get(url, "/api/health")[0] == 200
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(url + "api/grids/NOPE", timeout=30)
        request = urllib.request.Request(url + "api/cases/NOPE/dispatch", data=b"{}", method="POST",
                                         headers={"Authorization": "Bearer log-test-token-0123456789"})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=30)
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert re.search(r"GET /api/health 200 [0-9.]+ ms\n", err), err
    assert re.search(r"GET /api/grids/NOPE 404 [0-9.]+ ms", err), err
    assert re.search(r"POST /api/cases/NOPE/dispatch 404 [0-9.]+ ms by duty-desk", err), err
    assert "log-test-token" not in err
