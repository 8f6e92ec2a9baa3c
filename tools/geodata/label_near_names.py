#!/usr/bin/env python3
"""Relabel the typo rows of the sample's test sets by issue 18's rule for near names.

The generator (generate_sample_gazetteer.py) writes a "typo" by replacing one character of a
name with a common place-name character (兴华东路 → 兴华安路), and labels the row with the place
it was written from. Issue 18 asks for the opposite answer: a name that differs from every
gazetteer name in one character that changes its meaning (火星路 for 红星路) is a different name,
not a fine-level match, unless other parts of the address confirm it; the answer is then the
finest division the text names, with the near names listed as candidates.

This script applies that rule, independently of gridplan, from the generated files themselves:
- the place's names: the road, or the compound with its aliases (compounds.geojson);
- the name as written: the substring of the address, after undoing the traditional and
  full-width noise, that has the length of one of the place's names and differs from it in one
  character. When that substring is itself a gazetteer name (a typo that made another real
  place), the row is left as it is: the text names that other place;
- confirmation: the replaced character sounds the same as the one it replaces (pypinyin's usual
  reading, tones ignored: a slip of a pinyin input method, 洪星路 for 红星路), or the text names
  the community or street whose polygon (communities.geojson, streets.geojson) holds the place's
  point, or, for a road without one, meets its line;
- otherwise the row's expected answer becomes the finest division the text names (community,
  street, county 赤坎区), or none when it names none of them. The label it replaces is kept in
  meant_level and meant_name.

Run it on the generator's output (it is idempotent: relabelled rows are recognised by
meant_level and left alone): python tools/geodata/label_near_names.py
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

from pypinyin import lazy_pinyin
from shapely.geometry import Point, shape

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GEODATA  # noqa: E402
from generate_sample_gazetteer import TRADITIONAL  # noqa: E402

CHIKAN = GEODATA / "chikan"
GAZ = CHIKAN / "gazetteer"
FINE = {"building", "compound", "house_number", "road"}
SIMPLIFIED = {t: s for s, t in TRADITIONAL.items()}


def features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def plain(text: str) -> str:
    """The address with the generator's traditional, full-width and space noise undone."""
    text = "".join(SIMPLIFIED.get(ch, ch) for ch in text)
    text = "".join(chr(ord(ch) - 0xFEE0) if "０" <= ch <= "９" else ch for ch in text)
    return text.replace(" ", "")


def written_as(text: str, names: list[str]) -> tuple[str, str] | None:
    """The substring of text that is one of names with exactly one character replaced, and that name."""
    for name in names:
        n = len(name)
        for i in range(len(text) - n + 1):
            part = text[i:i + n]
            if sum(a != b for a, b in zip(part, name)) == 1:
                return part, name
    return None


def sounds_alike(written: str, name: str) -> bool:
    """The one replaced character has the same usual toneless reading as the original."""
    a, b = next((x, y) for x, y in zip(written, name) if x != y)
    return lazy_pinyin(a) == lazy_pinyin(b)


def main() -> None:
    divisions = list(csv.DictReader((CHIKAN / "divisions.csv").open(encoding="utf-8")))
    county = next(d["name"] for d in divisions if d["code"] == "440802")
    polygons = {f["properties"]["code"]: shape(f["geometry"]) for name in ("communities", "streets")
                for f in features(CHIKAN / f"{name}.geojson")}
    admin = [(d["level"], d["name"], polygons[d["code"]]) for d in divisions
             if d["level"] in ("community", "street") and d["code"] in polygons]
    compounds = {f["properties"]["name"]: [f["properties"]["name"]] + [a for a in (f["properties"].get("aliases") or "").split("|") if a]
                 for f in features(GAZ / "compounds.geojson")}
    roads: dict[str, list] = {}
    for file in ("roads.geojson", "road_ranges.geojson"):
        for f in features(GAZ / file):
            if f["properties"].get("county_code", "440802") == "440802":
                roads.setdefault(f["properties"]["name"], []).append(shape(f["geometry"]))
    known = set(compounds) | {a for names in compounds.values() for a in names} | set(roads)
    known |= {row["name"] for row in csv.DictReader((GAZ / "pois.csv").open(encoding="utf-8"))}

    for file in ("testset.csv", "testset_ranges.csv"):
        path = GAZ / file
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        fields = list(rows[0].keys())
        for extra in ("meant_level", "meant_name"):
            if extra not in fields:
                fields.append(extra)
        changed = kept_real = confirmed = homophones = 0
        for row in rows:
            row.setdefault("meant_level", "")
            row.setdefault("meant_name", "")
            if "typo" not in row["noise"] or row["meant_level"] or row["expected_level"] not in FINE:
                continue
            name = row["expected_name"]
            if row["expected_level"] == "building":
                name = re.sub(r"\d+栋$", "", name)
            elif row["expected_level"] == "house_number":
                name = re.sub(r"\d+号$", "", name)
            names = compounds.get(name, [name])
            text = plain(row["address"])
            if any(n in text for n in names):
                continue  # the typo fell elsewhere
            found = written_as(text, names)
            if found is None or found[0] in known:
                kept_real += found is not None
                continue
            if sounds_alike(*found):
                homophones += 1
                continue
            if row["lon"]:
                holds = lambda g, p=Point(float(row["lon"]), float(row["lat"])): g.covers(p)  # noqa: E731
            else:
                holds = lambda g, lines=roads.get(name, []): any(g.intersects(line) for line in lines)  # noqa: E731
            named = [(level, dname, g) for level, dname, g in admin
                     if dname in text or dname.replace("社区", "居委会").replace("村", "村委会") in text]
            if any(holds(g) for _, _, g in named):
                confirmed += 1
                continue
            finest = sorted(named, key=lambda a: 0 if a[0] == "community" else 1)
            if finest:
                level, answer = finest[0][0], finest[0][1]
            elif "赤坎" in text:
                level, answer = "county", county
            else:
                level, answer = "none", ""
            row.update(meant_level=row["expected_level"], meant_name=row["expected_name"],
                       expected_level=level, expected_name=answer, lon="", lat="", tolerance_m="")
            if "interpolated" in row:
                row["interpolated"] = ""
            if "interpolation" in row:
                row["interpolation"] = ""
            changed += 1
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"{file}: {changed} rows relabelled, {confirmed} confirmed by a division named, {homophones} by sound, "
              f"{kept_real} typos that make another real name kept")


if __name__ == "__main__":
    main()
