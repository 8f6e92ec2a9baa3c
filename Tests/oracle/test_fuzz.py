"""Seeded, time-bounded fuzzing of what users feed gridplan (issue 20): GeoJSON, CSV in UTF-8 and GBK
and addresses are mutated (byte flips, truncation, duplication, huge fields, odd Unicode) and run
through `import`, `cases import`, `assign` and `geocode`. Each run must end on its own (no hang: a
timeout), with an exit status of gridplan's table (0, 1, 2, 64: no signal, no trap), and lose no row
in silence: the rows a command reports reading are the rows it stored plus the rows it rejected, and
where the file has no quotes to join lines, every non-blank line after the header is a row.

The whole module stays within about a minute: each test mutates and runs until its share of
FUZZ_SECONDS is spent (environment variable, default 50), so a slow machine runs fewer cases, never
longer. FUZZ_SEED (default 20) picks the cases; a failure names the seed, case and saved input."""
import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time

import pytest

from conftest import ROOT

SEED = int(os.environ.get("FUZZ_SEED", "20"))
BUDGET = float(os.environ.get("FUZZ_SECONDS", "50"))
EXIT_STATUSES = {0, 1, 2, 64}
STREETS = ROOT / "GeoData" / "chikan" / "streets.geojson"
START = time.time()
csv.field_size_limit(sys.maxsize)  # the huge fields come back in the outputs too

ODD = ["\ufeff", "\u202e", "\u0301" * 300, "\U0001F600", "\uffff", "１１０.３６", "\u2028", "\r", "\"", "\x00", "\t",
       "\\u0000", "\\ud800", "海" * 3000, "x" * 100_000, "NaN", "0x1p3", "-inf", "1e999", ",,,,", "\n\n"]


def share(fraction):
    """A deadline: this test may use `fraction` of what is left of the module's budget."""
    left = BUDGET - (time.time() - START)
    return time.time() + max(2.0, left * fraction)


def mutate(data: bytes, rng: random.Random, encoding: str) -> tuple[str, bytes]:
    """One mutation of `data`, and its name for messages."""
    kind = rng.choice(["flip", "truncate", "duplicate", "huge", "unicode", "unicode"])
    data = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == "truncate":
        del data[rng.randrange(1, len(data)):]
    elif kind == "duplicate":
        a = rng.randrange(len(data))
        b = min(len(data), a + rng.randint(1, 400))
        at = rng.randrange(len(data))
        data[at:at] = data[a:b] * rng.randint(1, 5)
    elif kind == "huge":
        at = rng.randrange(len(data))
        data[at:at] = rng.choice(["X", "海", "9"]).encode(encoding) * rng.choice([5_000, 60_000])
    else:
        at = rng.randrange(len(data))
        text = rng.choice(ODD)
        data[at:at] = text.encode(encoding, errors="ignore") or text.encode("utf-8")
    return kind, bytes(data)


