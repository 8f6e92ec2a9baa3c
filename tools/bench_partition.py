"""Benchmark of `gridplan partition` against PySAL spopt on the same blocks.

Run through tools/bench-partition (which builds gridplan in release mode first).

For each case, gridplan cuts the parent into blocks along the barrier lines, puts the household
points in them and groups the blocks into grids; with `--blocks-out` it writes those very blocks,
with their households and its grid for each. spopt then groups the same blocks, with the same
rook contiguity (blocks sharing an edge):
  - MaxPHeuristic with the same floor on households (--min) — max-p picks the number of regions;
  - RegionKMeansHeuristic with gridplan's number of grids (and AZP with it, with --azp: slow).
Both get the block centroids (metres) as attributes, so their objective is compactness of a kind.
For every method: grids, share within [min, max], max |households − target|, mean Polsby–Popper
of the dissolved grids (in metres), whether every grid is contiguous, and seconds. gridplan's
seconds are its whole run (reading files, blocks, point-in-polygon, search), spopt's only its solve;
the row "gridplan (search only)" times gridplan's grouping of the blocks alone, like for like with spopt.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np

warnings.filterwarnings("ignore")

ROOT = Path(__file__).resolve().parents[1]
GRIDPLAN = os.environ.get("GRIDPLAN", str(ROOT / ".build" / "release" / "gridplan"))

CASES = {
    # name: (parent file, parent code, level, CRS of the parent file, barriers, buildings)
    "chikan-community": ("GeoData/chikan/communities.geojson", "440802001001", "community", "cgcs2000",
                         "GeoData/chikan/roads.geojson", "GeoData/chikan/buildings.geojson"),
    "chikan-street": ("GeoData/chikan/streets.geojson", "440802001", "street", "cgcs2000",
                      "GeoData/chikan/roads.geojson", "GeoData/chikan/buildings.geojson"),
    "helsinki": ("GeoData/helsinki/district.geojson", "HEL01", "community", "wgs84",
                 "GeoData/helsinki/barriers.geojson", "GeoData/helsinki/households.geojson"),
}


def run(*args):
    result = subprocess.run([GRIDPLAN, *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"gridplan {' '.join(map(str, args))} failed:\n{result.stderr}")
    return result.stdout


def measures(blocks, labels, w, lo, hi, target):
    """Figures of one grouping of the blocks."""
    frame = blocks.assign(label=labels)
    hh = frame.groupby("label")["households"].sum()
    dissolved = frame.dissolve(by="label")
    pp = [4 * math.pi * g.area / g.length ** 2 for g in dissolved.geometry]
    one_part = all(g.geom_type == "Polygon" for g in dissolved.geometry)
    # Contiguity in the rook graph: every region one connected set of blocks.
    connected = True
    for label, members in frame.groupby("label").groups.items():
        members = set(members)
        start = next(iter(members))
        seen, stack = {start}, [start]
        while stack:
            b = stack.pop()
            for n in w.neighbors[b]:
                if n in members and n not in seen:
                    seen.add(n)
                    stack.append(n)
        connected &= len(seen) == len(members)
    return {
        "grids": len(hh),
        "within": float(((hh >= lo) & (hh <= hi)).mean()),
        "max_dev": float((hh - target).abs().max()),
        "mean_pp": float(np.mean(pp)),
        "contiguous": bool(connected and one_part),
    }


def bench(name, seed, lo, hi, target, azp):
    parent_file, code, level, crs, barriers, buildings = CASES[name]
    with tempfile.TemporaryDirectory() as tmp:
        db, out = Path(tmp) / "plan.gpkg", Path(tmp) / "blocks.geojson"
        run("import", ROOT / parent_file, "--db", db, "--level", level, "--crs", crs)
        started = time.perf_counter()
        report = json.loads(run("partition", "--db", db, "--parent", code, "--barriers", ROOT / barriers,
                                "--buildings", ROOT / buildings, "--seed", seed, "--min", lo, "--max", hi, "--target", target,
                                "--dry-run", "--json", "--blocks-out", out))
        wall = time.perf_counter() - started
        blocks = gpd.read_file(out)
    blocks = blocks.to_crs(blocks.estimate_utm_crs()).reset_index(drop=True)
    blocks["cx"] = blocks.geometry.centroid.x
    blocks["cy"] = blocks.geometry.centroid.y
    from libpysal.weights import Rook
    w = Rook.from_dataframe(blocks, use_index=False)
    rows = []
    ours = measures(blocks, blocks["grid"].values, w, lo, hi, target)
    ours.update(method="gridplan", seconds=wall)
    search = dict(ours, method="gridplan (search only)", seconds=sum(p["search_seconds"] for p in report["parents"]))
    rows.append(ours)
    rows.append(search)
    k = ours["grids"]
    households = float(blocks["households"].sum())

    from spopt.region import MaxPHeuristic, RegionKMeansHeuristic, AZP
    t = time.perf_counter()
    maxp = MaxPHeuristic(blocks, w, ["cx", "cy"], "households", lo, top_n=2, max_iterations_construction=99)
    maxp.solve()
    rows.append(dict(measures(blocks, maxp.labels_, w, lo, hi, target), method="spopt max-p", seconds=time.perf_counter() - t))
    t = time.perf_counter()
    rkm = RegionKMeansHeuristic(blocks[["cx", "cy"]].values, k, w)
    rkm.solve()
    rows.append(dict(measures(blocks, rkm.labels_, w, lo, hi, target), method=f"spopt region-kmeans k={k}", seconds=time.perf_counter() - t))
    if azp:
        t = time.perf_counter()
        model = AZP(blocks, w, ["cx", "cy"], k)
        model.solve()
        rows.append(dict(measures(blocks, model.labels_, w, lo, hi, target), method=f"spopt azp k={k}", seconds=time.perf_counter() - t))
    print(f"\n{name}: {len(blocks)} blocks, {households:.0f} households, bounds {lo}–{hi}, target {target}; "
          f"gridplan's own time {report['seconds']:.2f} s")
    print(f"{'method':<28}{'grids':>6}{'within':>9}{'max dev':>9}{'mean PP':>9}{'contig.':>9}{'seconds':>9}")
    for r in rows:
        print(f"{r['method']:<28}{r['grids']:>6}{r['within'] * 100:>8.1f}%{r['max_dev']:>9.0f}{r['mean_pp']:>9.3f}"
              f"{'yes' if r['contiguous'] else 'NO':>9}{r['seconds']:>9.2f}")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", default="chikan-community,chikan-street,helsinki")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min", type=int, default=300)
    parser.add_argument("--max", type=int, default=500)
    parser.add_argument("--target", type=int, default=400)
    parser.add_argument("--azp", action="store_true", help="also run spopt's AZP (minutes on hundreds of blocks)")
    args = parser.parse_args()
    for name in args.cases.split(","):
        bench(name, args.seed, args.min, args.max, args.target, args.azp)


if __name__ == "__main__":
    main()
