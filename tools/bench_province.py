"""Province scale: a plan of N unit grids (default 100,000) and a backlog of points, each job timed
end to end (files in, files out, one process) beside the peer a platform would otherwise run.

Run through tools/bench-province (which builds gridplan in release mode first).

The grids: N Voronoi cells of seeded random points inside the union of Zhanjiang's 9 real county
outlines (GeoData/zhanjiang, 13,000 km², so cells of about 0.13 km², a real unit grid's size),
clipped to it: a seamless partition, made with shapely (GEOS). The points: P (default 1,000,000),
95 % inside the outline and 5 % anywhere in its bounding box.

Measured, each with its peak memory (/usr/bin/time):
- `gridplan import` of the cells (GeoJSON in, GeoPackage with R-tree out), and GDAL's bare
  `ogr2ogr -f GPKG` of the same file;
- `gridplan assign` of the points (CSV in, CSV out) and one shapely 2 process doing the same job
  (tools/bench_assign.py --peer: numpy read, STRtree `within`, `query_nearest` in metres for points in
  no grid, CSV out), with the ratio and a comparison of every answer;
- PostGIS 3 on a private PostgreSQL 15 (tools/pg-cluster): the plan copied in with `gridplan copy`
  (not timed as the peer's work), then one psql session doing the same assignment end to end: COPY
  the CSV in, make the points, the covering grid of each (GiST index, ST_Covers, lowest code) and
  for points in none the nearest grid by `<->`, COPY the answers out. Answers compared for the
  points inside a grid (PostGIS's nearest is in degrees, not metres, so those are not compared);
- `gridplan plan diff` of the whole province redrawn (a second set of N cells from another seed over
  the same outline, imported with --replace as the plan's next version), and one shapely 2 process
  finding the same pieces (tools/bench_province.py --peer-diff: both GeoJSONs read, an STRtree of the
  new cells, each old cell intersected with the new cells of other codes in the CGCS2000 Gauss-Krüger
  zone, pieces of 1 m² or more written as CSV): piece counts, total area and every pair's area compared.
"""
import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

from bench_assign import compare, points_around, timed

ROOT = Path(__file__).resolve().parents[1]
GRIDPLAN = os.environ.get("GRIDPLAN", str(ROOT / ".build" / "release" / "gridplan"))
PSQL = "/usr/lib/postgresql/15/bin/psql"


def make_cells(n, seed, path):
    """N clipped Voronoi cells over the outline, written as GeoJSON with a code and a name each."""
    counties = json.loads((ROOT / "GeoData" / "zhanjiang" / "counties_cgcs2000.geojson").read_text())["features"]
    outline = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in counties])
    shapely.prepare(outline)
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = outline.bounds
    xs, ys = np.empty(0), np.empty(0)
    while len(xs) < n:
        cx, cy = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
        keep = shapely.contains_xy(outline, cx, cy)
        xs, ys = np.concatenate([xs, cx[keep]]), np.concatenate([ys, cy[keep]])
    seeds = shapely.multipoints(np.column_stack([xs[:n], ys[:n]]))
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=shapely.box(minx, miny, maxx, maxy).buffer(0.1)))
    clipped = shapely.intersection(cells, outline)
    # On a 1e-7° grid (1 cm), as GeoJSON from GDAL is written: the peer reads the grids back from
    # gridplan's export, so both must hold the same coordinates to the last bit.
    clipped = shapely.set_precision(clipped[~shapely.is_empty(clipped)], 1e-7)
    clipped = shapely.transform(clipped[~shapely.is_empty(clipped)], lambda c: np.round(c, 7))
    features = []
    for i, cell in enumerate(clipped):
        polygons = [g for g in shapely.get_parts(cell) if g.geom_type == "Polygon" and g.area > 0]
        if not polygons:
            continue
        geometry = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
        features.append({"type": "Feature", "properties": {"code": f"U{i:06d}", "name": f"网格{i}"},
                         "geometry": shapely.geometry.mapping(geometry)})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return outline, len(features)


