"""Benchmark of `gridplan copy` between a GeoPackage and PostgreSQL + PostGIS.

Run through tools/bench-postgis (which builds gridplan in release mode first). The sample district
(GeoData/chikan) with its default gazetteer and a seeded backlog of N cases (default 1,000,000) imported
by gridplan is moved, end to end (one process each, file in, server out, and back):

- to the server: `gridplan copy --from plan.gpkg --to postgresql://…` against GDAL's
  `ogr2ogr -f PostgreSQL PG:… plan.gpkg` (every layer and attribute table, COPY, GiST indexes) into a
  database of its own;
- back to a file: `gridplan copy --from postgresql://… --to back.gpkg` against
  `ogr2ogr -f GPKG back.gpkg PG:…` from gridplan's database.

Then the spatial questions users ask of cases, at 20 seeded places, on the GeoPackage through
`gridplan cases query --timing` (the query inside an open store, one process per question) and on the
copy in PostGIS through one psql session with `\\timing` (the query's round trip on an open connection,
rows fetched): a bounding box of about 1,000 cases (PostGIS: `ST_Intersects`, exact; `&&` alone compares float4 boxes and takes a few more), a 300 m radius (geodesic; PostGIS: GiST on the
geometry, then `ST_DWithin` on geography), the 10 nearest (PostGIS: the `<->` operator), and one unit
grid's cases (both: the `unit_code` index). Each answer's count is checked equal on both sides (the
nearest: 10 each). Asked twice; the second round is printed as "warm": psql asks each question a second
time in its open session, gridplan a second time in its process (`--timing --repeat 2`, the second
time taken: statements prepared and the R-tree connected, as on psql's connection).

Then the backlog imported straight into a server's plan (`gridplan cases import --db postgresql://…`) next to
the same import into the GeoPackage and GDAL's bare `ogr2ogr -f PostgreSQL` of the CSV (points and attributes,
no grids, no history), and the backlog's two halves imported by two processes at once, into a server's plan
and into a GeoPackage; the same one import and two at once into a plan split by county (`copy --partition-by
county`, whose case imports take turns: no unique index can guard a case id across partitions), with the
questions asked of both layouts through psql; and who-covers by point through `gridplan serve` of the file and of the server's copy
(wrk, 8 connections), 50 of the answers checked byte for byte equal.

With `--core` (for 10 M cases, where the whole run takes some two hours here): only the import into the file,
the copy to PostGIS, the questions, serve, and the two imports of the CSV into PostGIS (gridplan's, GDAL's).

Printed: seconds, rows per second, peak memory (max RSS) of each, and the ratio. Both sides are checked to have
moved every case. ogr2ogr moves tables only: gridplan also carries keys, foreign keys, indexes and the
schema's version, and rebuilds the gazetteer's search tables on the way back.
"""
import argparse
import re
import statistics
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import shapely

from bench_cases import timed
from bench_serve import wrk_who_covers

ROOT = Path(__file__).resolve().parents[1]
GRIDPLAN = os.environ.get("GRIDPLAN", str(ROOT / ".build" / "release" / "gridplan"))
PSQL = "/usr/lib/postgresql/15/bin/psql"


def run(*args):
    """Runs a command; returns (stdout, seconds, peak memory in MB) as GNU time measures them."""
    result, seconds, peak_mb = timed(*args)
    return result.stdout, seconds, peak_mb


