"""Issue 20, the limits and parsing half, from the outside: numeric options refused as usage errors,
decimal-only coordinates, LIKE patterns that mean what they say, a NUL in GeoJSON refused by feature,
addresses over 500 characters refused or rejected by row (never a failed batch), PROJ strings in any
order, idle connections closed so that they cannot starve a server of file descriptors, and names and
phone numbers behind a token when the server listens beyond loopback."""
import csv
import json
import resource
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, start_server

STREETS = ROOT / "GeoData" / "chikan" / "streets.geojson"
LONG = "海滨路" * 200  # 600 characters


@pytest.fixture(scope="module")
def small_plan(gridplan, tmp_path_factory):
    """The sample's streets alone, with the sample gazetteer: commands on it start in well under a second."""
    db = tmp_path_factory.mktemp("limits") / "streets.gpkg"
    gridplan("import", STREETS, "--db", db, "--level", "street", "--crs", "cgcs2000")
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    return db


@pytest.mark.parametrize("args, words", [
    (["assign", "in.csv", "--db", "p.gpkg", "--out", "o.csv", "--snap-m", "nan"], "--snap-m nan"),
    (["assign", "in.csv", "--db", "p.gpkg", "--out", "o.csv", "--snap-m", "inf"], "--snap-m inf"),
    (["assign", "in.csv", "--db", "p.gpkg", "--out", "o.csv", "--snap-m", "1e308"], "--snap-m 1e+308"),
    (["cases", "import", "in.csv", "--db", "p.gpkg", "--batch-size", "0"], "--batch-size 0"),
    (["geocode", "in.csv", "--address-field", "a", "--db", "p.gpkg", "--out", "o.csv", "--batch-size", "0"], "--batch-size 0"),
    (["partition", "--db", "p.gpkg", "--barriers", "b", "--buildings", "b", "--level", "street", "--min-block-m2", "nan"], "--min-block-m2 nan"),
    (["who-covers", "--db", "p.gpkg", "--lon", "nan", "--lat", "21"], "--lon nan"),
    (["serve", "--db", "p.gpkg", "--idle-timeout", "0"], "--idle-timeout 0"),
    (["balance", "--db", "p.gpkg", "--within", "community", "1", "--time-limit", "inf"], "--time-limit inf"),
    (["coords", "--from-crs", "wgs84", "--to-crs", "cgcs2000", "--precision", "99"], "--precision 99"),
])
def test_numeric_options_out_of_range_are_wrong_option_values(gridplan, args, words):
    """Refused before anything runs, exit 2 as the README's exit table gives a wrong option value."""
    result = gridplan(*args, check=False)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr, result.stderr


def test_csv_coordinates_are_decimal_and_finite(gridplan, small_plan, tmp_path):
    db = tmp_path / "plan.gpkg"
    db.write_bytes(small_plan.read_bytes())
    source = tmp_path / "cases.csv"
    source.write_text("id,lon,lat\n1,110.36,21.27\n2,0x1p3,21.27\n3,nan,21.27\n4,110.36,inf\n5,1.1036e2,21.27\n")
    rejects = tmp_path / "rejects.csv"
    result = gridplan("cases", "import", source, "--db", db, "--crs", "cgcs2000", "--json", "--rejects", rejects, check=False)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert (report["rows"], report["inserted"], report["rejected"]) == (5, 2, 3)
    rows = list(csv.DictReader(rejects.open()))
    assert [(r["line"], r["id"]) for r in rows] == [("3", "2"), ("4", "3"), ("5", "4")]
    assert "'0x1p3'" in rows[0]["reason"] and "not numbers" in rows[0]["reason"]


def test_a_category_pattern_is_a_prefix_not_a_wildcard(gridplan, small_plan, tmp_path):
    db = tmp_path / "plan.gpkg"
    db.write_bytes(small_plan.read_bytes())
    source = tmp_path / "cases.csv"
    source.write_text("id,lon,lat,category\n1,110.36,21.27,0101\n2,110.36,21.27,01_1\n3,110.36,21.27,01%2\n4,110.36,21.27,0201\n")
    gridplan("cases", "import", source, "--db", db, "--crs", "cgcs2000")

    def ids(category):
        out = gridplan("cases", "query", "--db", db, "--category", category, "--format", "csv").stdout
        return sorted(r["id"] for r in csv.DictReader(out.splitlines()))

    assert ids("_") == []            # on main: every case
    assert ids("%") == []
    assert ids("01_") == ["2"]       # the underscore itself
    assert ids("01%") == ["3"]
    assert ids("01") == ["1", "2", "3"]


def test_a_nul_in_a_geojson_string_is_refused_by_feature(gridplan, tmp_path):
    features = json.loads(STREETS.read_text())
    features["features"][2]["properties"]["name"] = "南桥\u0000街道"
    source = tmp_path / "streets.geojson"
    source.write_text(json.dumps(features, ensure_ascii=False))
    result = gridplan("import", source, "--db", tmp_path / "p.gpkg", "--level", "street", "--crs", "cgcs2000", check=False)
    assert result.returncode == 2
    assert "feature 3, field name" in result.stderr and "NUL" in result.stderr


