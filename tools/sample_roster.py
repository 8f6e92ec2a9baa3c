"""Write a GENERATED roster for the sample district, for tools/demo: people and their duties.

Reads the unit grids as `gridplan export --level unit --format geojson` wrote them (with their
codes) and writes a roster CSV in the form `gridplan people import` reads:

- one full-time gridder per unit grid of 中华街道 (440802001), based at a point inside the grid,
  primary from 2024-01-01; the gridder of the first unit hands over to a successor on 2024-06-01;
- a part-time gridder as the backup of every second unit;
- the last unit of the street has no gridder at all (a gap `validate` reports);
- a grid chief for every community of the street and one for the street.

The names and phone numbers are invented. Usage: sample_roster.py UNITS.geojson ROSTER.csv
"""
import json
import sys

from shapely.geometry import shape

STREET = "440802001"


def main():
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
