"""Benchmark of `gridplan cases dispatch --all-new` on a GeoPackage and on PostGIS, one dispatcher and two at once.

Run through tools/bench-dispatch (which builds gridplan in release mode first). The sample district (GeoData/chikan)
with the generated roster of 中华街道 (tools/sample_roster.py: a primary in every unit but one, backups, chiefs) and a
seeded backlog of N reported cases inside that street (default 20,000) is dispatched, end to end, one process per
dispatcher, as of 2024-12-31 09:00:

- on the GeoPackage by one dispatcher;
- on a copy of the plan in PostgreSQL 15 + PostGIS (a private server on this machine) by one dispatcher;
- on a second copy by two dispatchers started together (wall time until both end).

Printed: seconds and cases per second of each, the server's against the file's, and two dispatchers' against one;
each run is checked to dispatch the same cases (two at once: each case once, by one of them).
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
GRIDPLAN = os.environ.get("GRIDPLAN", str(ROOT / ".build" / "release" / "gridplan"))
PSQL = "/usr/lib/postgresql/15/bin/psql"
NOW = ["--now", "2024-12-31 09:00"]


def run(*args, ok=(0,)):
    result = subprocess.run(list(map(str, args)), capture_output=True, text=True)
    if result.returncode not in ok:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{result.stderr}")
    return result.stdout


def dispatchers(db, count):
    """`count` dispatchers on `db` started together: the wall time until all end, and their JSON reports."""
    started = time.perf_counter()
    runs = [subprocess.Popen([GRIDPLAN, "cases", "dispatch", "--db", str(db), "--all-new", *NOW, "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(count)]
    outs = [r.communicate() for r in runs]
    seconds = time.perf_counter() - started
    for r, (_, err) in zip(runs, outs):
        if r.returncode not in (0, 1):
            sys.exit(f"a dispatcher failed:\n{err}")
    return seconds, [json.loads(out) for out, _ in outs]


def dispatched(reports):
    ids = [c["id"] for r in reports for c in r["cases"] if c["dispatched"]]
    assert len(ids) == len(set(ids)), "a case dispatched twice"
    return set(ids)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-dispatch-"))
    db = work / "plan.gpkg"
    for level, name in [("street", "streets"), ("community", "communities"), ("area", "areas"), ("unit", "units")]:
        parent = [] if level == "street" else ["--parent-field", "parent"]
        run(GRIDPLAN, "import", ROOT / "GeoData" / "chikan" / f"{name}.geojson", "--db", db, "--level", level, "--crs", "cgcs2000", *parent)
    run(GRIDPLAN, "codes", "--db", db)
    run(GRIDPLAN, "export", "--db", db, "--level", "unit", "--format", "geojson", "--out", work / "units.geojson")
    run(sys.executable, ROOT / "tools" / "sample_roster.py", work / "units.geojson", work / "roster.csv")
    run(GRIDPLAN, "people", "import", work / "roster.csv", "--db", db, "--crs", "cgcs2000", ok=(0, 1))
    street = next(shapely.geometry.shape(f["geometry"]) for f in
                  json.loads((ROOT / "GeoData" / "chikan" / "streets.geojson").read_text())["features"]
                  if "中华" in json.dumps(f["properties"], ensure_ascii=False))
    rng = np.random.default_rng(args.seed)
    minx, miny, maxx, maxy = street.bounds
    points = []
    while len(points) < args.cases:
        xs, ys = rng.uniform(minx, maxx, args.cases), rng.uniform(miny, maxy, args.cases)
        inside = shapely.contains_xy(street, xs, ys)
        points += list(zip(xs[inside].tolist(), ys[inside].tolist()))
    points = points[:args.cases]
    source = work / "backlog.csv"
    with source.open("w") as f:
        f.write("id,lon,lat,reported_at,category,severity,status\n")
        f.writelines(f"D{i:07d},{x:.7f},{y:.7f},2024-12-{1 + i % 28:02d} 08:00,0102,ordinary,reported\n" for i, (x, y) in enumerate(points))
    run(GRIDPLAN, "cases", "import", source, "--db", db, "--crs", "cgcs2000")

    server = Path(tempfile.mkdtemp(prefix="bench-dispatch-server-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = subprocess.run([ROOT / "tools" / "pg-cluster", "start", server, str(port)], capture_output=True, text=True, check=True).stdout.strip()
    try:
        def psql(database, sql):
            return subprocess.run([PSQL, "-X", "-A", "-t", "-q", "-h", server, "-p", str(port), "-U", "gridplan", "-d", database,
                                   "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True, check=True).stdout.strip()
        psql("postgres", "CREATE DATABASE two")
        two = url.rsplit("/", 1)[0] + "/two"
        run(GRIDPLAN, "copy", "--from", db, "--to", url)
        run(GRIDPLAN, "copy", "--from", db, "--to", two)
        file_s, file_reports = dispatchers(db, 1)
        one_s, one_reports = dispatchers(url, 1)
        two_s, two_reports = dispatchers(two, 2)
    finally:
        subprocess.run([ROOT / "tools" / "pg-cluster", "stop", server], capture_output=True)
    on_file = dispatched(file_reports)
    assert dispatched(one_reports) == on_file and dispatched(two_reports) == on_file, "different cases dispatched"
    shares = [sum(c["dispatched"] for c in r["cases"]) for r in two_reports]
    n = len(on_file)
    print(f"{args.cases:,} reported cases in 中华街道, {n:,} dispatched, one process per dispatcher")
    print(f"{'GeoPackage, one dispatcher':<34} {file_s:7.2f} s {n / file_s:9,.0f} cases/s")
    print(f"{'PostGIS, one dispatcher':<34} {one_s:7.2f} s {n / one_s:9,.0f} cases/s   ({file_s / one_s:.2f}× the file's rate)")
    print(f"{'PostGIS, two dispatchers at once':<34} {two_s:7.2f} s {n / two_s:9,.0f} cases/s   ({one_s / two_s:.2f}× one dispatcher's; "
          f"they dispatched {shares[0]:,} and {shares[1]:,})")


if __name__ == "__main__":
    main()