def test_addresses_over_500_characters(gridplan, small_plan, tmp_path):
    # One address (40,000 characters: an argument holds at most 128 KiB): refused with the reason, quickly.
    start = time.time()
    result = gridplan("geocode", "address", "海" * 40_000, "--db", small_plan, check=False)
    assert result.returncode == 2 and "40000 characters long, over the limit of 500" in result.stderr
    result = gridplan("who-covers", "--db", small_plan, "--address", LONG, check=False)
    assert result.returncode == 2 and "600 characters long, over the limit of 500" in result.stderr
    assert time.time() - start < 10
    # A row: rejected with its line and reason; the other rows are stored.
    db = tmp_path / "plan.gpkg"
    db.write_bytes(small_plan.read_bytes())
    source = tmp_path / "cases.csv"
    source.write_text(f"id,lon,lat,address\n1,110.36,21.27,海滨路12号\n2,,,{LONG}\n3,110.36,21.27,\n")
    rejects = tmp_path / "rejects.csv"
    result = gridplan("cases", "import", source, "--db", db, "--crs", "cgcs2000", "--json", "--rejects", rejects, check=False)
    report = json.loads(result.stdout)
    assert (report["rows"], report["inserted"], report["rejected"]) == (3, 2, 1)
    [row] = list(csv.DictReader(rejects.open()))
    assert row["line"] == "3" and "over the limit of 500" in row["reason"]
    # Batch geocoding: every row comes out, the long one unmatched with the reason.
    out = tmp_path / "geocoded.csv"
    result = gridplan("geocode", source, "--address-field", "address", "--db", small_plan, "--out", out, "--json", "--crs", "cgcs2000")
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == json.loads(result.stdout)["rows"] == 3
    assert "over the limit of 500" in rows[1]["reason"]


def test_proj_strings_are_crss_in_any_order(gridplan, small_plan):
    for crs in ["+proj=longlat +datum=WGS84 +no_defs", "+datum=WGS84 +proj=longlat +no_defs"]:
        result = gridplan("who-covers", "--db", small_plan, "--lon", "110.36", "--lat", "21.27", "--crs", crs, "--json")
        assert json.loads(result.stdout)["status"] == "inside"


def get(url, token=None, timeout=10):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_idle_connections_cannot_starve_the_server(gridplan_binary, small_plan):
    """300 idle connections to a server allowed 256 files: once --idle-timeout has passed, they are
    closed and a valid question is answered (on main they are kept forever and it times out)."""
    def limited():
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    process = subprocess.Popen([gridplan_binary, "serve", "--db", small_plan, "--port", "0", "--idle-timeout", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limited, cwd=ROOT)
    idle = []
    try:
        line = process.stdout.readline()
        assert "serving" in line, process.stderr.read() if process.poll() is not None else line
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        for _ in range(300):
            s = socket.socket()
            s.settimeout(2)
            try:
                s.connect(("127.0.0.1", port))
            except OSError:
                s.close()
                continue
            idle.append(s)
        time.sleep(3)
        status, body = get(f"http://127.0.0.1:{port}/api/who-covers?lon=110.36&lat=21.27", timeout=10)
        assert status == 200 and '"inside"' in body
        closed = 0
        for s in idle[:50]:
            try:
                closed += s.recv(1) == b""
            except OSError:
                closed += 1
        assert closed == 50
    finally:
        for s in idle:
            s.close()
        process.kill()
        process.wait(10)


def test_beyond_loopback_names_and_phones_need_a_token(gridplan, gridplan_binary, small_plan, tmp_path):
    """127.0.0.2 is not the loopback name the server trusts (127.0.0.1), but this machine reaches it."""
    db = tmp_path / "plan.gpkg"
    db.write_bytes(small_plan.read_bytes())
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,phone,role,lon,lat,grid,duty,duty_from\nG1,张三,13800000001,网格长,110.36,21.27,440802005,chief,2024-01-01\n")
    gridplan("codes", "--db", db)
    gridplan("people", "import", roster, "--db", db, "--crs", "cgcs2000", check=False)
    writers, readers = tmp_path / "writers.txt", tmp_path / "readers.txt"
    writers.write_text("writer-token-0123456789 hotline\n")
    readers.write_text("reader-token-0123456789 desk\n")
    url, process = start_server(gridplan_binary, db, "--host", "127.0.0.2", "--token-file", writers, "--read-tokens", readers)
    try:
        ask = f"{url}api/who-covers?lon=110.36&lat=21.27"
        status, body = get(ask)
        assert status == 401 and "张三" not in body and "needs a bearer token" in body
        assert get(ask, "nobody-0123456789")[0] == 401
        for token in ["reader-token-0123456789", "writer-token-0123456789"]:
            status, body = get(ask, token)
            assert status == 200 and "13800000001" in body
        assert get(f"{url}api/grids?level=street")[0] == 200
    finally:
        process.kill()
        process.wait(10)
