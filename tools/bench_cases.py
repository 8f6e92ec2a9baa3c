"""Benchmark of the case store: importing and indexing a backlog, then bounding-box queries.

Run through tools/bench-cases (which builds gridplan in release mode first).
A seeded backlog of N cases (default 1,000,000) over the sample district (GeoData/chikan):
95 % inside the district, 5 % anywhere in its bounding box, with times, categories, severities
and statuses. Measured in one run on the same file:

- `gridplan cases import` (read CSV, assign every case to its four grids, write the GeoPackage
  table with its R-tree), end to end: cases per second and the file size;
- GDAL's `ogr2ogr -f GPKG` on the same CSV (writes points with the R-tree, assigns nothing), as
  the peer; each import `--repeat` times (3), the two taking turns, their medians compared;
- bounding-box queries returning about 1,000 cases, at 20 seeded places, each asked twice (pages
  read from disk, then from the OS cache): gridplan's own timing of the query (`cases query
  --timing`, store already open) and the same R-tree query through Python's sqlite3 on GDAL's
  file, on a new connection each time. Every gridplan answer is checked against a plain SQL count;
- what each secondary index of the cases pays for: the `cases query` question it serves, timed with the
  index and with only that index dropped from the file (both answers checked equal), then the time
  SQLite takes to build it again. At 10 M cases each question without its index scans the whole file;
- the first page (20 cases) of lists filtered by status, category and grid;
- writing every case out, the whole list in time order (`cases query --format csv` and `--format geojson` to
  a file), against `ogr2ogr -f CSV` and `-f GeoJSON` of the same columns in the same order from the same file:
  time, peak memory and bytes written, the ids of both CSVs compared line by line;
- a small import into the full plan (10 new cases, as a hotline's feed brings them): the whole command's time
  and peak memory;
- opening a plan made before schema step v15.1 (the same cases in that step's older shape): the time and
  peak memory of the first command, which upgrades it.
"""
import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
GRIDPLAN = os.environ.get("GRIDPLAN", str(ROOT / ".build" / "release" / "gridplan"))


def run(*args):
    result = subprocess.run([*map(str, args)], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{result.stderr}")
    return result


def timed(*args):
    """Runs a command; returns (its result, seconds, peak memory in MB as GNU time measures it)."""
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *map(str, args)], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{result.stderr}")
    return result, seconds, int(result.stderr.strip().splitlines()[-1]) / 1024


def bytes_by_part(path, n):
    """Bytes per case of each table and index that holds more than a byte a case, the R-tree's
    three shadow tables as one, the rest (grids, metadata) left out."""
    with sqlite3.connect(path) as con:
        rows = con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    parts = {}
    for name, size in rows:
        key = "R-tree" if name.startswith("rtree_cases_geom") else ("cases id (unique)" if name == "sqlite_autoindex_cases_1" else name)
        parts[key] = parts.get(key, 0) + size / n
    return {k: v for k, v in parts.items() if v >= 1 and not k.startswith(("grids", "rtree_grids"))}


