"""Benchmark of gridplan's point-in-grid assignment against shapely 2 on the same data.

Run through tools/bench-assign (which builds gridplan in release mode first). Two sections:

Engine. The polygons are the 585 unit grids of the sample (GeoData/chikan), imported and exported
by gridplan so both sides use the identical stored geometry. Points: 95 % uniform inside the
district, 5 % uniform in its bounding box (some outside every grid), plus every vertex and every
edge midpoint of the grids (points exactly on boundaries), seeded. Timed: gridplan's engine alone
(as `gridplan assign` reports it, file reading and writing excluded) and shapely's
STRtree.query(points, predicate="within") alone (point creation excluded).

End to end. A CSV of points (id,lon,lat, 7 decimals as map apps give them) on disk, and the whole
job timed from outside, process start to exit: `gridplan assign` (release build, all cores) against
one Python process of shapely 2 doing the same job (--peer below): read the CSV with numpy, STRtree
query(predicate="within"), query_nearest in the same metric CRS gridplan measures in (CGCS2000
3-degree Gauss-Krueger) for the points in no grid, write every input row with its status and code.
gridplan does more per row by default (codes and names at four levels, distance, the point in
CGCS2000: four times the peer's bytes), so it is also timed with `--columns assign_status,nearest_code`,
the same two columns the peer writes.
Two point sets: A, 95 % inside the sample district and 5 % anywhere in its bounding box, on its
585 unit grids; B, uniform over the bounding box of the 9 real county outlines of Zhanjiang
(GeoData/zhanjiang/counties_cgcs2000.geojson), imported as one level of grids, where about half
fall in no grid. Answers compared row by row (see compare()). Peak memory: each process's maximum
resident set (/usr/bin/time).
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
    parser.add_argument("--repeat", type=int, default=3, help="end-to-end runs of each side; the median is shown")
    parser.add_argument("--skip-engine", action="store_true", help="only the end-to-end section")
    parser.add_argument("--peer", nargs=4, metavar=("POINTS_CSV", "GRIDS_GEOJSON", "OUT_CSV", "METRIC_EPSG"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        return peer(*args.peer)
    work = Path(tempfile.mkdtemp(prefix="bench-assign-"))
    status = 0 if args.skip_engine else engine(args, work)
    return end_to_end(args, work) or status


def make_plan(db):
    """The sample district's four levels imported into `db`, with codes (the tie rule needs them)."""
    for level, name in [("street", "streets"), ("community", "communities"), ("area", "areas"), ("unit", "units")]:
        parent = [] if level == "street" else ["--parent-field", "parent"]
        run("import", ROOT / "GeoData" / "chikan" / f"{name}.geojson", "--db", db, "--level", level, "--crs", "cgcs2000", *parent)
    run("codes", "--db", db)


def engine(args, work):
    db = work / "plan.gpkg"
    make_plan(db)
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
    print()
    return 1 if mismatches or not identical_threads else 0


def peer(points_csv, grids_geojson, out_csv, metric_epsg):
    """The shapely 2 side of the end-to-end section, as one process: the same job as `gridplan assign`."""
    import pyproj

    features = json.loads(Path(grids_geojson).read_text())["features"]
    polygons = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    codes = [f["properties"]["code"].encode() for f in features]
    xy = np.loadtxt(points_csv, delimiter=",", skiprows=1, usecols=(1, 2), dtype=np.float64, ndmin=2)
    n = len(xy)
    points = shapely.points(xy)
    tree = STRtree(polygons)
    point_index, grid_index = tree.query(points, predicate="within")
    answer = [None] * n
    for i, g in zip(point_index.tolist(), grid_index.tolist()):
        answer[i] = (b"within", codes[g]) if answer[i] is None else (b"within", answer[i][1] + b"|" + codes[g])
    # Points in no grid: the nearest in metres (ties: every grid at that distance).
    none = np.array([i for i in range(n) if answer[i] is None], dtype=np.int64)
    to_metric = pyproj.Transformer.from_crs("EPSG:4490", f"EPSG:{metric_epsg}", always_xy=True)
    metric_polygons = shapely.transform(polygons, lambda c: np.column_stack(to_metric.transform(c[:, 0], c[:, 1])))
    mx, my = to_metric.transform(xy[none, 0], xy[none, 1])
    near_point, near_grid = STRtree(metric_polygons).query_nearest(shapely.points(mx, my), all_matches=True)
    for k, g in zip(near_point.tolist(), near_grid.tolist()):
        i = none[k]
        answer[i] = (b"nearest", codes[g]) if answer[i] is None else (b"nearest", answer[i][1] + b"|" + codes[g])
    lines = Path(points_csv).read_bytes().split(b"\n")
    with open(out_csv, "wb") as f:
        f.write(lines[0] + b",status,code\n")
        f.write(b"".join(line + b"," + a[0] + b"," + a[1] + b"\n" for line, a in zip(lines[1:n + 1], answer)))
    return 0