def make_points(outline, count, seed, path):
    xs, ys = points_around(outline, count, np.random.default_rng(seed + 1))
    with path.open("w") as f:
        f.write("id,lon,lat\n")
        f.writelines(f"{i},{x:.7f},{y:.7f}\n" for i, (x, y) in enumerate(zip(xs.tolist(), ys.tolist())))


def peer_diff(old_geojson, new_geojson, epsg, out_csv):
    """The pieces `plan diff` writes, found with shapely: for each old cell, its overlap with each new
    cell of another code (the new cells do not overlap, so that is the old cell less its successor,
    within the new one), measured in the zone's metres; pieces under 1 m² left out, as gridplan's
    default tolerance does."""
    import pyproj

    def read(path):
        features = json.loads(Path(path).read_text())["features"]
        codes = [f["properties"]["code"] for f in features]
        geometries = np.array([shapely.geometry.shape(f["geometry"]) for f in features])
        return codes, geometries

    to_metres = pyproj.Transformer.from_crs("EPSG:4490", f"EPSG:{epsg}", always_xy=True)
    old_codes, old = read(old_geojson)
    new_codes, new = read(new_geojson)
    old = shapely.transform(old, lambda c: np.column_stack(to_metres.transform(c[:, 0], c[:, 1])))
    new = shapely.transform(new, lambda c: np.column_stack(to_metres.transform(c[:, 0], c[:, 1])))
    tree = shapely.STRtree(new)
    left, right = tree.query(old, predicate="intersects")
    other = np.array([old_codes[a] != new_codes[b] for a, b in zip(left.tolist(), right.tolist())], dtype=bool)
    left, right = left[other], right[other]
    areas = shapely.area(shapely.intersection(old[left], new[right]))
    with open(out_csv, "w") as f:
        f.write("from,to,area_m2\n")
        for a, b, area in zip(left.tolist(), right.tolist(), areas.tolist()):
            if area >= 1.0:
                f.write(f"{old_codes[a]},{new_codes[b]},{area:.4f}\n")


def compare_diff(plan, peer_csv):
    """gridplan's moved pieces (plan_changes) against the peer's: counts, total area, and the pairs
    of 10 m² or more (a pair near the 1 m² threshold may fall either side)."""
    with sqlite3.connect(plan) as db:
        ours = {(a, b): area for a, b, area in db.execute("SELECT grid, other_grid, area_m2 FROM plan_changes WHERE change = 'moved'")}
        dropped = db.execute("SELECT count(*), coalesce(sum(area_m2), 0) FROM plan_changes WHERE change = 'dropped'").fetchone()
    with open(peer_csv) as f:
        theirs = {(r["from"], r["to"]): float(r["area_m2"]) for r in csv.DictReader(f)}
    big = {k for k, v in theirs.items() if v >= 10} | {k for k, v in ours.items() if v >= 10}
    differ = sum(1 for k in big if abs(ours.get(k, 0) - theirs.get(k, 0)) > max(0.01, 1e-6 * theirs.get(k, 0)))
    return len(ours), len(theirs), sum(ours.values()), sum(theirs.values()), len(big), differ, dropped