def size_mb(path):
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--hits", type=int, default=1000, help="cases a query box should return, about")
    parser.add_argument("--open", type=float, default=0.3,
                        help="the share of open cases (a third reported, two thirds dispatched; the rest closed): 0.3 by default, "
                             "a few percent in an office's real backlog of years, where the status index pays")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each import, gridplan's and ogr2ogr's in turn, whose median is reported (3 by default; 1 at 10 M cases "
                             "saves some 12 minutes)")
    parser.add_argument("--keep", action="store_true", help="keep the CSV and both files (GBs at 10 M cases) in the work folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cases-"))
    try:
        return measure(args, work)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def measure(args, work):
    db = work / "plan.gpkg"
    for level, name in [("street", "streets"), ("community", "communities"), ("area", "areas"), ("unit", "units")]:
        parent = [] if level == "street" else ["--parent-field", "parent"]
        run(GRIDPLAN, "import", ROOT / "GeoData" / "chikan" / f"{name}.geojson", "--db", db, "--level", level, "--crs", "cgcs2000", *parent)
    run(GRIDPLAN, "codes", "--db", db)

    import json
    district = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in
                                  json.loads((ROOT / "GeoData" / "chikan" / "streets.geojson").read_text())["features"]])
    shapely.prepare(district)
    minx, miny, maxx, maxy = district.bounds
    rng = np.random.default_rng(args.seed)
    n = args.cases
    inside_n = int(n * 0.95)
    xs, ys = np.empty(0), np.empty(0)
    while len(xs) < inside_n:
        cx, cy = rng.uniform(minx, maxx, inside_n), rng.uniform(miny, maxy, inside_n)
        keep = shapely.contains_xy(district, cx, cy)
        xs, ys = np.concatenate([xs, cx[keep]]), np.concatenate([ys, cy[keep]])
    xs = np.concatenate([xs[:inside_n], rng.uniform(minx, maxx, n - inside_n)])
    ys = np.concatenate([ys[:inside_n], rng.uniform(miny, maxy, n - inside_n)])
    minutes = rng.integers(0, 365 * 24 * 60, n)
    categories = rng.choice(["0101", "0102", "0201", "0302", "0405", "0601"], n)
    severities = rng.choice(["ordinary", "important", "major"], n, p=[0.85, 0.12, 0.03])
    statuses = rng.choice(["reported", "dispatched", "closed"], n, p=[args.open / 3, args.open * 2 / 3, 1 - args.open])
    source = work / "backlog.csv"
    base = np.datetime64("2024-01-01T00:00")
    with source.open("w") as f:
        f.write("id,lon,lat,reported_at,category,severity,status\n")
        times = (base + minutes.astype("timedelta64[m]")).astype(str)
        f.writelines(f"C{i:07d},{x:.7f},{y:.7f},{t.replace('T', ' ')},{c},{s},{st}\n"
                     for i, (x, y, t, c, s, st) in enumerate(zip(xs.tolist(), ys.tolist(), times, categories, severities, statuses)))

    # Each import runs `--repeat` times, gridplan's and ogr2ogr's taking turns, each into a new file
    # (gridplan's a copy of the plan without cases) after the page cache's dirty pages are written
    # out: the median of each is reported. One run of each swung by ±10 % on this shared machine
    # (a command that follows minutes of load on both cores runs slower).
    empty = work / "plan-without-cases.gpkg"
    shutil.copyfile(db, empty)
    peer = work / "peer.gpkg"
    ours, theirs = [], []
    for attempt in range(args.repeat):
        for path in (db, peer):
            for leftover in path.parent.glob(path.name + "*"):
                leftover.unlink()
        shutil.copyfile(empty, db)
        os.sync()
        ours.append(timed(GRIDPLAN, "cases", "import", source, "--db", db, "--crs", "cgcs2000", "--rejects", work / "rejects.csv"))
        os.sync()
        theirs.append(timed("ogr2ogr", "-f", "GPKG", peer, source, "-nln", "cases", "-a_srs", "EPSG:4490",
                            "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "KEEP_GEOM_COLUMNS=NO"))
    empty.unlink()
    result = ours[-1][0]
    ours_seconds, ours_mb = statistics.median(r[1] for r in ours), max(r[2] for r in ours)
    peer_seconds, peer_mb = statistics.median(r[1] for r in theirs), max(r[2] for r in theirs)
    with sqlite3.connect(db) as con:
        stored = con.execute("SELECT count(*) FROM cases").fetchone()[0]
        indexed = con.execute("SELECT count(*) FROM rtree_cases_geom").fetchone()[0]

    # Query boxes: squares that hold about `hits` cases at the district's mean density.
    density = n / ((maxx - minx) * (maxy - miny))
    side = (args.hits / density) ** 0.5
    # Each box is asked twice, each time by a new process (gridplan) or a new connection (the
    # peer): the first answer reads its pages from disk or the OS cache, the second finds them
    # in the OS cache.
    ours_ms, peer_ms, counts = ([], []), ([], []), []
    check_con = sqlite3.connect(db)
    for k in range(20):
        i = int(rng.integers(0, inside_n))
        box = (xs[i] - side / 2, ys[i] - side / 2, xs[i] + side / 2, ys[i] + side / 2)
        text = ",".join(f"{v:.7f}" for v in box)
        b = [float(v) for v in text.split(",")]
        for attempt in (0, 1):
            r = run(GRIDPLAN, "cases", "query", "--db", db, "--bbox", text, "--format", "csv", "--timing")
            got = len(r.stdout.splitlines()) - 1
            ours_ms[attempt].append(float(r.stderr.split(" in ")[1].split(" ms")[0]))
            peer_con = sqlite3.connect(peer)
            started = time.perf_counter()
            peer_con.execute("SELECT c.* FROM cases c JOIN rtree_cases_geom r ON c.fid = r.id "
                             "WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?",
                             (b[2], b[0], b[3], b[1])).fetchall()
            peer_ms[attempt].append((time.perf_counter() - started) * 1000)
            peer_con.close()
        want = check_con.execute("SELECT count(*) FROM cases WHERE lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?",
                                 (b[0], b[2], b[1], b[3])).fetchone()[0]
        if got != want:
            sys.exit(f"query {text}: gridplan returned {got} cases, plain SQL counts {want}")
        counts.append(got)

    # Sizes before the index measurement drops and rebuilds indexes in the file.
    file_mb = {path: size_mb(path) for path in (db, peer)}
    parts = {name: bytes_by_part(path, n) for name, path in (("gridplan", db), ("ogr2ogr", peer))}
    paid = index_costs(db)
    pages = page_costs(db)
    exports = export_costs(db, work)
    small = small_import_cost(db, work, minx, miny, maxx, maxy)
    upgrade = upgrade_cost(db, work)

    print(f"backlog: {n:,} cases ({inside_n:,} inside the district), {source.stat().st_size / 1e6:.0f} MB of CSV")
    print(f"{'import and index':<52}{'cases/s':>12}{'seconds':>10}{'file MB':>10}{'peak MB':>10}")
    print(f"{'gridplan cases import (assigns 4 levels, R-tree)':<52}{n / ours_seconds:>12,.0f}{ours_seconds:>10.1f}{file_mb[db]:>10.0f}{ours_mb:>10.0f}")
    print(f"{'ogr2ogr -f GPKG (points and R-tree only)':<52}{n / peer_seconds:>12,.0f}{peer_seconds:>10.1f}{file_mb[peer]:>10.0f}{peer_mb:>10.0f}")
    if args.repeat > 1:
        print(f"(seconds: the median of {args.repeat} runs each, in turn: gridplan {', '.join(f'{r[1]:.1f}' for r in ours)}; "
              f"ogr2ogr {', '.join(f'{r[1]:.1f}' for r in theirs)}; peak MB: the largest)")
    print(f"gridplan takes {ours_seconds / peer_seconds:.2f}× ogr2ogr's time and {file_mb[db] / file_mb[peer]:.2f}× its bytes")
    print(f"stored {stored:,} cases, {indexed:,} in the R-tree; gridplan says: {result.stdout.strip().splitlines()[-1]}")
    print()
    print("bytes per case, by what holds them (SQLite's dbstat: pages used, free space included)")
    for name, held in parts.items():
        print(f"  {name}: {sum(held.values()):,.0f} in all; " + ", ".join(f"{k} {v:,.0f}" for k, v in held.items()))
    print()
    print(f"bounding-box queries, 20 boxes of {side * 111:.2f} km, {min(counts):,}–{max(counts):,} cases each (median {statistics.median(counts):,.0f})")
    for name, times in (("gridplan cases query --timing", ours_ms), ("sqlite3 R-tree join on GDAL's file", peer_ms)):
        print(f"  {name:<36} first: median {statistics.median(times[0]):6.2f} ms, max {max(times[0]):6.2f} ms;"
              f"  again: median {statistics.median(times[1]):6.2f} ms, max {max(times[1]):6.2f} ms")
    print("  every gridplan answer equals a plain SQL count over lon/lat")
    print()
    print("what each secondary index pays for: the question it serves (`cases query --timing --repeat 3`, median), with the index")
    print("and with only that index dropped; then the time SQLite takes to build it again")
    print(f"  {'index':<17}{'question':<40}{'cases':>9}{'with ms':>10}{'without ms':>12}{'ratio':>8}{'build s':>9}")
    for name, question, hits, with_ms, without_ms, build_s in paid:
        print(f"  {name:<17}{question:<40}{hits:>9,}{with_ms:>10.2f}{without_ms:>12.2f}{without_ms / with_ms:>7.0f}×{build_s:>9.2f}")
    print("  the same cases either way; `--grid` at any level finds the filings that name the code, then their cases through the one index by filing")
    print()
    print("the first page of a list (`cases query … --limit 20 --timing --repeat 3`, median), as a list of open cases on a screen asks (`/api/cases` pages by --limit too)")
    for label, hits, ms in pages:
        print(f"  {label:<44}{hits:>9,} cases in the list{ms:>10.2f} ms")
    print()
    print("writing every case out, the whole list in time order, to a file (one process each; peak memory as GNU time measures it)")
    print(f"  {'command':<52}{'seconds':>9}{'peak MB':>9}{'file MB':>9}")
    for label, seconds, mb, size in exports:
        print(f"  {label:<52}{seconds:>9.1f}{mb:>9.0f}{size:>9.0f}")
    for k in (0, 2):
        print(f"  gridplan takes {exports[k][1] / exports[k + 1][1]:.2f}× ogr2ogr's time for {exports[k][0].split()[-1]}")
    print("  the same cases in the same order in both CSVs (ids compared line by line)")
    print()
    print(f"a small import into the plan of {stored:,} cases (`cases import` of 10 new cases, three times, median): "
          f"{small[0]:.2f} s, peak {small[1]:.0f} MB")
    print()
    print("opening a plan made before schema step v15.1 (each case's filing also as an open entry of case_assignments):")
    print("the first command (`cases query --limit 1`) upgrades it; the same command on the upgraded plan")
    for label, (seconds, mb) in upgrade.items():
        print(f"  {label:<30}{seconds:>8.1f} s{mb:>8.0f} MB peak")
    return 0


def page_costs(db):
    """The first 20 cases of lists filtered by status, category and grid, each checked against the same list in full."""
    con = sqlite3.connect(db)
    unit = con.execute("SELECT unit_code FROM cases_with_grids WHERE unit_code IS NOT NULL GROUP BY 1 ORDER BY count(*), 1").fetchall()
    con.close()
    rows = []
    for args in (["--status", "reported"], ["--status", "closed"], ["--category", "0405"], ["--grid", unit[len(unit) // 2][0]]):
        whole = run(GRIDPLAN, "cases", "query", "--db", db, *args, "--format", "csv").stdout.splitlines()
        r = run(GRIDPLAN, "cases", "query", "--db", db, *args, "--limit", "20", "--format", "csv", "--timing", "--repeat", "3")
        if r.stdout.splitlines() != whole[:21]:
            sys.exit(f"{' '.join(args)} --limit 20: not the first 20 cases of the whole list")
        times = [float(line.split(" in ")[1].split(" ms")[0]) for line in r.stderr.splitlines() if line.startswith("query:")]
        rows.append((" ".join(args) + " --limit 20", len(whole) - 1, statistics.median(times)))
    return rows


def export_costs(db, work):
    """Every case written to a file by gridplan and by ogr2ogr (the same columns, the same order), each timed
    whole; returns (label, seconds, peak MB, file MB) for gridplan CSV, ogr2ogr CSV, gridplan GeoJSON, ogr2ogr
    GeoJSON, after checking both CSVs list the same ids in the same order."""
    columns = ("external_id AS id, reported_at, category, severity, status, assign_status, unit_code AS unit, "
               "area_code AS area, community_code AS community, street_code AS street, lon, lat, address")
    rows = []
    for fmt, driver, geometry in (("csv", "CSV", ""), ("geojson", "GeoJSON", "geom, ")):
        ours, theirs = work / f"export.{fmt}", work / f"export-ogr.{fmt}"
        started = time.perf_counter()
        with ours.open("w") as out:
            result = subprocess.run(["/usr/bin/time", "-f", "%M", GRIDPLAN, "cases", "query", "--db", str(db), "--format", fmt],
                                    stdout=out, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(f"cases query --format {fmt} failed:\n{result.stderr}")
        rows.append((f"gridplan cases query --format {fmt}", seconds, int(result.stderr.strip().splitlines()[-1]) / 1024, ours.stat().st_size / 1e6))
        _, seconds, mb = timed("ogr2ogr", "-f", driver, theirs, db, "-sql", f"SELECT {geometry}{columns} FROM cases_with_grids ORDER BY reported_at, fid")
        rows.append((f"ogr2ogr -f {driver}", seconds, mb, theirs.stat().st_size / 1e6))
    with (work / "export.csv").open() as a, (work / "export-ogr.csv").open() as b:
        for n, (x, y) in enumerate(zip(a, b)):
            if n > 0 and x.split(",", 1)[0] != y.split(",", 1)[0].strip('"'):
                sys.exit(f"line {n + 1}: gridplan wrote case {x.split(',', 1)[0]}, ogr2ogr {y.split(',', 1)[0]}")
        if next(a, None) is not None or next(b, None) is not None:
            sys.exit("the two CSVs hold different numbers of cases")
    for path in work.glob("export*"):
        path.unlink()
    return rows


def small_import_cost(db, work, minx, miny, maxx, maxy):
    """The median seconds and peak MB of three `cases import` runs of 10 new cases each into the full plan."""
    runs = []
    for k in range(3):
        feed = work / f"feed{k}.csv"
        lon, lat = (minx + maxx) / 2, (miny + maxy) / 2
        feed.write_text("id,lon,lat,reported_at,category\n" + "".join(
            f"F{k}-{i},{lon + i * 1e-4:.7f},{lat:.7f},2025-01-02 08:00,0101\n" for i in range(10)))
        _, seconds, mb = timed(GRIDPLAN, "cases", "import", feed, "--db", db, "--crs", "cgcs2000")
        runs.append((seconds, mb))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def upgrade_cost(db, work):
    """The plan as a gridplan before schema step v15.1 kept it (the same cases; each one's filing also as the open
    entry of case_assignments, no assigned_at, the UTC columns not yet added back, no steps v16.1, v16.2 and v17, the status
    index of every case, each case's codes and import moment on its row, an index for each level), then the seconds and peak memory
    of the first command that opens it (which upgrades it) and of the same command again."""
    old = work / "before-v15.1.gpkg"
    with sqlite3.connect(db) as con:
        con.execute("VACUUM INTO ?", (str(old),))
    with sqlite3.connect(old) as con:
        # SQLite checks the R-tree triggers' functions when it rewrites the table (no geometry changes here).
        for name in ["ST_IsEmpty", "ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY"]:
            con.create_function(name, 1, lambda blob: None)
        con.executescript("""
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v15.1:%' OR identifier LIKE 'v16.1:%' OR identifier LIKE 'v16.2:%'
              OR identifier LIKE 'v17:%';
            DELETE FROM gpkg_data_columns WHERE table_name = 'cases' AND constraint_name IS NULL;
            DROP INDEX cases_status;
            CREATE INDEX cases_status ON cases(status);
            DROP VIEW cases_with_grids;
            DELETE FROM gpkg_geometry_columns WHERE table_name = 'cases_with_grids';
            DELETE FROM gpkg_contents WHERE table_name = 'cases_with_grids';
            DROP INDEX cases_filing;
            ALTER TABLE cases DROP COLUMN reported_at_utc;
            ALTER TABLE cases DROP COLUMN status_at_utc;
            ALTER TABLE cases DROP COLUMN closed_at_utc;
            ALTER TABLE cases ADD COLUMN unit_code TEXT;
            ALTER TABLE cases ADD COLUMN area_code TEXT;
            ALTER TABLE cases ADD COLUMN community_code TEXT;
            ALTER TABLE cases ADD COLUMN street_code TEXT;
            ALTER TABLE cases ADD COLUMN grid_fid INTEGER;
            ALTER TABLE cases ADD COLUMN plan_version INTEGER;
            UPDATE cases SET (unit_code, area_code, community_code, street_code, grid_fid, plan_version) =
              (SELECT unit_code, area_code, community_code, street_code, grid_fid, plan_version FROM internal_case_filings f
               WHERE f.id = cases.filing);
            ALTER TABLE cases DROP COLUMN filing;
            DROP TABLE internal_case_filings;
            ALTER TABLE cases ADD COLUMN imported_at TEXT NOT NULL DEFAULT '';
            UPDATE cases SET imported_at = (SELECT imported_at FROM internal_case_imports r WHERE r.id = cases.import_run);
            ALTER TABLE cases DROP COLUMN import_run;
            DROP TABLE internal_case_imports;
            CREATE INDEX cases_unit ON cases(unit_code);
            CREATE INDEX cases_area ON cases(area_code);
            CREATE INDEX cases_community ON cases(community_code);
            CREATE INDEX cases_street ON cases(street_code);
            INSERT INTO case_assignments (case_fid, assign_status, unit_code, area_code, community_code, street_code,
                                          plan_version, assigned_at, ended_at)
              SELECT fid, assign_status, unit_code, area_code, community_code, street_code, plan_version,
                     coalesce(assigned_at, imported_at), NULL FROM cases;
            ALTER TABLE cases DROP COLUMN assigned_at;
        """)
    figures = {}
    for label in ("first open (upgrades)", "again (upgraded)"):
        _, seconds, mb = timed(GRIDPLAN, "cases", "query", "--db", old, "--limit", "1")
        figures[label] = (seconds, mb)
    old.unlink()
    return figures


def index_costs(db):
    """Each secondary index of `cases`, the gridplan question it serves timed with it and without it (dropped from
    the file, then built again, that build timed), checking both answers hold the same cases."""
    con = sqlite3.connect(db)

    def middling(column):
        """A value of `column` with a median number of cases."""
        values = con.execute(f"SELECT {column} FROM cases_with_grids WHERE {column} IS NOT NULL GROUP BY 1 ORDER BY count(*), 1").fetchall()
        return values[len(values) // 2][0]

    questions = [
        ("cases_filing", ["--grid", middling("unit_code")], "--grid (a unit)"),
        ("cases_filing", ["--grid", middling("area_code")], "--grid (an area)"),
        ("cases_filing", ["--grid", middling("community_code")], "--grid (a community)"),
        ("cases_filing", ["--grid", middling("street_code")], "--grid (a street)"),
        ("cases_reported", ["--from", "2024-03-01", "--to", "2024-03-08"], "--from 2024-03-01 --to 2024-03-08"),
        ("cases_status", ["--status", "reported"], "--status reported"),
        ("cases_category", ["--category", "04"], "--category 04"),
    ]

    def ask(args):
        r = run(GRIDPLAN, "cases", "query", "--db", db, *args, "--format", "csv", "--timing", "--repeat", "3")
        times = [float(line.split(" in ")[1].split(" ms")[0]) for line in r.stderr.splitlines() if line.startswith("query:")]
        return sorted(r.stdout.splitlines()[1:]), statistics.median(times)

    rows = []
    for name, args, label in questions:
        sql = con.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone()[0]
        with_index, with_ms = ask(args)
        con.execute(f"DROP INDEX {name}")
        con.commit()
        without_index, without_ms = ask(args)
        started = time.perf_counter()
        con.execute(sql)
        con.commit()
        build_s = time.perf_counter() - started
        if with_index != without_index or not with_index:
            sys.exit(f"{label}: {len(with_index)} cases with {name}, {len(without_index)} without")
        rows.append((name, label, len(with_index), with_ms, without_ms, build_s))
    con.close()
    return rows


if __name__ == "__main__":
    sys.exit(main())