def timed(command):
    """Wall seconds and peak resident megabytes of one process, timed from outside. The peak comes
    from /usr/bin/time, whose child starts small (a child forked from this process would count this
    process's memory as its own until it executes the command)."""
    with tempfile.NamedTemporaryFile("r") as report:
        started = time.perf_counter()
        result = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *map(str, command)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(f"{' '.join(map(str, command))} failed:\n{result.stderr}")
        return wall, int(report.read().split()[-1]) / 1024


def points_around(shape, n, rng, inside=0.95):
    """n seeded points in random order: the share `inside` within the (prepared) shape, the rest
    anywhere in its bounding box: a backlog of geocoded cases, most inside the area served."""
    minx, miny, maxx, maxy = shape.bounds
    inside_n = int(n * inside)
    xs, ys = np.empty(0), np.empty(0)
    while len(xs) < inside_n:
        cx, cy = rng.uniform(minx, maxx, inside_n), rng.uniform(miny, maxy, inside_n)
        keep = shapely.contains_xy(shape, cx, cy)
        xs, ys = np.concatenate([xs, cx[keep]]), np.concatenate([ys, cy[keep]])
    xs = np.concatenate([xs[:inside_n], rng.uniform(minx, maxx, n - inside_n)])
    ys = np.concatenate([ys[:inside_n], rng.uniform(miny, maxy, n - inside_n)])
    order = rng.permutation(n)
    return xs[order], ys[order]


def compare(ours_csv, peer_csv):
    """Rows whose answers differ. gridplan's assigned grid is nearest_code (the code at the plan's
    lowest level, set for every located row). Its inside rows must be within that grid for shapely;
    its boundary rows (on an edge, which shapely's `within` excludes), snapped and outside rows must
    be among shapely's nearest grids (at distance 0 for boundary rows: every grid touching the point;
    gridplan picks the lowest code). The snap distance changes the status, not the grid."""
    differ, counts = 0, {}
    with open(ours_csv, newline="") as a, open(peer_csv, newline="") as b:
        for ours, theirs in zip(csv.DictReader(a), csv.DictReader(b)):
            status, code = ours["assign_status"], ours["nearest_code"]
            counts[status] = counts.get(status, 0) + 1
            kind, codes = theirs["status"], theirs["code"].split("|")
            if status == "inside":
                ok = kind == "within" and code in codes
            elif status == "boundary":
                ok = kind == "nearest" and code == min(codes)
            else:
                ok = kind == "nearest" and code in codes
            differ += not ok
    return differ, counts