def query_rounds(db, psql, rng, district, n, psql_only=False):
    """Times each kind of question on the GeoPackage (gridplan) and on PostGIS (psql), two rounds; with
    `psql_only`, on PostGIS alone (the GeoPackage's side then empty)."""
    minx, miny, maxx, maxy = district.bounds
    side = (1000 / (n / ((maxx - minx) * (maxy - miny)))) ** 0.5
    units = [line for line in psql("gridplan", "SELECT code FROM grids WHERE level = 4 AND valid_to IS NULL ORDER BY code").splitlines()]
    places = []
    while len(places) < 20:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if district.contains(shapely.Point(x, y)):
            places.append((x, y, units[int(rng.integers(0, len(units)))]))
    kinds = {
        "bounding box (~1,000 cases)": (
            lambda x, y, u: ["--bbox", f"{x - side / 2:.7f},{y - side / 2:.7f},{x + side / 2:.7f},{y + side / 2:.7f}"],
            lambda x, y, u: f"SELECT * FROM cases WHERE ST_Intersects(geom, ST_MakeEnvelope({x - side / 2:.7f}, {y - side / 2:.7f}, "
                            f"{x + side / 2:.7f}, {y + side / 2:.7f}, 4490))"),
        "radius 300 m": (
            lambda x, y, u: ["--near", f"{x:.7f},{y:.7f}", "--radius", "300"],
            lambda x, y, u: f"SELECT * FROM cases WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint({x:.7f}, {y:.7f}), 4490), 0.0035) "
                            f"AND ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint({x:.7f}, {y:.7f}), 4490)::geography, 300)"),
        "10 nearest": (
            lambda x, y, u: ["--near", f"{x:.7f},{y:.7f}", "--nearest", "10"],
            lambda x, y, u: f"SELECT * FROM cases ORDER BY geom <-> ST_SetSRID(ST_MakePoint({x:.7f}, {y:.7f}), 4490) LIMIT 10"),
        "one unit grid's cases": (
            lambda x, y, u: ["--grid", u],
            lambda x, y, u: f"SELECT * FROM cases WHERE unit_code = '{u}'"),
    }
    results = {}
    for name, (ours_args, sql) in kinds.items():
        ours, theirs, hits = ([], []), ([], []), []
        for attempt in (0, 1):
            script = "\\timing on\n" + "".join(f"SELECT count(*) FROM ({sql(*p)}) q;\n{sql(*p)};\n" for p in places)
            out = psql("gridplan", script, stdin=True)
            counts = [int(line) for line in out.splitlines() if line.strip().isdigit()]
            times = [float(t) for t in re.findall(r"^Time: ([0-9.]+) ms", out, re.M)]
            theirs[attempt].extend(times[1::2])   # the count's time is not the question's
            if psql_only:
                hits = hits or counts
                continue
            for k, p in enumerate(places):
                result = subprocess.run([GRIDPLAN, "cases", "query", "--db", db, *ours_args(*p), "--format", "csv", "--timing",
                                         "--repeat", str(1 + attempt)], capture_output=True, text=True, check=True)
                got = len(result.stdout.splitlines()) - 1
                ours[attempt].append(float(re.findall(r"^query: \d+ cases in ([0-9.]+) ms", result.stderr, re.M)[-1]))
                if attempt == 0:
                    if got != counts[k]:
                        sys.exit(f"{name} at {p}: gridplan found {got} cases, PostGIS {counts[k]}")
                    hits.append(got)
        results[name] = (ours, theirs, hits)
    return results