def run(binary, *args, timeout=30):
    """Runs gridplan; fails on a hang or an exit status outside its table (a signal is negative)."""
    try:
        result = subprocess.run([binary, *map(str, args)], capture_output=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hang (over {timeout} s): gridplan {' '.join(map(str, args))[:300]}")
    assert result.returncode in EXIT_STATUSES, (
        f"exit status {result.returncode} (a negative one is a signal): gridplan {' '.join(map(str, args))[:300]}\n"
        f"{result.stderr.decode(errors='replace')[-2000:]}")
    return result


def report(result):
    """The command's --json report (on standard output), or None when it stopped before one."""
    try:
        return json.loads(result.stdout)
    except ValueError:
        return None


@pytest.fixture(scope="module")
def plan(gridplan, tmp_path_factory):
    """The sample's streets with the sample gazetteer: each command on it takes well under a second."""
    db = tmp_path_factory.mktemp("fuzz") / "streets.gpkg"
    gridplan("import", STREETS, "--db", db, "--level", "street", "--crs", "cgcs2000")
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    return db


def cases_csv(rng: random.Random, rows=40) -> str:
    """Cases in the sample county: id, point, category, severity, address and a caller's name and phone."""
    roads = ["海滨路", "南方路", "中山一路", "寸金路", "跃进路"]
    lines = ["id,lon,lat,category,severity,address,caller,phone"]
    for i in range(rows):
        lon, lat = 110.33 + rng.random() * 0.06, 21.25 + rng.random() * 0.05
        lines.append(f"C{i},{lon:.6f},{lat:.6f},0{rng.randint(1, 9)}0{rng.randint(1, 9)},一般,"
                     f"湛江市赤坎区{rng.choice(roads)}{rng.randint(1, 99)}号,张{i},1380000{i:04d}")
    return "\n".join(lines) + "\n"


def data_lines(data: bytes) -> int | None:
    """Rows in a CSV counted on its own: non-blank lines after the header, when no quote can join
    lines and no lone carriage return can split them; None when the count is not that simple."""
    if b'"' in data or b"\r" in data:
        return None
    lines = [line for line in data.split(b"\n")[1:] if line.strip(b" \t,")]
    return len(lines)


def saved(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_fuzz_geojson_import(gridplan_binary, plan, tmp_path):
    rng = random.Random(SEED)
    base = STREETS.read_bytes()
    deadline, n = share(0.25), 0
    while time.time() < deadline:
        n += 1
        kind, data = mutate(base, rng, "utf-8")
        source = saved(tmp_path, f"case{n}.geojson", data)
        result = run(gridplan_binary, "import", source, "--db", tmp_path / f"case{n}.gpkg", "--level", "street",
                     "--crs", "cgcs2000", "--json")
        got = report(result)
        if result.returncode == 0:
            assert got is not None
            try:
                features = json.loads(data.decode("utf-8"))["features"]
                expected = sum(1 for f in features if isinstance(f, dict) and f.get("geometry"))
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                continue  # GDAL read what Python's JSON cannot: nothing to count it against
            assert got["imported"] == expected, f"seed {SEED}, case {n} ({kind}): {source}"
    assert n >= 1


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_fuzz_cases_import_and_assign(gridplan_binary, plan, tmp_path, encoding):
    rng = random.Random(f"{SEED}-{encoding}")
    deadline, n = share(0.3), 0
    while time.time() < deadline:
        n += 1
        kind, data = mutate(cases_csv(rng).encode(encoding), rng, encoding)
        source = saved(tmp_path, f"case{n}.csv", data)
        db = tmp_path / f"case{n}.gpkg"
        shutil.copyfile(plan, db)
        rejects = tmp_path / f"case{n}.rejects.csv"
        where = f"seed {SEED}, {encoding} case {n} ({kind}): {source}"
        result = run(gridplan_binary, "cases", "import", source, "--db", db, "--crs", "cgcs2000", "--json", "--rejects", rejects)
        got = report(result)
        if result.returncode in (0, 1):
            assert got["rows"] == got["inserted"] + got["updated"] + got["rejected"], where
            rejected = list(csv.DictReader(io.StringIO(rejects.read_text(encoding="utf-8")))) if rejects.exists() else []
            assert len(rejected) == got["rejected"], where
            stored = run(gridplan_binary, "cases", "query", "--db", db, "--format", "csv", "--limit", "100000").stdout
            assert len(list(csv.DictReader(io.StringIO(stored.decode())))) == got["inserted"], where
            lines = data_lines(data)
            if lines is not None:
                assert got["rows"] == lines, f"{where}: {lines} lines, {got['rows']} rows read"
        if time.time() > deadline:
            break
        out = tmp_path / f"case{n}.assigned.csv"
        result = run(gridplan_binary, "assign", source, "--db", plan, "--out", out, "--crs", "cgcs2000", "--json")
        if result.returncode in (0, 1):
            got = report(result)
            written = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8"))))
            assert len(written) == got["rows"], where
    assert n >= 1


def test_a_gbk_csv_with_a_nul_keeps_every_row(gridplan_binary, plan, tmp_path):
    """A NUL byte in a GBK row, for certain: it used to cut the recoded text there (fixed on files20)."""
    text = cases_csv(random.Random(SEED), rows=100)
    lines = text.split("\n")
    lines[3] = lines[3].replace("号", "号\x00", 1)
    source = saved(tmp_path, "gbk-nul.csv", "\n".join(lines).encode("gbk"))
    db = tmp_path / "gbk-nul.gpkg"
    shutil.copyfile(plan, db)
    got = report(run(gridplan_binary, "cases", "import", source, "--db", db, "--crs", "cgcs2000", "--json",
                     "--rejects", tmp_path / "gbk-nul.rejects.csv"))
    assert got["rows"] == 100 and got["inserted"] + got["rejected"] == 100


def test_a_geojson_nul_is_one_rejected_feature(gridplan_binary, plan, tmp_path):
    """A `\\u0000` escape in a GeoJSON case's text: that feature is set aside with the reason (GDAL
    would cut the text there) and the others are imported; it used to stop the whole import."""
    def feature(i, note):
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [110.3594 + i * 1e-4, 21.2707]},
                "properties": {"id": f"N{i}", "reported_at": "2024-05-01 10:00", "category": "0101", "note": note}}
    collection = {"type": "FeatureCollection", "features": [feature(1, "fine"), feature(2, "cut\x00short"), feature(3, "fine")]}
    source = saved(tmp_path, "nul.geojson", json.dumps(collection).encode())
    assert b"cut\\u0000short" in source.read_bytes()
    db = tmp_path / "nul.gpkg"
    shutil.copyfile(plan, db)
    rejects = tmp_path / "nul.rejects.csv"
    result = run(gridplan_binary, "cases", "import", source, "--db", db, "--crs", "cgcs2000", "--json", "--rejects", rejects)
    assert result.returncode == 1, result.stderr
    got = report(result)
    assert got["inserted"] == 2 and got["rejected"] == 1
    rows = list(csv.DictReader(io.StringIO(rejects.read_text())))
    assert [(r["feature"], r["id"]) for r in rows] == [("2", "N2")]
    assert "NUL" in rows[0]["reason"]