def end_to_end(args, work):
    rng = np.random.default_rng(args.seed + 1)
    n = args.points
    sets = []
    # A: the sample district's 585 unit grids (the plan of the engine section, made again if skipped).
    plan_a = work / "plan.gpkg"
    if not plan_a.exists():
        make_plan(plan_a)
    grids_a = work / "units-a.geojson"
    run("export", "--db", plan_a, "--level", "unit", "--format", "geojson", "--out", grids_a)
    polygons = np.array([shapely.geometry.shape(f["geometry"]) for f in json.loads(grids_a.read_text())["features"]])
    district = shapely.union_all(polygons)
    shapely.prepare(district)
    xs, ys = points_around(district, n, rng)
    sets.append(("A: 95 % inside the sample district, 585 unit grids", plan_a, grids_a, xs, ys))

    # B: the 9 county outlines of Zhanjiang as one level of grids; uniform over their bounding box.
    plan_b = work / "counties.gpkg"
    counties = ROOT / "GeoData" / "zhanjiang" / "counties_cgcs2000.geojson"
    run("import", counties, "--db", plan_b, "--level", "unit", "--crs", "cgcs2000")
    grids_b = work / "counties.geojson"
    run("export", "--db", plan_b, "--level", "unit", "--format", "geojson", "--out", grids_b)
    minx, miny, maxx, maxy = shapely.union_all(
        [shapely.geometry.shape(f["geometry"]) for f in json.loads(grids_b.read_text())["features"]]).bounds
    sets.append(("B: uniform over the bounding box of 9 real counties", plan_b, grids_b,
                 rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)))

    status = 0
    print(f"{'end to end, ' + format(n, ',') + ' points, CSV to CSV':<56}{'seconds':>9}{'peak MB':>9}{'vs shapely':>12}")
    for name, plan, grids, xs, ys in sets:
        points_csv = work / "e2e-points.csv"
        with points_csv.open("w") as f:
            f.write("id,lon,lat\n")
            f.writelines(f"{i},{x:.7f},{y:.7f}\n" for i, (x, y) in enumerate(zip(xs.tolist(), ys.tolist())))
        features = json.loads(Path(grids).read_text())["features"]
        centre = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in features]).envelope.centroid
        metric_epsg = 4534 + int((min(max(round(centre.x / 3) * 3, 75), 135) - 75) / 3)
        ours_csv, narrow_csv, peer_csv = work / "e2e-gridplan.csv", work / "e2e-gridplan-2.csv", work / "e2e-shapely.csv"
        base = [GRIDPLAN, "assign", points_csv, "--db", plan, "--crs", "cgcs2000"]
        ours, narrow, theirs = [], [], []
        for _ in range(args.repeat):
            ours.append(timed([*base, "--out", ours_csv]))
            narrow.append(timed([*base, "--out", narrow_csv, "--columns", "assign_status,nearest_code"]))
            theirs.append(timed([sys.executable, __file__, "--peer", points_csv, grids, peer_csv, str(metric_epsg)]))
        median = lambda runs: sorted(runs)[len(runs) // 2]
        (ours_s, ours_mb), (narrow_s, narrow_mb), (peer_s, peer_mb) = median(ours), median(narrow), median(theirs)
        differ, counts = compare(ours_csv, peer_csv)
        narrow_differ, _ = compare(narrow_csv, peer_csv)
        status |= differ > 0 or narrow_differ > 0
        sizes = [f.stat().st_size / 1e6 for f in (ours_csv, narrow_csv, peer_csv)]
        print(name)
        print(f"{'  gridplan assign (release, all cores), all 14 columns':<56}{ours_s:>9.2f}{ours_mb:>9.0f}{peer_s / ours_s:>11.1f}x")
        print(f"{'  gridplan assign --columns assign_status,nearest_code':<56}{narrow_s:>9.2f}{narrow_mb:>9.0f}{peer_s / narrow_s:>11.1f}x")
        print(f"{'  shapely 2 + numpy + pyproj, one process':<56}{peer_s:>9.2f}{peer_mb:>9.0f}{1:>11.1f}x")
        print(f"  output: {sizes[0]:.0f} MB, {sizes[1]:.0f} MB, {sizes[2]:.0f} MB")
        print("  gridplan answers: " + ", ".join(f"{v:,} {k}" for k, v in sorted(counts.items()))
              + f"; equal to shapely's: {n - differ:,} of {n:,} ({differ} differ), with --columns {n - narrow_differ:,}")
    print(f"({args.repeat} runs of each, median; {os.cpu_count()} cores; input {points_csv.stat().st_size / 1e6:.0f} MB)")
    return status


if __name__ == "__main__":
    sys.exit(main())
