"""Benchmark of gridplan's point-in-grid assignment against shapely 2 on the same data.

Run through tools/bench-assign (which builds gridplan in release mode first).
The polygons are the 585 unit grids of the sample (GeoData/chikan), imported and exported by
gridplan so both sides use the identical stored geometry. Points: 95 % uniform inside the district,
5 % uniform in its bounding box (some outside every grid), plus every vertex and every edge
midpoint of the grids (points exactly on boundaries), seeded. Timed: gridplan's engine alone (as
`gridplan assign` reports it, file reading and writing excluded) and shapely's
STRtree.query(points, predicate="within") alone (point creation excluded).
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely
from shapely import STRtree

ROOT = Path(__file__).resolve().parents[1]
GRIDPLAN = os.environ.get("GRIDPLAN", str(ROOT / ".build" / "release" / "gridplan"))


def run(*args):
    result = subprocess.run([GRIDPLAN, *map(str, args)], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"gridplan {' '.join(map(str, args))} failed:\n{result.stderr}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-assign-"))
    db = work / "plan.gpkg"
    for level, name in [("street", "streets"), ("community", "communities"), ("area", "areas"), ("unit", "units")]:
        parent = [] if level == "street" else ["--parent-field", "parent"]
        run("import", ROOT / "GeoData" / "chikan" / f"{name}.geojson", "--db", db, "--level", level, "--crs", "cgcs2000", *parent)
    run("codes", "--db", db)
    exported = work / "units.geojson"
    run("export", "--db", db, "--level", "unit", "--format", "geojson", "--out", exported)
    features = json.loads(exported.read_text())["features"]
    polygons = np.array([shapely.geometry.shape(f["geometry"]) for f in features])
    codes = [f["properties"]["code"] for f in features]

    rng = np.random.default_rng(args.seed)
    district = shapely.union_all(polygons)
    shapely.prepare(district)
    minx, miny, maxx, maxy = district.bounds
    inside_n = int(args.points * 0.95)
    xs, ys = [], []
    while len(xs) < inside_n:
        cx = rng.uniform(minx, maxx, inside_n); cy = rng.uniform(miny, maxy, inside_n)
        keep = shapely.contains_xy(district, cx, cy)
        xs.extend(cx[keep]); ys.extend(cy[keep])
    xs, ys = xs[:inside_n], ys[:inside_n]
    edge_x, edge_y = [], []
    for p in polygons:
        c = shapely.get_coordinates(p)
        edge_x.extend(c[:, 0]); edge_y.extend(c[:, 1])
        edge_x.extend((c[:-1, 0] + c[1:, 0]) / 2); edge_y.extend((c[:-1, 1] + c[1:, 1]) / 2)
    rest = args.points - inside_n - len(edge_x)
    xs = np.concatenate([xs, edge_x, rng.uniform(minx, maxx, rest)])
    ys = np.concatenate([ys, edge_y, rng.uniform(miny, maxy, rest)])
    n = len(xs)
    points_csv = work / "points.csv"
    with points_csv.open("w") as f:
        f.write("id,lon,lat\n")
        f.writelines(f"{i},{x!r},{y!r}\n" for i, (x, y) in enumerate(zip(xs.tolist(), ys.tolist())))

    results = {}
    for threads in (1, 2):
        out = work / f"assigned-{threads}.csv"
        started = time.perf_counter()
        r = run("assign", points_csv, "--db", db, "--out", out, "--crs", "cgcs2000", "--threads", threads)
        wall = time.perf_counter() - started
        engine = float(re.search(r"engine: (\d+) points/s", r.stderr).group(1))
        results[threads] = (engine, wall, out)

    started = time.perf_counter()
    points = shapely.points(xs, ys)
    make_points = time.perf_counter() - started
    tree = STRtree(polygons)
    started = time.perf_counter()
    pairs = tree.query(points, predicate="within")
    shapely_seconds = time.perf_counter() - started
    shapely_rate = n / shapely_seconds

    # Compare answers point by point.
    within = [[] for _ in range(n)]
    for point_index, polygon_index in zip(*pairs):
        within[point_index].append(codes[polygon_index])
    with results[1][2].open() as f:
        ours = [(row["assign_status"], row["unit_code"]) for row in csv.DictReader(f)]
    identical_threads = results[1][2].read_bytes() == results[2][2].read_bytes()
    touching = tree.query(points, predicate="intersects")
    covering = [[] for _ in range(n)]
    for point_index, polygon_index in zip(*touching):
        covering[point_index].append(codes[polygon_index])
    mismatches = 0
    counts = {}
    for i, (status, code) in enumerate(ours):
        counts[status] = counts.get(status, 0) + 1
        if status == "inside":
            ok = within[i] == [code]
        elif status == "boundary":      # on a shared edge: shapely's "within" says no grid; ours is the lowest code touching it
            ok = not within[i] and code == min(covering[i])
        else:                            # outside / snapped: in no grid at all
            ok = not covering[i]
        mismatches += not ok

    print(f"points: {n:,} ({inside_n:,} inside the district, {len(edge_x):,} on grid vertices and edges, {rest:,} anywhere in its bounding box)")
    print(f"polygons: {len(polygons)} unit grids of the sample (GeoData/chikan), {sum(len(shapely.get_coordinates(p)) for p in polygons):,} vertices")
    print(f"gridplan answers: " + ", ".join(f"{v:,} {k}" for k, v in sorted(counts.items())))
    print()
    print(f"{'engine':<46}{'points/s':>14}{'vs shapely':>12}")
    print(f"{'gridplan assign, 1 thread (engine only)':<46}{results[1][0]:>14,.0f}{results[1][0] / shapely_rate:>11.1f}x")
    print(f"{'gridplan assign, 2 threads (engine only)':<46}{results[2][0]:>14,.0f}{results[2][0] / shapely_rate:>11.1f}x")
    print(f"{'shapely 2 STRtree.query(predicate=within)':<46}{shapely_rate:>14,.0f}{1:>11.1f}x")
    print()
    print(f"gridplan assign end to end (read CSV, assign, write CSV): {results[1][1]:.2f} s on 1 thread, {results[2][1]:.2f} s on 2")
    print(f"shapely: creating the points took {make_points:.2f} s more")
    print(f"answers equal to shapely's: {n - mismatches:,} of {n:,} ({mismatches} differ); 1 and 2 threads identical: {identical_threads}")
    print(f"shapely {shapely.__version__}, GEOS {shapely.geos_version_string}")
    return 1 if mismatches or not identical_threads else 0


if __name__ == "__main__":
    sys.exit(main())
