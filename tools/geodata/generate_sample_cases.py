#!/usr/bin/env python3
"""Generate a GENERATED incident backlog for the sample district: GeoData/chikan/cases_2024.csv.

No public source has real geocoded incidents of 赤坎区, so the sample backlog is invented,
seeded and labelled as generated. It exists so that `tools/demo` and the notebooks can show the
case store end to end; tests that need exact answers make their own data.

Method:
  1. Each case picks a unit grid (GeoData/chikan/units.geojson) with probability proportional
     to its households, then a uniform point inside it (rejection sampling in its bounding box).
     1 % of the cases instead get GPS noise: the point of a random case moved up to 60 m in a
     random direction, so some land just outside the county outline (snapped or outside).
  2. Reported times: uniform over 2024, in China Standard Time.
  3. Categories: the six top classes of the urban-management standard (01 市容环境,
     02 宣传广告, 03 施工管理, 04 街面秩序, 05 突发事件, 06 其他) with four-digit sub-codes.
     Severities ordinary/important/major 85/12/3 %. Channels hotline/app/patrol.
  4. Status: 70 % closed (closing 0.5 h – 20 days after the report, log-normal), the rest
     spread over the open states of the life cycle.
  5. Address text: the street and community names of the unit's chain, plus a remainder
     (附近, 对面, 旁) — what a caller says, for the geocoder.

Coordinates are CGCS2000 lon/lat (as from a GPS device), 7 decimals.

Usage: generate_sample_cases.py [--seed 2024] [--count 5000]
"""
import argparse
import csv
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[2]
CHIKAN = ROOT / "GeoData" / "chikan"
CATEGORIES = ["0101", "0102", "0103", "0201", "0202", "0301", "0302", "0401", "0402", "0403", "0501", "0601"]
OPEN_STATES = ["reported", "verified", "accepted", "dispatched", "handled", "checked"]
CST = dt.timezone(dt.timedelta(hours=8))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    def features(name):
        return json.loads((CHIKAN / f"{name}.geojson").read_text())["features"]

    units, areas, communities, streets = (features(n) for n in ("units", "areas", "communities", "streets"))
    area_parent = {f["properties"]["name"]: f["properties"]["parent"] for f in areas}
    community = {f["properties"]["code"]: f["properties"] for f in communities}
    street = {f["properties"]["code"]: f["properties"]["name"] for f in streets}
    polygons = [shape(f["geometry"]) for f in units]
    households = np.array([f["properties"]["households"] for f in units], dtype=float)
    picks = rng.choice(len(units), size=args.count, p=households / households.sum())

    rows = []
    start = dt.datetime(2024, 1, 1, tzinfo=CST)
    for i, u in enumerate(picks):
        polygon = polygons[u]
        minx, miny, maxx, maxy = polygon.bounds
        while True:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if polygon.contains(shapely.Point(x, y)):
                break
        if rng.random() < 0.01:
            metres, angle = rng.uniform(0, 60), rng.uniform(0, 2 * math.pi)
            x += metres * math.cos(angle) / (111_320 * math.cos(math.radians(y)))
            y += metres * math.sin(angle) / 110_574
        c = community[area_parent[units[u]["properties"]["parent"]]]
        reported = start + dt.timedelta(seconds=int(rng.integers(0, 366 * 86400)))
        closed = ""
        if rng.random() < 0.7:
            status = "closed"
            hours = float(np.clip(rng.lognormal(mean=2.5, sigma=1.3), 0.5, 480))
            closed = (reported + dt.timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")
        else:
            status = OPEN_STATES[int(rng.integers(0, len(OPEN_STATES)))]
        rows.append({
            "reported_at": reported.strftime("%Y-%m-%d %H:%M:%S"),
            "channel": ["hotline", "app", "patrol"][int(rng.choice(3, p=[0.45, 0.25, 0.30]))],
            "category": CATEGORIES[int(rng.integers(0, len(CATEGORIES)))],
            "severity": ["ordinary", "important", "major"][int(rng.choice(3, p=[0.85, 0.12, 0.03]))],
            "status": status,
            "closed_at": closed,
            "address": f"赤坎区{street[c['parent']]}{c['name']}{['附近', '对面', '旁', ''][int(rng.integers(0, 4))]}",
            "lon": f"{x:.7f}",
            "lat": f"{y:.7f}",
            "generated": "true",
        })
    rows.sort(key=lambda r: r["reported_at"])
    rows = [{"id": f"CK2024{i + 1:06d}", **r} for i, r in enumerate(rows)]
    out = CHIKAN / "cases_2024.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {out.relative_to(ROOT)}: {len(rows)} generated cases")


if __name__ == "__main__":
    main()
