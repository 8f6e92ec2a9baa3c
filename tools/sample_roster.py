"""Write a GENERATED roster for the sample district, for tools/demo: people and their duties.

Reads the unit grids as `gridplan export --level unit --format geojson` wrote them (with their
codes) and writes a roster CSV in the form `gridplan people import` reads:

- one full-time gridder per unit grid of 中华街道 (440802001), based at a point inside the grid,
  primary from 2024-01-01; the gridder of the first unit hands over to a successor on 2024-06-01;
- a part-time gridder as the backup of every second unit;
- the last unit of the street has no gridder at all (a gap `validate` reports);
- a grid chief for every community of the street and one for the street.

The names and phone numbers are invented. Usage: sample_roster.py UNITS.geojson ROSTER.csv

With --field BUILDINGS.geojson it writes instead a roster in the shape of the field figures
(shared/DOMAIN.md: 南桥街道 has 95 unit grids, 26 full-time and 276 part-time gridders), for
北桥街道 (440802008, whose 101 sample units are closest to those 95), also GENERATED:

- 26 full-time gridders, each primary of a run of 3–5 neighbouring units (by code), so loads
  differ as offices report; capacity empty (the role's default) except 3 at 1200 and 3 at 1800;
- bases at plausible homes: a household point of buildings.geojson in one of their units, or
  for about a third of them in one of the five units nearest to it;
- about three part-time gridders per unit (276 / 95), each the backup of one unit, based at a
  household point in it; two full-time gridders without any duty yet (new hires);
- a grid chief for every community of the street and one for the street.

Usage: sample_roster.py --field BUILDINGS.geojson UNITS.geojson ROSTER.csv [--seed N]
"""
import json
import random
import sys

from shapely.geometry import shape

STREET = "440802001"


def field(buildings_path, units_path, out_path, seed=16):
    street = "440802008"
    rng = random.Random(seed)
    units = [f for f in json.load(open(units_path))["features"] if (f["properties"].get("code") or "").startswith(street)]
    units.sort(key=lambda f: f["properties"]["code"])
    homes = {}
    for b in json.load(open(buildings_path))["features"]:
        homes.setdefault(b["properties"]["unit"], []).append(b["geometry"]["coordinates"])
    code_of = {f["properties"]["name"]: f["properties"]["code"] for f in units}

    def home(unit):
        points = homes.get(unit["properties"]["name"])
        if points:
            return rng.choice(points)
        p = shape(unit["geometry"]).representative_point()
        return p.x, p.y

    sizes = [len(units) // 26 + (1 if i < len(units) % 26 else 0) for i in range(26)]
    for _ in range(26):
        a, b = rng.randrange(26), rng.randrange(26)
        if sizes[a] > 3 and sizes[b] < 5:
            sizes[a] -= 1
            sizes[b] += 1
    capacities = [""] * 20 + ["1200"] * 3 + ["1800"] * 3
    rng.shuffle(capacities)
    rows = ["id,name,phone,role,capacity,lon,lat,grid,duty,duty_from,duty_to"]
    start = 0
    for i, size in enumerate(sizes, 1):
        mine = units[start:start + size]
        start += size
        base_unit = rng.choice(mine)
        if rng.random() < 0.35:
            # Living nearby: one of the five units whose centres are nearest.
            c = shape(base_unit["geometry"]).centroid
            near = sorted(units, key=lambda u: shape(u["geometry"]).centroid.distance(c))[1:6]
            base_unit = rng.choice(near)
        x, y = home(base_unit)
        person = f"B{i:03d},北桥网格员{i:03d},1380759{8000 + i:04d},专职网格员,{capacities[i - 1]},{x:.7f},{y:.7f}"
        rows += [f"{person},{u['properties']['code']},primary,2024-01-01," for u in mine]
    for i in (27, 28):
        x, y = home(rng.choice(units))
        rows.append(f"B{i:03d},北桥网格员{i:03d},1380759{8000 + i:04d},专职网格员,,{x:.7f},{y:.7f},,,,")
    part = 0
    for u in units:
        for _ in range(rng.choice([2, 3, 3, 3, 4])):
            part += 1
            x, y = home(u)
            rows.append(f"Q{part:03d},北桥兼职网格员{part:03d},1390759{part:04d},兼职网格员,,{x:.7f},{y:.7f},"
                        f"{u['properties']['code']},backup,2024-01-01,")
    for community in sorted({u["properties"]["code"][:12] for u in units}):
        rows.append(f"C{community[-3:]},北桥社区网格长{community[-3:]},0759328{community[-3:]}0,网格长,,,,{community},chief,2024-01-01,")
    rows.append(f"S008,北桥街道网格长,13907598008,网格长,,,,{street},chief,2024-01-01,")
    with open(out_path, "w", encoding="utf-8") as out:
        out.write("\n".join(rows) + "\n")
    print(f"wrote {out_path}: 28 full-time gridders (26 with {len(units)} unit grids of {street}), {part} part-time (generated)")
    return code_of


def main():
    if sys.argv[1] == "--field":
        seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 16
        field(sys.argv[2], sys.argv[3], sys.argv[4], seed)
        return
    units = [f for f in json.load(open(sys.argv[1]))["features"] if (f["properties"].get("code") or "").startswith(STREET)]
    units.sort(key=lambda f: f["properties"]["code"])
    rows = ["id,name,phone,role,lon,lat,grid,duty,duty_from,duty_to"]
    for i, f in enumerate(units[:-1], 1):
        code = f["properties"]["code"]
        p = shape(f["geometry"]).representative_point()
        until = "2024-06-01" if i == 1 else ""
        rows.append(f"G{i:03d},网格员{i:03d},1380759{i:04d},专职网格员,{p.x:.7f},{p.y:.7f},{code},primary,2024-01-01,{until}")
        if i % 2 == 0:
            rows.append(f"P{i:03d},兼职网格员{i:03d},1390759{i:04d},兼职网格员,{p.x:.7f},{p.y:.7f},{code},backup,2024-01-01,")
    first = shape(units[0]["geometry"]).representative_point()
    rows.append(f"G900,接任网格员,13807599000,专职网格员,{first.x:.7f},{first.y:.7f},{units[0]['properties']['code']},primary,2024-06-01,")
    for community in sorted({f["properties"]["code"][:12] for f in units}):
        rows.append(f"C{community[-3:]},社区网格长{community[-3:]},0759318{community[-3:]}0,网格长,,,{community},chief,2024-01-01,")
    rows.append(f"S001,街道网格长,13907590001,网格长,,,{STREET},chief,2024-01-01,")
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        out.write("\n".join(rows) + "\n")
    print(f"wrote {sys.argv[2]}: {len(rows) - 1} duties in {len(units)} unit grids of {STREET} (generated)")


if __name__ == "__main__":
    main()
