"""Shared fixtures: the gridplan binary under test and helpers to run it."""
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
import shapely

ROOT = Path(__file__).resolve().parents[2]
PSQL = "/usr/lib/postgresql/15/bin/psql"


@pytest.fixture(scope="session")
def gridplan_binary():
    """The path of the gridplan binary under test ($GRIDPLAN, else the debug build)."""
    binary = os.environ.get("GRIDPLAN", str(ROOT / ".build" / "debug" / "gridplan"))
    if not Path(binary).exists():
        pytest.fail(f"gridplan binary not found at {binary}: run tools/test, which builds it")
    return binary


@pytest.fixture(scope="session")
def gridplan(gridplan_binary):
    """Returns a function that runs gridplan with arguments and optional stdin."""
    binary = gridplan_binary

    def run(*args, stdin=None, check=True):
        result = subprocess.run([binary, *map(str, args)], input=stdin, capture_output=True, text=True, cwd=ROOT)
        if check and result.returncode != 0:
            raise AssertionError(f"gridplan {' '.join(map(str, args))} failed ({result.returncode}):\n{result.stderr}")
        return result

    return run


@pytest.fixture(scope="session")
def sample_plan(gridplan, tmp_path_factory):
    """The shipped 赤坎区 sample imported into a GeoPackage, all four levels."""
    db = tmp_path_factory.mktemp("plan") / "chikan.gpkg"
    for level, name in [("street", "streets"), ("community", "communities"), ("area", "areas"), ("unit", "units")]:
        parent = [] if level == "street" else ["--parent-field", "parent"]
        gridplan("import", ROOT / "GeoData" / "chikan" / f"{name}.geojson", "--db", db, "--level", level,
                 "--crs", "cgcs2000", *parent)
    return db


@pytest.fixture(scope="session")
def rostered(gridplan, sample_plan, tmp_path_factory):
    """The coded sample with a primary gridder (based inside the grid) in every unit but the last ten."""
    folder = tmp_path_factory.mktemp("people")
    db = folder / "plan.gpkg"
    db.write_bytes(sample_plan.read_bytes())
    gridplan("codes", "--db", db)
    units = folder / "units.geojson"
    gridplan("export", "--db", db, "--level", "unit", "--format", "geojson", "--out", units)
    features = json.loads(units.read_text())["features"]
    polygons = [shapely.geometry.shape(f["geometry"]) for f in features]
    codes = [f["properties"]["code"] for f in features]
    bases = {}
    lines = ["id,name,phone,role,lon,lat,grid,duty,duty_from"]
    for i, (polygon, code) in enumerate(zip(polygons[:-10], codes[:-10])):
        p = polygon.representative_point()
        bases[f"G{i}"] = (p.x, p.y)
        lines.append(f"G{i},网格员{i},138{i:08d},专职网格员,{float(p.x)!r},{float(p.y)!r},{code},primary,2024-01-01")
    lines.append("BAD,坏行,123,专职网格员,,,NOPE,primary,2024-01-01")
    roster = folder / "roster.csv"
    roster.write_text("\n".join(lines) + "\n")
    result = gridplan("people", "import", roster, "--db", db, "--crs", "cgcs2000", check=False)
    assert result.returncode == 1
    assert f"line {len(lines)}:" in result.stdout and "'123'" in result.stdout
    return db, polygons, codes, bases


def start_server(binary, db, *extra, env=None):
    """Starts `gridplan serve` on a free port (with `env` as its environment, if given); returns its URL
    (ending in /) and the process."""
    import re
    import subprocess
    import threading
    process = subprocess.Popen([str(binary), "serve", "--db", str(db), "--port", "0", *map(str, extra)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    first = []
    reader = threading.Thread(target=lambda: first.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(60)
    if not first or not first[0]:
        process.kill()
        pytest.fail(f"gridplan serve did not start: {process.stderr.read() if process.poll() is not None else 'no output'}")
    return re.search(r"http://\S+?/", first[0]).group(0), process


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """A private PostgreSQL server with PostGIS: (URL with password, socket folder, port)."""
    folder = tempfile.mkdtemp(prefix="gridplan-pg-")
    port = free_port()
    started = subprocess.run([ROOT / "tools" / "pg-cluster", "start", folder, str(port)], capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    try:
        yield started.stdout.strip(), folder, port
    finally:
        subprocess.run([ROOT / "tools" / "pg-cluster", "stop", folder], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def psql(server, sql):
    """Rows of `sql` on the test server, as lists of text (psql's unaligned output)."""
    _, folder, port = server
    result = subprocess.run([PSQL, "-X", "-A", "-t", "-F", "\x1f", "-R", "\x1e", "-h", folder, "-p", str(port), "-U", "gridplan",
                             "-d", "gridplan", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return [row.split("\x1f") for row in result.stdout.rstrip("\n").split("\x1e") if row]


def database(server, name):
    """A new database `name` on the test server, and its URL."""
    psql(server, f"CREATE DATABASE {name}")
    return server[0].rsplit("/", 1)[0] + "/" + name


def server_lines(server, url, sql):
    """The lines psql prints for `sql` in the database of `url` on the test server (unaligned, no headers)."""
    name = url.rsplit("/", 1)[1]
    _, folder, port = server
    out = subprocess.run([PSQL, "-X", "-A", "-t", "-h", folder, "-p", str(port), "-U", "gridplan", "-d", name, "-c", sql],
                         capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line]


def clone(source, target):
    """A copy of the GeoPackage `source` with what its write-ahead log holds (copying the file's bytes
    alone would leave out the last commits)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def assignment_rows(plan=None, server=None, url=None):
    """Every case's filings, oldest first, as (id, status, unit, area, community, street, plan version, open),
    from the GeoPackage `plan` or from the database of `url` on the test server: the ended ones from the history,
    then the open one from the case's row."""
    filing = "assign_status, unit_code, area_code, community_code, street_code, plan_version"
    sql = (f"SELECT external_id, {filing}, open FROM ("
           f"SELECT c.external_id, {', '.join('a.' + f.strip() for f in filing.split(','))}, 0 AS open, a.id AS k "
           "FROM case_assignments a JOIN cases c ON c.fid = a.case_fid "
           f"UNION ALL SELECT external_id, {filing}, 1, 0 FROM {'cases_with_grids' if plan is not None else 'cases'}) f "
           "ORDER BY external_id, open, k")
    if plan is not None:
        with sqlite3.connect(plan) as con:
            return ["|".join("" if v is None else str(v) for v in row) for row in con.execute(sql)]
    return server_lines(server, url, sql)