def serve(db):
    """`gridplan serve` of `db` on a free port: (process, base URL ending in /)."""
    process = subprocess.Popen([GRIDPLAN, "serve", "--db", str(db), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    found = re.search(r"http://\S+?/", line)
    if not found:
        process.kill()
        sys.exit(f"gridplan serve --db {db} did not start: {process.stderr.read()}")
    return process, found.group(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--core", action="store_true",
                        help="only the import into the file, the copy to PostGIS, the questions, serve, and the imports into "
                             "PostGIS (gridplan's and ogr2ogr's): what a 10 M run needs, in well under an hour")
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
    # The plan before its cases: each import below starts from a copy of it.
    grids_only = work / "grids.gpkg"
    with sqlite3.connect(db) as src, sqlite3.connect(grids_only) as dst:
        src.backup(dst)
    halves = [work / "half-a.csv", work / "half-b.csv"]
    with source.open() as f, halves[0].open("w") as a, halves[1].open("w") as b:
        header = f.readline()
        a.write(header)
        b.write(header)
        for k, line in enumerate(f):
            (a if k % 2 == 0 else b).write(line)
    print(f"importing {n:,} cases into the GeoPackage …", file=sys.stderr)
    _, file_import, file_import_mb = run(GRIDPLAN, "cases", "import", source, "--db", db, "--crs", "cgcs2000", "--rejects", work / "rejects.csv")
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
        def psql(database, sql, stdin=False):
            command = [PSQL, "-X", "-A", "-t", "-q", "-h", server, "-p", str(port), "-U", "gridplan", "-d", database, "-v", "ON_ERROR_STOP=1"]
            return subprocess.run(command + ([] if stdin else ["-c", sql]), input=sql if stdin else None,
                                  capture_output=True, text=True, check=True).stdout.strip()
        psql("gridplan", "CREATE EXTENSION postgis")
        psql("postgres", "CREATE DATABASE peer")
        psql("peer", "CREATE EXTENSION postgis")
        pg_ours = f"PG:host={server} port={port} dbname=gridplan user=gridplan"
        pg_peer = f"PG:host={server} port={port} dbname=peer user=gridplan"

        _, ours_out, ours_out_mb = run(GRIDPLAN, "copy", "--from", db, "--to", url)
        assert int(psql("gridplan", "SELECT count(*) FROM cases")) == cases
        if not args.core:
            _, peer_out, peer_out_mb = run("ogr2ogr", "-f", "PostgreSQL", pg_peer, db)
            assert int(psql("peer", "SELECT count(*) FROM cases")) == cases

        questions = query_rounds(db, psql, rng, district, n)

        # who-covers through `gridplan serve`, of the file and of its copy on the server, wrk at 8 connections.
        print("who-covers through gridplan serve …", file=sys.stderr)
        points = list(zip(xs[:1000].tolist(), ys[:1000].tolist()))
        served, answers = {}, {}
        for label, target in [("GeoPackage", db), ("PostGIS", url)]:
            process, base = serve(target)
            try:
                for x, y in points[:50]:
                    with urllib.request.urlopen(f"{base}api/who-covers?lon={x!r}&lat={y!r}", timeout=60) as r:
                        answers.setdefault((x, y), set()).add(r.read())
                served[label] = wrk_who_covers(base, points, 8, 10)
            finally:
                process.kill()
                process.wait()
        assert all(len(a) == 1 for a in answers.values()), "the two servers answered differently"

        # Importing the backlog straight into the server: gridplan (every case assigned at every level, the
        # assignment history, a staging table then one upsert per batch) against GDAL's bare
        # CSV → PostGIS load (points and attributes only, COPY).
        def server_copy(name):
            psql("postgres", f"CREATE DATABASE {name}")
            target = url.rsplit("/", 1)[0] + "/" + name
            run(GRIDPLAN, "copy", "--from", grids_only, "--to", target)
            return target
        print(f"importing {n:,} cases into PostGIS …", file=sys.stderr)
        imports = server_copy("imports")
        _, server_import, server_import_mb = run(GRIDPLAN, "cases", "import", source, "--db", imports, "--crs", "cgcs2000",
                                                  "--rejects", work / "rejects-server.csv")
        psql("postgres", "CREATE DATABASE raw")
        psql("raw", "CREATE EXTENSION postgis")
        _, peer_import, peer_import_mb = run("ogr2ogr", "-f", "PostgreSQL", f"PG:host={server} port={port} dbname=raw user=gridplan",
                                             source, "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat",
                                             "-a_srs", "EPSG:4490", "-nln", "backlog", "-lco", "GEOMETRY_NAME=geom")
        assert int(psql("imports", "SELECT count(*) FROM cases")) == cases
        assert int(psql("raw", "SELECT count(*) FROM backlog")) == n
        if not args.core:

            # Two writers at once: the two halves of the backlog imported by two processes at the same time,
            # into a server's plan and into a GeoPackage (whose writers take turns, batch by batch).
            def two_at_once(target, label):
                started = time.perf_counter()
                procs = [subprocess.Popen([GRIDPLAN, "cases", "import", half, "--db", target, "--crs", "cgcs2000",
                                           "--rejects", work / f"rejects-{label}-{k}.csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True) for k, half in enumerate(halves)]
                outs = [p.communicate() for p in procs]
                seconds = time.perf_counter() - started
                if any(p.returncode != 0 for p in procs):
                    sys.exit(f"two imports at once into {label} failed:\n" + "\n".join(e for _, e in outs))
                return seconds
            print("two imports at once …", file=sys.stderr)
            two = server_copy("two")
            server_two = two_at_once(two, "server")
            assert int(psql("two", "SELECT count(*) FROM cases")) == cases
            two_file = work / "two.gpkg"
            with sqlite3.connect(grids_only) as src, sqlite3.connect(two_file) as dst:
                src.backup(dst)
            file_two = two_at_once(two_file, "file")
            with sqlite3.connect(two_file) as con:
                assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == cases

            # The same imports into a plan split by county (the sample is one county: its partition, and the
            # `_other` one for the cases outside every grid), and the questions asked of both layouts.
            print("the same into a plan split by county …", file=sys.stderr)
            def split_copy(name):
                psql("postgres", f"CREATE DATABASE {name}")
                target = url.rsplit("/", 1)[0] + "/" + name
                run(GRIDPLAN, "copy", "--from", grids_only, "--to", target, "--partition-by", "county")
                return target
            split = split_copy("split")
            _, split_import, split_import_mb = run(GRIDPLAN, "cases", "import", source, "--db", split, "--crs", "cgcs2000",
                                                    "--rejects", work / "rejects-split.csv")
            assert int(psql("split", "SELECT count(*) FROM cases")) == cases
            split_parts = psql("split", "SELECT string_agg(p || ' ' || n, ', ' ORDER BY p) FROM "
                                        "(SELECT tableoid::regclass::text AS p, count(*) AS n FROM cases GROUP BY 1) c")
            split_two_target = split_copy("split_two")
            split_two = two_at_once(split_two_target, "split")
            assert int(psql("split_two", "SELECT count(*) FROM cases")) == cases
            assert psql("split_two", "SELECT count(DISTINCT external_id) = count(*) FROM cases") == "t"
            # Asked as the server is configured, then with parallel plans off: on a partitioned table PostgreSQL
            # may start workers (Parallel Append) for a question of a few rows, which costs more than the question.
            layouts = {}
            serial = "SET max_parallel_workers_per_gather = 0;\n"
            for name, database in [("plain", "imports"), ("split by county", "split")]:
                psql(database, "ANALYZE")
                for setting, prefix in [("", ""), (" serial", serial)]:
                    layouts[name + setting] = query_rounds(
                        None, lambda _, sql, stdin=False, d=database, p=prefix: psql(d, p + sql, stdin) if stdin else psql(d, sql),
                        np.random.default_rng(args.seed), district, n, psql_only=True)

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
    moves = [("gridplan copy  GeoPackage → PostGIS", ours_out, ours_out_mb)]
    if not args.core:
        moves += [
            ("ogr2ogr -f PostgreSQL  GeoPackage → PostGIS", peer_out, peer_out_mb),
            ("gridplan copy  PostGIS → GeoPackage", ours_in, ours_in_mb),
            ("ogr2ogr -f GPKG  PostGIS → GeoPackage", peer_in, peer_in_mb),
        ]
    for name, seconds, mb in moves:
        print(f"{name:<56}{seconds:>9.1f}{rows / seconds:>11,.0f}{mb:>9.0f}")
    print()
    print("questions about cases, 20 places each, median / max ms (first round; warm round)")
    for name, (ours, theirs, hits) in questions.items():
        print(f"  {name:<34} hits {min(hits):>5,}–{max(hits):<6,}"
              f"  gridplan {statistics.median(ours[0]):6.2f} / {max(ours[0]):6.2f}; {statistics.median(ours[1]):6.2f} / {max(ours[1]):6.2f}"
              f"   PostGIS {statistics.median(theirs[0]):6.2f} / {max(theirs[0]):6.2f}; {statistics.median(theirs[1]):6.2f} / {max(theirs[1]):6.2f}"
              f"   ratio (warm medians) {statistics.median(ours[1]) / statistics.median(theirs[1]):.2f}")
    print("  every count equal on both sides; ratio below 1: gridplan is faster")
    if not args.core:
        print(f"gridplan / ogr2ogr time: to PostGIS {ours_out / peer_out:.2f}×, back to a file {ours_in / peer_in:.2f}×"
              " (below 1: gridplan is faster)")
    print()
    print(f"importing the {n:,}-case CSV{'':<22}{'seconds':>9}{'cases/s':>11}{'peak MB':>9}")
    for name, seconds, mb in [
        ("gridplan cases import → GeoPackage", file_import, file_import_mb),
        ("gridplan cases import → PostGIS", server_import, server_import_mb),
        ("ogr2ogr -f PostgreSQL (points only, no grids)", peer_import, peer_import_mb),
    ]:
        print(f"{name:<56}{seconds:>9.1f}{n / seconds:>11,.0f}{mb:>9.0f}")
    print(f"gridplan on PostGIS / ogr2ogr's bare load: {server_import / peer_import:.2f}× the time; "
          f"PostGIS / GeoPackage: {server_import / file_import:.2f}×")
    if not args.core:
        print(f"two imports at once (the halves): PostGIS {server_two:.1f} s ({n / server_two:,.0f} cases/s, "
              f"{server_import / server_two:.2f}× one importer's rate), GeoPackage {file_two:.1f} s ({n / file_two:,.0f} cases/s)")
        print()
        print(f"a plan split by county (copy --partition-by county; partitions: {split_parts})")
        print(f"  one import {split_import:.1f} s ({n / split_import:,.0f} cases/s, peak {split_import_mb:.0f} MB): "
              f"{split_import / server_import:.2f}× the plain layout's time")
        print(f"  two at once {split_two:.1f} s ({n / split_two:,.0f} cases/s; the importers take turns): "
              f"{split_two / server_two:.2f}× the plain layout's time")
        print("  questions through psql, warm median ms: plain / split by county (ratio); then the same with parallel plans off")
        for setting in ["", " serial"]:
            for name in layouts["plain"]:
                plain, parted = (statistics.median(layouts[k + setting][name][1][1]) for k in ("plain", "split by county"))
                same = layouts["plain" + setting][name][2] == layouts["split by county" + setting][name][2]
                label = name + (", max_parallel_workers_per_gather = 0" if setting else "")
                print(f"    {label:<70} {plain:7.2f} / {parted:7.2f}  ({parted / plain:.2f})  counts {'equal' if same else 'DIFFER'}")
    print()
    print("who-covers by point through `gridplan serve` (wrk, 8 connections, 10 s, 1,000 points; 50 answers checked equal)")
    for label, (rate, p50, p99, errors) in served.items():
        print(f"  {label:<11}{rate:9,.0f} answers/s   p50 {p50:.2f} ms   p99 {p99:.2f} ms   errors {errors}")
    print(f"  PostGIS / GeoPackage answers per second: {served['PostGIS'][0] / served['GeoPackage'][0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