def test_fuzz_geocode(gridplan_binary, plan, tmp_path):
    rng = random.Random(f"{SEED}-geocode")
    deadline, n = share(0.9), 0
    while time.time() < deadline:
        n += 1
        address = f"湛江市赤坎区{rng.choice(['海滨路', '南方路', '寸金路'])}{rng.randint(1, 99)}号"
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(address) + 1)
            address = address[:at] + rng.choice(ODD + [address]) + address[at:]
        arg = address.replace("\x00", "")[:30_000]  # an argument cannot hold a NUL, nor more than 128 KiB
        run(gridplan_binary, "geocode", "address", arg, "--db", plan, "--json")
        rows = [address, address[: rng.randrange(len(address) + 1)], "", rng.choice(ODD)]
        body = io.StringIO()
        writer = csv.writer(body, lineterminator="\n")
        writer.writerow(["id", "address"])
        for i, a in enumerate(rows):
            writer.writerow([f"A{i}", a])
        source = saved(tmp_path, f"case{n}.csv", body.getvalue().encode("utf-8", errors="surrogatepass"))
        out = tmp_path / f"case{n}.geocoded.csv"
        result = run(gridplan_binary, "geocode", source, "--address-field", "address", "--db", plan, "--out", out, "--json")
        if result.returncode in (0, 1):
            got = report(result)
            written = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8"))))
            assert len(written) == got["rows"], f"seed {SEED}, case {n}: {source}"
    assert n >= 1