def postgis_assign(url, points_csv, out_csv):
    """The assignment as one psql session: CSV in, answers out."""
    script = f"""
\\set ON_ERROR_STOP on
CREATE TEMP TABLE points (id bigint, lon double precision, lat double precision);
\\copy points FROM '{points_csv}' CSV HEADER
ALTER TABLE points ADD COLUMN geom geometry(Point, 4490);
UPDATE points SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4490);
CREATE TEMP TABLE answers AS
  SELECT p.id, c.code AS covering,
         CASE WHEN c.code IS NULL THEN (SELECT g.code FROM grids g WHERE g.valid_to IS NULL ORDER BY g.geom <-> p.geom LIMIT 1) END AS nearest
  FROM points p
  LEFT JOIN LATERAL (SELECT g.code FROM grids g WHERE g.valid_to IS NULL AND ST_Covers(g.geom, p.geom) ORDER BY g.code LIMIT 1) c ON true;
\\copy (SELECT id, covering, nearest FROM answers ORDER BY id) TO '{out_csv}' CSV HEADER
"""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    try:
        return timed([PSQL, "-X", "-q", "-d", url, "-f", f.name])
    finally:
        os.unlink(f.name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--grids", type=int, default=100_000)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--no-postgis", action="store_true", help="skip the PostGIS peer")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gridplan-province-"))
    cells = work / "cells.geojson"
    started = time.perf_counter()
    outline, n = make_cells(args.grids, args.seed, cells)
    print(f"{n:,} unit grids: clipped Voronoi cells over Zhanjiang's 9 county outlines "
          f"({time.perf_counter() - started:.1f} s to make with shapely; {cells.stat().st_size / 1e6:.0f} MB GeoJSON)")
    points = work / "points.csv"
    make_points(outline, args.points, args.seed, points)
    plan = work / "plan.gpkg"
    status = 0

    print(f"{'':<58}{'seconds':>9}{'peak MB':>9}")
    seconds, mb = timed([GRIDPLAN, "import", cells, "--db", plan, "--level", "unit", "--crs", "cgcs2000"])
    print(f"{'gridplan import (GeoJSON → GeoPackage, R-tree)':<58}{seconds:>9.1f}{mb:>9.0f}   {plan.stat().st_size / 1e6:.0f} MB file")
    # The peer a user would otherwise pick to bring the cells into a GeoPackage: GDAL's bare
    # conversion (no checks of the grids, no history, no hierarchy).
    peer_gpkg = work / "ogr2ogr.gpkg"
    peer_seconds, peer_mb = timed(["ogr2ogr", "-f", "GPKG", peer_gpkg, cells, "-nln", "units", "-a_srs", "EPSG:4490"])
    print(f"{'ogr2ogr -f GPKG (features and R-tree only)':<58}{peer_seconds:>9.1f}{peer_mb:>9.0f}   "
          f"{peer_gpkg.stat().st_size / 1e6:.0f} MB file; gridplan takes {seconds / peer_seconds:.2f}x its time")

    ours_csv, peer_csv = work / "gridplan.csv", work / "shapely.csv"
    ours = timed([GRIDPLAN, "assign", points, "--db", plan, "--out", ours_csv, "--crs", "cgcs2000"])
    grids_geojson = work / "grids-export.geojson"
    subprocess.run([GRIDPLAN, "export", "--db", plan, "--level", "unit", "--format", "geojson", "--out", grids_geojson],
                   check=True, capture_output=True)
    centre = outline.envelope.centroid
    metric_epsg = 4534 + int((min(max(round(centre.x / 3) * 3, 75), 135) - 75) / 3)
    peer = timed([sys.executable, ROOT / "tools" / "bench_assign.py", "--peer", points, grids_geojson, peer_csv, metric_epsg])
    rate = args.points / ours[0]
    print(f"{'gridplan assign ' + format(args.points, ',') + ' points (CSV → CSV)':<58}{ours[0]:>9.2f}{ours[1]:>9.0f}   "
          f"{rate:,.0f} points/s end to end")
    print(f"{'shapely 2 + numpy + pyproj, one process':<58}{peer[0]:>9.2f}{peer[1]:>9.0f}   gridplan {peer[0] / ours[0]:.1f}x")
    differ, counts = compare(ours_csv, peer_csv)
    status |= differ > 0
    print("  gridplan answers: " + ", ".join(f"{v:,} {k}" for k, v in sorted(counts.items()))
          + f"; equal to shapely's: {args.points - differ:,} of {args.points:,}")

    # The province redrawn whole: every cell replaced by one of another seed's cells.
    cells2 = work / "cells2.geojson"
    make_cells(args.grids, args.seed + 7, cells2)
    redrawn = work / "redrawn.gpkg"
    subprocess.run(["cp", plan, redrawn], check=True)
    subprocess.run([GRIDPLAN, "import", cells2, "--db", redrawn, "--level", "unit", "--crs", "cgcs2000", "--replace",
                    "--valid-from", "2100-01-01"], check=True, capture_output=True)
    seconds, mb = timed([GRIDPLAN, "plan", "diff", "--db", redrawn, "--from", "1", "--to", "2"])
    diff_csv = work / "shapely-diff.csv"
    peer_run = timed([sys.executable, Path(__file__).resolve(), "--peer-diff", cells, cells2, metric_epsg, diff_csv])
    ours_n, peer_n, ours_area, peer_area, pairs, differ, dropped = compare_diff(redrawn, diff_csv)
    print(f"{'gridplan plan diff, the province redrawn (' + format(ours_n, ',') + ' pieces)':<58}{seconds:>9.2f}{mb:>9.0f}")
    print(f"{'shapely 2 + pyproj, one process (STRtree, intersection)':<58}{peer_run[0]:>9.2f}{peer_run[1]:>9.0f}   "
          f"gridplan {peer_run[0] / seconds:.2f}x")
    print(f"  pieces of 1 m² or more: gridplan {ours_n:,}, shapely {peer_n:,}; area moved {ours_area / 1e6:,.4f} km² and "
          f"{peer_area / 1e6:,.4f} km²; pairs of 10 m² or more: {pairs:,}, {differ} differing; "
          f"territory no new grid covers: {dropped[0]} pieces, {dropped[1]:.1f} m²")
    status |= differ > 0 or abs(ours_area - peer_area) > 1e-6 * peer_area

    if not args.no_postgis:
        cluster = Path(tempfile.mkdtemp(prefix="gridplan-pg-"))
        port = 55000 + os.getpid() % 5000
        started = subprocess.run([ROOT / "tools" / "pg-cluster", "start", cluster, str(port)], capture_output=True, text=True)
        if started.returncode != 0:
            sys.exit(started.stderr)
        url = started.stdout.strip()
        try:
            copy_started = time.perf_counter()
            subprocess.run([GRIDPLAN, "copy", "--from", plan, "--to", url], check=True, capture_output=True)
            copy_seconds = time.perf_counter() - copy_started
            subprocess.run([PSQL, "-X", "-q", "-d", url, "-c", "VACUUM ANALYZE grids"], check=True, capture_output=True)
            pg_csv = work / "postgis.csv"
            seconds, mb = postgis_assign(url, points, pg_csv)
            print(f"{'PostGIS 3: psql COPY in, ST_Covers join, <-> nearest, COPY out':<58}{seconds:>9.2f}{'-':>9}   "
                  f"gridplan {seconds / ours[0]:.1f}x (the plan copied in by gridplan copy first: {copy_seconds:.1f} s)")
            with ours_csv.open() as a, pg_csv.open() as b:
                theirs = {int(r["id"]): r["covering"] for r in csv.DictReader(b)}
                checked = same = 0
                for r in csv.DictReader(a):
                    if r["assign_status"] in ("inside", "boundary"):
                        checked += 1
                        same += theirs.get(int(r["id"])) == r["nearest_code"]
            status |= same != checked
            print(f"  PostGIS's covering grid equal to gridplan's for {same:,} of {checked:,} points inside a grid")
        finally:
            subprocess.run([ROOT / "tools" / "pg-cluster", "stop", cluster], capture_output=True)
            subprocess.run(["rm", "-rf", str(cluster)])
    print(f"(2 cores; input {points.stat().st_size / 1e6:.0f} MB; work folder {work})")
    subprocess.run(["rm", "-rf", str(work)])
    return status


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--peer-diff":
        peer_diff(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
        sys.exit(0)
    sys.exit(main())
