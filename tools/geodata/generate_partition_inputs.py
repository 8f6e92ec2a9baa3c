#!/usr/bin/env python3
"""Inputs for `gridplan partition` (cutting grids along streets): barrier lines and
household points, for the generated 赤坎区 sample and the real Helsinki extract.

Outputs (RFC 7946 GeoJSON, lon/lat, 7 decimals):

  GeoData/chikan/roads.geojson        GENERATED street lines: a jittered lattice over the
                                      county (two families of near-parallel lines 60-140 m
                                      apart, the lattice turned 12 degrees, every line tilted
                                      by up to 2 degrees), clipped to the county buffered by
                                      50 m.  properties: id, generated
  GeoData/chikan/buildings.geojson    GENERATED household points: for every unit grid of
                                      units.geojson, 3 or more points drawn uniformly inside it
                                      (about one per 25 households), the unit's households and
                                      residents shared out among them at random, so the points
                                      of a unit carry exactly its households and residents.
                                      properties: households, residents, unit, generated
  GeoData/helsinki/barriers.geojson   REAL OSM streets of streets.geojson that bound city blocks:
                                      highway in primary, secondary, tertiary, their _link,
                                      residential, unclassified, pedestrian, living_street
                                      (footways, service roads, steps, cycleways, trails and
                                      platforms run inside blocks and courtyards and are left out)
  GeoData/helsinki/households.geojson one point per building of buildings.geojson (a point on
                                      its surface) with ESTIMATED households and residents:
                                      floor area = footprint area (EPSG:3067) x levels
                                      (building:levels, else 5, the usual height in the centre);
                                      residential share 1.0 for apartments/residential/house,
                                      0.25 for building=yes (the centre is mostly offices and shops), 0 for every
                                      other tag (public, office, retail, church, ...); households
                                      = round(floor area x share x 0.8 / 90 m2), residents =
                                      round(households x 1.8) (Helsinki's mean household size).
                                      properties: osm_id, building, levels, footprint_m2,
                                      households, residents, estimated
  GeoData/helsinki/district.geojson   one polygon to cut: the extract's bbox (24.935-24.953 E,
                                      60.164-60.179 N) inset by 0.0005 degrees, code HEL01, with
                                      the summed households and residents.  Not an official
                                      boundary: the extract has none (see admin.geojson).

Deterministic for a given --seed (default 2024).

Usage:  python tools/geodata/generate_partition_inputs.py [--seed 2024]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path

from shapely.geometry import LineString, Point, box, mapping, shape
from shapely.ops import transform
from pyproj import Transformer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GEODATA, round_coords  # noqa: E402


def write(path: Path, features: list[dict]) -> None:
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    print(f"{len(features):6d} features  {path.relative_to(GEODATA.parent)}")


def feature(geom, props: dict) -> dict:
    g = mapping(geom)
    return {"type": "Feature", "properties": props, "geometry": {"type": g["type"], "coordinates": round_coords(g["coordinates"], 7)}}


def chikan(rng: random.Random) -> None:
    to_m = Transformer.from_crs(4490, 4546, always_xy=True).transform
    to_ll = Transformer.from_crs(4546, 4490, always_xy=True).transform
    county = shape(json.loads((GEODATA / "chikan/county.geojson").read_text())["features"][0]["geometry"])
    county_m = transform(to_m, county)
    clip = county_m.buffer(50)
    minx, miny, maxx, maxy = clip.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half = math.hypot(maxx - minx, maxy - miny) / 2 + 300
    roads = []
    for family, base in ((0, math.radians(12)), (1, math.radians(102))):
        # Lines perpendicular to the family's normal, spaced 90-220 m along it.
        nx, ny = math.cos(base), math.sin(base)
        tx, ty = -ny, nx
        offset = -half
        while offset < half:
            tilt = math.radians(rng.uniform(-2, 2))
            dx, dy = tx * math.cos(tilt) - ty * math.sin(tilt), tx * math.sin(tilt) + ty * math.cos(tilt)
            px, py = cx + nx * offset, cy + ny * offset
            line = LineString([(px - dx * half, py - dy * half), (px + dx * half, py + dy * half)]).intersection(clip)
            for part in getattr(line, "geoms", [line]):
                if part.length > 0 and part.geom_type == "LineString":
                    roads.append(part)
            offset += rng.uniform(60, 140)
    write(GEODATA / "chikan/roads.geojson",
          [feature(transform(to_ll, r), {"id": i + 1, "generated": True}) for i, r in enumerate(roads)])

    units = json.loads((GEODATA / "chikan/units.geojson").read_text())["features"]
    points = []
    for u in units:
        poly = shape(u["geometry"])
        hh, res = u["properties"]["households"], u["properties"]["residents"]
        n = max(3, round(hh / 25))
        weights = [rng.random() + 0.2 for _ in range(n)]
        total = sum(weights)
        shares = [int(hh * w / total) for w in weights]
        for i in range(hh - sum(shares)):
            shares[i % n] += 1
        rshares = [int(res * s / hh) if hh else 0 for s in shares]
        for i in range(res - sum(rshares)):
            rshares[i % n] += 1
        minx, miny, maxx, maxy = poly.bounds
        for s, r in zip(shares, rshares):
            while True:
                p = Point(round(rng.uniform(minx, maxx), 7), round(rng.uniform(miny, maxy), 7))
                if poly.contains(p):
                    break
            points.append(feature(p, {"households": s, "residents": r, "unit": u["properties"]["name"], "generated": True}))
    write(GEODATA / "chikan/buildings.geojson", points)


BARRIER_HIGHWAYS = {"primary", "secondary", "tertiary", "primary_link", "secondary_link", "tertiary_link",
                    "residential", "unclassified", "pedestrian", "living_street", "trunk", "trunk_link"}


def helsinki() -> None:
    streets = json.loads((GEODATA / "helsinki/streets.geojson").read_text())["features"]
    barriers = [f for f in streets if f["properties"]["highway"] in BARRIER_HIGHWAYS]
    write(GEODATA / "helsinki/barriers.geojson", barriers)

    to_m = Transformer.from_crs(4326, 3067, always_xy=True).transform
    buildings = json.loads((GEODATA / "helsinki/buildings.geojson").read_text())["features"]
    out = []
    total_hh = total_res = 0
    for b in buildings:
        g = shape(b["geometry"])
        tag = b["properties"]["building"]
        levels_text = b["properties"].get("building:levels")
        try:
            levels = float(levels_text) if levels_text else 5.0
        except ValueError:
            levels = 5.0
        share = 1.0 if tag in ("apartments", "residential", "house") else 0.25 if tag == "yes" else 0.0
        footprint = transform(to_m, g).area
        hh = round(footprint * levels * share * 0.8 / 90)
        res = round(hh * 1.8)
        total_hh += hh
        total_res += res
        out.append(feature(g.representative_point(), {
            "osm_id": b["properties"]["osm_id"], "building": tag, "levels": levels, "footprint_m2": round(footprint, 1),
            "households": hh, "residents": res, "estimated": True}))
    write(GEODATA / "helsinki/households.geojson", out)
    district = box(24.935 + 0.0005, 60.164 + 0.0005, 24.953 - 0.0005, 60.179 - 0.0005)
    write(GEODATA / "helsinki/district.geojson", [feature(district, {
        "code": "HEL01", "name": "Helsinki centre (extract bbox)", "households": total_hh, "residents": total_res,
        "generated": True})])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    chikan(random.Random(args.seed))
    helsinki()


if __name__ == "__main__":
    main()
