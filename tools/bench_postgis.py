"""Benchmark of `gridplan copy` between a GeoPackage and PostgreSQL + PostGIS.

Run through tools/bench-postgis (which builds gridplan in release mode first). The sample district
(GeoData/chikan) with its default gazetteer and a seeded backlog of N cases (default 1,000,000) imported
by gridplan is moved, end to end (one process each, file in, server out, and back):

- to the server: `gridplan copy --from plan.gpkg --to postgresql://…` against GDAL's
  `ogr2ogr -f PostgreSQL PG:… plan.gpkg` (every layer and attribute table, COPY, GiST indexes) into a
  database of its own;
- back to a file: `gridplan copy --from postgresql://… --to back.gpkg` against
  `ogr2ogr -f GPKG back.gpkg PG:…` from gridplan's database.

Printed: seconds, rows per second, peak memory (max RSS) of each, and the ratio. Both sides are checked to have
moved every case. ogr2ogr moves tables only: gridplan also carries keys, foreign keys, indexes and the
schema's version, and rebuilds the gazetteer's search tables on the way back.
"""
import argparse
import json
import os
import shutil
import socket
import sqlite3
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


def run(*args):
    """Runs a command; returns (stdout, seconds, peak memory in MB) as GNU time measures them."""
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *map(str, args)], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{result.stderr}")
    return result.stdout, seconds, int(result.stderr.strip().splitlines()[-1]) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--keep", action="store_true", help="leave the files and the server running, and say where (to look further)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-postgis-"))
    db = work / "plan.gpkg"
    for level, name in [("street", "streets"), ("community", "communities"), ("area", "areas"), ("unit", "units")]:
        parent = [] if level == "street" else ["--parent-field", "parent"]
        run(GRIDPLAN, "import", ROOT / "GeoData" / "chikan" / f"{name}.geojson", "--db", db, "--level", level, "--crs", "cgcs2000", *parent)
    run(GRIDPLAN, "codes", "--db", db)
    run(GRIDPLAN, "gazetteer", "import", "--defaults", "--db", db)
    district = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in
                                  json.loads((ROOT / "GeoData" / "chikan" / "streets.geojson").read_text())["features"]])
    minx, miny, maxx, maxy = district.bounds
    rng = np.random.default_rng(args.seed)
    n = args.cases
    xs, ys = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    minutes = rng.integers(0, 365 * 24 * 60, n)
    categories = rng.choice(["0101", "0102", "0201", "0302", "0405", "0601"], n)
    times = (np.datetime64("2024-01-01T00:00") + minutes.astype("timedelta64[m]")).astype(str)
    source = work / "backlog.csv"
    with source.open("w") as f:
        f.write("id,lon,lat,reported_at,category,severity,status\n")
        f.writelines(f"C{i:07d},{x:.7f},{y:.7f},{t.replace('T', ' ')},{c},ordinary,closed\n"
                     for i, (x, y, t, c) in enumerate(zip(xs.tolist(), ys.tolist(), times, categories)))
    print(f"preparing: importing {n:,} cases with gridplan …", file=sys.stderr)
    run(GRIDPLAN, "cases", "import", source, "--db", db, "--crs", "cgcs2000", "--rejects", work / "rejects.csv")
    with sqlite3.connect(db) as con:
        cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
        tables = [r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")]
        rows = sum(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables
                   if con.execute("SELECT type FROM sqlite_master WHERE name = ?", (t,)).fetchone()[0] == "table")

    plan_mb = db.stat().st_size / 1e6
    server = Path(tempfile.mkdtemp(prefix="bench-postgis-server-"))   # not inside `work`: the server's user must reach it
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = subprocess.run([ROOT / "tools" / "pg-cluster", "start", server, str(port)], capture_output=True, text=True, check=True).stdout.strip()
    try:
        def psql(database, sql):
            return subprocess.run([PSQL, "-X", "-A", "-t", "-h", server, "-p", str(port), "-U", "gridplan", "-d", database, "-c", sql],
                                  capture_output=True, text=True, check=True).stdout.strip()
        psql("gridplan", "CREATE EXTENSION postgis")
        psql("postgres", "CREATE DATABASE peer")
        psql("peer", "CREATE EXTENSION postgis")
        pg_ours = f"PG:host={server} port={port} dbname=gridplan user=gridplan"
        pg_peer = f"PG:host={server} port={port} dbname=peer user=gridplan"

        _, ours_out, ours_out_mb = run(GRIDPLAN, "copy", "--from", db, "--to", url)
        _, peer_out, peer_out_mb = run("ogr2ogr", "-f", "PostgreSQL", pg_peer, db)
        assert int(psql("gridplan", "SELECT count(*) FROM cases")) == cases
        assert int(psql("peer", "SELECT count(*) FROM cases")) == cases

        back, peer_back = work / "back.gpkg", work / "peer-back.gpkg"
        _, ours_in, ours_in_mb = run(GRIDPLAN, "copy", "--from", url, "--to", back)
        _, peer_in, peer_in_mb = run("ogr2ogr", "-f", "GPKG", peer_back, pg_ours)
        for path in (back, peer_back):
            with sqlite3.connect(path) as con:
                assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == cases, path
    finally:
        if args.keep:
            print(f"kept: {work} and the server {url} (stop it with tools/pg-cluster stop {server})", file=sys.stderr)
        else:
            subprocess.run([ROOT / "tools" / "pg-cluster", "stop", server], capture_output=True)
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(server, ignore_errors=True)

    print(f"plan: the sample district, {cases:,} cases, {rows:,} rows in its layers and tables, {plan_mb:.0f} MB")
    print(f"{'move':<56}{'seconds':>9}{'rows/s':>11}{'peak MB':>9}")
    for name, seconds, mb in [
        ("gridplan copy  GeoPackage → PostGIS", ours_out, ours_out_mb),
        ("ogr2ogr -f PostgreSQL  GeoPackage → PostGIS", peer_out, peer_out_mb),
        ("gridplan copy  PostGIS → GeoPackage", ours_in, ours_in_mb),
        ("ogr2ogr -f GPKG  PostGIS → GeoPackage", peer_in, peer_in_mb),
    ]:
        print(f"{name:<56}{seconds:>9.1f}{rows / seconds:>11,.0f}{mb:>9.0f}")
    print(f"gridplan / ogr2ogr time: to PostGIS {ours_out / peer_out:.2f}×, back to a file {ours_in / peer_in:.2f}×"
          " (below 1: gridplan is faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
