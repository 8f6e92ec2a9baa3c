#!/usr/bin/env python3
"""Generate a synthetic gazetteer and a labelled address test set for the 赤坎区 sample.

No package ships roads, house numbers or compounds for 赤坎区, so this script makes them
up, seeded and deterministic, on top of the generated grids (GeoData/chikan/*.geojson).
**Everything written here is generated** (every row has generated=true); only the
division names and codes it refers to are real (divisions.csv).

Method
- Roads: grid planners draw along streets (街巷定界), so roads run along the edges of the
  area grids. The shared area boundaries are merged into lines (shapely linemerge of the
  union of the area rings); lines of 250 m or more become roads, named from a pool of
  stems and suffixes (路, 街, 大道, 巷, 一路, 东路 …), unique in the county. A few names
  deliberately start like a street (中山一路 vs 中山街道).
- House numbers: odd on the left, even on the right, every 30 m along each road, 12 m
  off the centre line (metric work in EPSG:4546). About 65 % of them are written to
  addresses.csv ("known"); the rest exist only in the test set, to test interpolation.
- Compounds (小区, 花园, 苑 …): in 70 % of the unit grids, a 45 m disc around the unit's
  representative point, clipped to the unit. Some get a former name as alias.
  Buildings 1栋 … N栋 (N = 3–12) are points inside their compound.
- POIs (学校, 市场, 医院 …): 40 points in random unit grids.
- Roads in 霞山区 (440803, south of 赤坎区) with the same names as five 赤坎 roads: a
  road in another county must not match.
- Test set (testset.csv): addresses written from the places above with the noise found
  in real backlogs: missing levels, names without suffix, one wrong character,
  traditional characters, full-width digits, Chinese numerals, spaces, repeated prefixes,
  附近/对面 remainders; and app-style GCJ-02 coordinates (WGS 84 → GCJ-02, the usual
  formula) with ~15 m noise, 5 % of them 1.5–3 km off. Each row names the expected match
  level, place and point.
- House-number ranges on road lines (road_ranges.geojson), from a second random stream so
  that everything above stays as it was: 36 lanes (巷, 街 …) along unit-grid edges that are
  not area edges, with no house-number points at all, houses every 20 m 8 m off the line
  (±3 m along it), in three styles: TIGER-style left/right ranges on two segments
  (from_left … to_right), one range per side with a parity (number_from, number_to,
  parity 单/双, side 左/右), and one side numbered consecutively (parity all); and the
  numbers beyond 118 of the four roads longer than 1.83 km (their points stop at 118):
  a segment from number 109/110 to the road's end, so 109–118 have points too.
  testset_ranges.csv: 400 addresses on them (noise as above): house numbers placed by
  a range, by points, known, numbers outside every range (expected: road), and roads.

Usage: python tools/geodata/generate_sample_gazetteer.py [--seed 2026]
Needs shapely and pyproj.
"""
from __future__ import annotations

import argparse
import csv
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GEODATA, feature, geometry_to_geojson, write_feature_collection  # noqa: E402

import json  # noqa: E402
import re  # noqa: E402
import warnings  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)  # shapely.ops.transform: same result, kept for clarity

from pyproj import Transformer  # noqa: E402
from shapely.geometry import LineString, Point, shape  # noqa: E402
from shapely.ops import linemerge, substring, transform, unary_union  # noqa: E402

OUT = GEODATA / "chikan" / "gazetteer"
STEMS = ["海滨", "椹川", "人民", "民主", "寸金", "跃进", "友谊", "和平", "解放", "建设", "南方", "金沙", "海湾", "迎宾",
         "康宁", "幸福", "光明", "文明", "胜利", "长青", "新华", "兴华", "红星", "东风", "振兴", "富强", "绿华", "荣华",
         "宝山", "龙潭", "凤凰", "湖光", "银河", "月亮", "星光", "港湾", "观海", "渔港", "椰林", "荔枝", "榕树", "木棉",
         "紫荆", "桂花", "兰花", "菊花", "荷花", "海景", "蓝天", "百花", "丰收", "育才", "赤坎", "北桥", "锦绣", "翠园",
         "金鹰", "华侨", "东堤", "西厅", "福民", "安康", "永安", "同德", "鸿运", "怡福", "新村", "聚福", "万象", "君临"]
ROAD_SUFFIXES = ["路", "路", "路", "街", "大道", "巷", "一路", "二路", "东路", "西路", "南路", "北路", "横路"]
COMPOUND_SUFFIXES = ["花园", "小区", "苑", "雅苑", "家园", "新村", "大厦", "公寓", "山庄", "名苑", "广场", "华庭"]
POI_SUFFIXES = ["小学", "中学", "市场", "医院", "幼儿园", "卫生站", "超市", "公园"]
TRADITIONAL = dict(zip("东区桥华号楼栋园广湾龙门单场长兴发丰丽滨观云乐万业车军农电兰叶卫铁胜宝网红国际贸医学环风马鱼汇",
                       "東區橋華號樓棟園廣灣龍門單場長興發豐麗濱觀雲樂萬業車軍農電蘭葉衛鐵勝寶網紅國際貿醫學環風馬魚匯"))
TYPO_CHARS = "华兴海新金福安康荣盛发达龙凤光明德宝丰佳"
CN_DIGITS = "零一二三四五六七八九"



def draw_noise(rng: random.Random) -> list[str]:
    """The spelling noise of one test address: a one-character typo 12 %, traditional characters
    10 %, full-width digits 6 %, spaces 5 %, else none (one draw, so the stream stays as it was)."""
    r = rng.random()
    if r < 0.12:
        return ["typo"]
    if r < 0.22:
        return ["traditional"]
    if r < 0.28:
        return ["fullwidth"]
    if r < 0.33:
        return ["spaces"]
    return []

def gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS 84 → GCJ-02, the published formula (as prcoords and the apps use it)."""
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - ee * math.sin(radlat) ** 2
    sq = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sq) * math.pi)
    dlon = (dlon * 180.0) / (a / sq * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def load(name: str) -> list[dict]:
    return json.loads((GEODATA / "chikan" / name).read_text(encoding="utf-8"))["features"]


def r7(v: float) -> float:
    return round(v, 7) + 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    to_m = Transformer.from_crs("EPSG:4490", "EPSG:4546", always_xy=True).transform
    to_ll = Transformer.from_crs("EPSG:4546", "EPSG:4490", always_xy=True).transform

    streets = {f["properties"]["code"]: f["properties"]["name"] for f in load("streets.geojson")}
    communities = {f["properties"]["code"]: f for f in load("communities.geojson")}
    areas = load("areas.geojson")
    area_community = {f["properties"]["name"]: f["properties"]["parent"] for f in areas}
    units = load("units.geojson")

    # --- roads along the area edges
    rings = unary_union([shape(f["geometry"]).boundary for f in areas])
    merged = linemerge(rings)
    lines = [transform(to_m, g) for g in getattr(merged, "geoms", [merged])]
    lines = [l for l in lines if l.length >= 250]
    lines.sort(key=lambda l: (round(l.coords[0][0], 1), round(l.coords[0][1], 1), round(l.length, 1)))
    names_used: set[str] = set()

    def fresh(suffixes: list[str], stems: list[str] = STEMS) -> str:
        while True:
            n = rng.choice(stems) + rng.choice(suffixes)
            if n not in names_used:
                names_used.add(n)
                return n

    roads = []
    for i, line in enumerate(lines):
        name = "中山一路" if i == 3 else "中华大道" if i == 11 else fresh(ROAD_SUFFIXES)
        names_used.add(name)
        roads.append((name, line))

    road_features, address_rows, all_numbers = [], [], []
    for name, line in roads:
        ll = transform(to_ll, line)
        road_features.append(feature(geometry_to_geojson(ll, 7), {"name": name, "county_code": "440802", "generated": True}))
        steps = int(line.length // 30)
        for k in range(1, min(steps, 60)):
            d = k * 30.0
            p = line.interpolate(d)
            q = line.interpolate(min(d + 1, line.length))
            dx, dy = q.x - p.x, q.y - p.y
            norm = math.hypot(dx, dy) or 1
            for side, number in ((1, 2 * k - 1), (-1, 2 * k)):
                x, y = p.x - side * dy / norm * 12, p.y + side * dx / norm * 12
                lon, lat = to_ll(x, y)
                known = rng.random() < 0.65 or k == 1
                all_numbers.append((name, number, r7(lon), r7(lat), known))
                if known:
                    address_rows.append({"road": name, "number": number, "lon": r7(lon), "lat": r7(lat), "generated": "true"})

    # Same-named roads in 霞山区 (440803), 6 km south: must not match an address in 赤坎区.
    other_county = []
    for name, line in roads[:5]:
        shifted = transform(lambda x, y, z=None: (x, y - 6000), line)
        ll = transform(to_ll, shifted)
        road_features.append(feature(geometry_to_geojson(ll, 7), {"name": name, "county_code": "440803", "generated": True}))
        p = transform(to_ll, shifted.interpolate(30))
        address_rows.append({"road": name, "number": 1, "lon": r7(p.x), "lat": r7(p.y), "generated": "true",
                             "county_code": "440803"})
        other_county.append(name)

    # --- compounds, buildings, POIs
    compound_features, building_rows, poi_rows, compounds = [], [], [], []
    for f in units:
        unit = shape(f["geometry"])
        community_code = area_community[f["properties"]["parent"]]
        if rng.random() < 0.7:
            um = transform(to_m, unit)
            c = um.representative_point()
            poly = c.buffer(45, 8).intersection(um)
            if poly.geom_type != "Polygon" or poly.area < 500:
                continue
            name = fresh(COMPOUND_SUFFIXES)
            alias = ""
            if rng.random() < 0.15:
                alias = fresh(["小区", "宿舍", "新村"])
            ll = transform(to_ll, poly)
            compound_features.append(feature(geometry_to_geojson(ll, 7), {"name": name, "aliases": alias, "generated": True}))
            n = rng.randint(3, 12)
            minx, miny, maxx, maxy = poly.bounds
            bpoints = []
            while len(bpoints) < n:
                p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
                if poly.contains(p):
                    lon, lat = to_ll(p.x, p.y)
                    bpoints.append((r7(lon), r7(lat)))
            for b, (lon, lat) in enumerate(bpoints, 1):
                building_rows.append({"compound": name, "building": str(b), "lon": lon, "lat": lat, "generated": "true"})
            compounds.append((name, alias, community_code, bpoints, ll))
    for _ in range(40):
        f = rng.choice(units)
        p = transform(to_m, shape(f["geometry"])).representative_point()
        lon, lat = to_ll(p.x + rng.uniform(-20, 20), p.y + rng.uniform(-20, 20))
        poi_rows.append({"name": fresh(POI_SUFFIXES), "lon": r7(lon), "lat": r7(lat), "generated": "true"})

    OUT.mkdir(parents=True, exist_ok=True)
    write_feature_collection(OUT / "roads.geojson", road_features, "roads")
    write_feature_collection(OUT / "compounds.geojson", compound_features, "compounds")

    def write_csv(name: str, rows: list[dict], fields: list[str]) -> None:
        with (OUT / name).open("w", encoding="utf-8", newline="") as out:
            w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({k: r.get(k, "") for k in fields})

    write_csv("addresses.csv", address_rows, ["road", "number", "lon", "lat", "county_code", "generated"])
    write_csv("buildings.csv", building_rows, ["compound", "building", "lon", "lat", "generated"])
    write_csv("pois.csv", poi_rows, ["name", "lon", "lat", "generated"])

    # --- labelled test set
    street_of = {code: f["properties"]["parent"] for code, f in communities.items()}

    def admin_prefix(community_code: str | None, rng: random.Random = rng) -> str:
        """A random amount of the admin chain, sometimes without suffixes or repeated."""
        style = rng.random()
        if community_code is None:
            return rng.choice(["", "赤坎区", "湛江市赤坎区", "广东省湛江市赤坎区", "广东湛江赤坎"])
        street = streets[street_of[community_code]]
        community = communities[community_code]["properties"]["name"]
        if style < 0.2:
            return ""
        if style < 0.35:
            return "赤坎区"
        if style < 0.5:
            return "湛江市赤坎区" + street
        if style < 0.65:
            return "广东省湛江市赤坎区" + street + community
        if style < 0.75:
            return "广东湛江赤坎" + street
        if style < 0.85:
            return "湛江市湛江市赤坎区" + community
        return "赤坎区" + street + community.replace("社区", "居委会").replace("村", "村委会")

    def community_at(lon: float, lat: float) -> str | None:
        p = Point(lon, lat)
        for code, f in communities.items():
            if shape(f["geometry"]).contains(p):
                return code
        return None

    def typo(name: str, rng: random.Random = rng) -> str:
        core = len(name) - 1  # keep the suffix character
        i = rng.randrange(0, max(1, core))
        c = rng.choice([ch for ch in TYPO_CHARS if ch != name[i]])
        return name[:i] + c + name[i + 1:]

    def noisy(text: str, kinds: list[str], rng: random.Random = rng) -> str:
        if "traditional" in kinds:
            text = "".join(TRADITIONAL.get(ch, ch) if rng.random() < 0.7 else ch for ch in text)
        if "fullwidth" in kinds:
            text = "".join(chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isdigit() else ch for ch in text)
        if "spaces" in kinds:
            text = "".join(ch + (" " if rng.random() < 0.15 else "") for ch in text)
        return text

    tests = []
    road_names = [n for n, _ in roads]
    known_set = {(n, num) for n, num, _, _, k in all_numbers if k}
    by_road: dict[str, list] = {}
    for n, num, lon, lat, k in all_numbers:
        by_road.setdefault(n, []).append((num, lon, lat, k))
    for i in range(1200):
        kind = rng.choices(["building", "house", "compound", "road", "community", "street", "none"],
                           [30, 30, 15, 8, 8, 4, 5])[0]
        noise = draw_noise(rng)
        row = {"id": f"T{i + 1:04d}", "noise": "+".join(noise) or "none"}
        if kind in ("building", "compound"):
            name, alias, ccode, bpoints, poly = rng.choice(compounds)
            use = alias if alias and rng.random() < 0.5 else name
            shown = typo(use) if "typo" in noise else use
            prefix = admin_prefix(ccode)
            if kind == "building":
                b = rng.randrange(len(bpoints))
                bnum = b + 1
                btext = rng.choice([f"{bnum}栋", f"{bnum}幢", f"{bnum}号楼", f"{bnum}座"])
                if rng.random() < 0.2 and bnum < 10:
                    btext = CN_DIGITS[bnum] + btext[len(str(bnum)):]
                extra = rng.choice(["", f"{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 6)}",
                                    f"{rng.randint(1, 4)}单元", f"{rng.randint(1, 18)}0{rng.randint(1, 4)}室"])
                text = prefix + shown + btext + extra
                row.update(expected_level="building", expected_name=f"{name}{bnum}栋",
                           lon=bpoints[b][0], lat=bpoints[b][1], tolerance_m=1)
            else:
                text = prefix + shown + rng.choice(["", "", "附近", "对面", "东门"])
                c = poly.representative_point()
                row.update(expected_level="compound", expected_name=name, lon=r7(c.x), lat=r7(c.y), tolerance_m=100)
        elif kind == "house":
            name = rng.choice(road_names)
            entries = by_road.get(name) or []
            if not entries:
                continue
            num, lon, lat, known = rng.choice(entries)
            ccode = community_at(lon, lat)
            shown = typo(name) if "typo" in noise else name
            bare = rng.random() < 0.33
            text = admin_prefix(ccode if rng.random() < 0.5 else None) + shown + (f"{num}" if bare else f"{num}号")
            if rng.random() < 0.2:
                text += rng.choice(["附近", "旁"] + ([] if bare else [f"{rng.randint(1, 9)}0{rng.randint(1, 4)}室"]))
            row.update(expected_level="house_number", expected_name=f"{name}{num}号", lon=lon, lat=lat,
                       tolerance_m=1 if known else 60, interpolated="false" if known else "true")
        elif kind == "road":
            name = rng.choice(road_names)
            shown = typo(name) if "typo" in noise else name
            text = admin_prefix(None) + shown + rng.choice(["", "附近", "路口"])
            row.update(expected_level="road", expected_name=name, lon="", lat="", tolerance_m="")
        elif kind in ("community", "street"):
            code = rng.choice(sorted(communities))
            cname = communities[code]["properties"]["name"]
            sname = streets[street_of[code]]
            if kind == "community":
                text = rng.choice(["赤坎区", "", "湛江市赤坎区"]) + rng.choice([sname, ""]) + \
                    rng.choice([cname, cname.replace("社区", "居委会").replace("村", "村委会")]) + rng.choice(["", "附近"])
                row.update(expected_level="community", expected_name=cname, lon="", lat="", tolerance_m="")
            else:
                text = rng.choice(["赤坎区", "湛江市赤坎区", ""]) + sname + rng.choice(["", "附近", "辖区"])
                row.update(expected_level="street", expected_name=sname, lon="", lat="", tolerance_m="")
        else:
            name = rng.choice(other_county) if rng.random() < 0.5 else rng.choice(road_names)
            text = rng.choice(["广东省湛江市霞山区", "湛江市坡头区", "广州市天河区"]) + name + f"{rng.randint(1, 40) * 2 + 1}号"
            row.update(expected_level="none", expected_name="", lon="", lat="", tolerance_m="")
        row["address"] = noisy(text, noise)
        # App-style GCJ-02 coordinates for a third of the placed rows.
        row["app_lon"] = row["app_lat"] = ""
        row["app_far"] = ""
        if row.get("lon") not in ("", None) and rng.random() < 0.33:
            lon, lat = float(row["lon"]), float(row["lat"])
            far = rng.random() < 0.05
            shift = rng.uniform(1500, 3000) if far else rng.gauss(0, 15)
            angle = rng.uniform(0, 2 * math.pi)
            lon += shift * math.cos(angle) / (111320 * math.cos(math.radians(lat)))
            lat += shift * math.sin(angle) / 110540
            glon, glat = gcj02(lon, lat)
            row.update(app_lon=f"{glon:.6f}", app_lat=f"{glat:.6f}", app_far="true" if far else "false")
        tests.append(row)
    write_csv("testset.csv", tests, ["id", "address", "expected_level", "expected_name", "lon", "lat", "tolerance_m",
                                     "interpolated", "noise", "app_lon", "app_lat", "app_far"])
    ranges(args.seed, roads, areas, units, names_used, all_numbers, to_m, to_ll,
           lambda code, g: admin_prefix(code, g), community_at, lambda t, g: typo(t, g), lambda t, k, g: noisy(t, k, g), write_csv)
    print(f"roads {len(road_features)} ({len(other_county)} in 霞山区), house numbers {len(address_rows)} known of "
          f"{len(all_numbers)}, compounds {len(compound_features)}, buildings {len(building_rows)}, POIs {len(poi_rows)}, "
          f"test addresses {len(tests)}")


def ranges(seed, roads, areas, units, names_used, all_numbers, to_m, to_ll, admin_prefix, community_at, typo, noisy,
           write_csv) -> None:
    """road_ranges.geojson and testset_ranges.csv (see the module docstring), from their own
    random stream: the files written before do not change."""
    rng = random.Random(f"{seed}:ranges")
    divisions = list(csv.DictReader((GEODATA / "chikan" / "divisions.csv").open(encoding="utf-8")))
    cores = {re.sub("(街道|社区|村|区)$", "", d["name"]) for d in divisions}
    stems = [s for s in STEMS if s != "新村" and not any(c.startswith(s) or s.startswith(c) for c in cores)]

    def fresh_lane() -> str:
        while True:
            n = rng.choice(stems) + rng.choice(["巷", "巷", "横巷", "直街", "街"])
            if n not in names_used:
                names_used.add(n)
                return n

    def house(line: LineString, d: float, side: int, offset: float) -> tuple[float, float]:
        p, q = line.interpolate(d), line.interpolate(min(d + 1, line.length))
        dx, dy = q.x - p.x, q.y - p.y
        norm = math.hypot(dx, dy) or 1
        lon, lat = to_ll(p.x - side * dy / norm * offset, p.y + side * dx / norm * offset)
        return r7(lon), r7(lat)

    def line_ll(line: LineString) -> dict:
        return geometry_to_geojson(transform(to_ll, line), 7)

    features, houses = [], []   # houses: (road, number, lon, lat, how) with how range/point/points
    # Lanes along unit edges that are not area edges (area edges carry the roads).
    area_edges = unary_union([transform(to_m, shape(f["geometry"])).boundary for f in areas]).buffer(1)
    unit_edges = unary_union([transform(to_m, shape(f["geometry"])).boundary for f in units])
    inner = linemerge(unit_edges.difference(area_edges))
    candidates = [g for g in getattr(inner, "geoms", [inner]) if g.geom_type == "LineString" and 200 <= g.length <= 700]
    candidates.sort(key=lambda g: (round(g.coords[0][0], 1), round(g.coords[0][1], 1), round(g.length, 1)))
    lanes = []
    for i, line in enumerate(rng.sample(candidates, 36)):
        name, style, k_max = fresh_lane(), ("tiger", "parity", "one_side")[i % 3], int(line.length // 20)
        props = {"name": name, "county_code": "440802", "generated": True}
        if style == "tiger":
            # Two segments, each with a left (odd) and a right (even) range.
            mid = k_max // 2
            for k0, k1 in ((1, mid), (mid + 1, k_max)):
                seg = substring(line, 20 * k0 - 10, 20 * k1 - 10)
                features.append(feature(line_ll(seg), {**props, "from_left": 2 * k0 - 1, "to_left": 2 * k1 - 1,
                                                       "from_right": 2 * k0, "to_right": 2 * k1}))
            numbers = [(2 * k - 1, k, 1) for k in range(1, k_max + 1)] + [(2 * k, k, -1) for k in range(1, k_max + 1)]
        elif style == "parity":
            seg = substring(line, 10, 20 * k_max - 10)
            features.append(feature(line_ll(seg), {**props, "number_from": 1, "number_to": 2 * k_max - 1, "parity": "单", "side": "左"}))
            features.append(feature(line_ll(seg), {**props, "number_from": 2, "number_to": 2 * k_max, "parity": "双", "side": "右"}))
            numbers = [(2 * k - 1, k, 1) for k in range(1, k_max + 1)] + [(2 * k, k, -1) for k in range(1, k_max + 1)]
        else:
            seg = substring(line, 10, 20 * k_max - 10)
            features.append(feature(line_ll(seg), {**props, "number_from": 1, "number_to": k_max, "parity": "all", "side": "left"}))
            numbers = [(k, k, 1) for k in range(1, k_max + 1)]
        for number, k, side in numbers:
            lon, lat = house(line, 20 * k - 10 + rng.uniform(-3, 3), side, 8)
            houses.append((name, number, lon, lat, "range"))
        lanes.append((name, max(n for n, _, _ in numbers)))
    # The numbers of long roads beyond the points (which stop at 118), from 109/110 on.
    known = {(n, num): (lon, lat, k) for n, num, lon, lat, k in all_numbers}
    long_roads = []
    for name, line in roads:
        k_max = int(line.length // 30)
        if k_max <= 60:
            continue
        seg = substring(line, 30 * 55, 30 * k_max)
        features.append(feature(line_ll(seg), {"name": name, "county_code": "440802", "generated": True,
                                               "from_left": 109, "to_left": 2 * k_max - 1, "from_right": 110, "to_right": 2 * k_max}))
        for k in range(55, k_max + 1):
            for side, number in ((1, 2 * k - 1), (-1, 2 * k)):
                if (name, number) in known:
                    lon, lat, is_known = known[(name, number)]
                    houses.append((name, number, lon, lat, "point" if is_known else "points"))
                else:
                    lon, lat = house(line, 30 * k, side, 12)
                    houses.append((name, number, lon, lat, "range"))
        long_roads.append(name)
    write_feature_collection(OUT / "road_ranges.geojson", features, "road_ranges")

    tests = []
    lane_houses = [h for h in houses if h[0] not in long_roads]
    long_houses = [h for h in houses if h[0] in long_roads]
    for i in range(400):
        kind = rng.choices(["lane", "long", "outside", "road"], [60, 20, 10, 10])[0]
        noise = draw_noise(rng)
        row = {"id": f"R{i + 1:04d}", "noise": "+".join(noise) or "none", "interpolated": "", "interpolation": ""}
        if kind in ("lane", "long"):
            name, number, lon, lat, how = rng.choice(lane_houses if kind == "lane" else long_houses)
            shown = typo(name, rng) if "typo" in noise else name
            text = admin_prefix(community_at(lon, lat) if rng.random() < 0.6 else None, rng) + shown + f"{number}号"
            if rng.random() < 0.2:
                text += rng.choice(["附近", "旁", f"{rng.randint(1, 6)}0{rng.randint(1, 4)}室"])
            row.update(expected_level="house_number", expected_name=f"{name}{number}号", lon=lon, lat=lat,
                       tolerance_m={"range": 20, "point": 1, "points": 60}[how],
                       interpolated="false" if how == "point" else "true", interpolation="" if how == "point" else how)
        elif kind == "outside":
            name, last = rng.choice(lanes)
            shown = typo(name, rng) if "typo" in noise else name
            text = admin_prefix(None, rng) + shown + f"{last + 2 * rng.randint(5, 30)}号"
            row.update(expected_level="road", expected_name=name, lon="", lat="", tolerance_m="")
        else:
            name = rng.choice([n for n, _ in lanes] + long_roads)
            shown = typo(name, rng) if "typo" in noise else name
            text = admin_prefix(None, rng) + shown + rng.choice(["", "附近", "路口"])
            row.update(expected_level="road", expected_name=name, lon="", lat="", tolerance_m="")
        row["address"] = noisy(text, noise, rng)
        tests.append(row)
    write_csv("testset_ranges.csv", tests, ["id", "address", "expected_level", "expected_name", "lon", "lat", "tolerance_m",
                                            "interpolated", "interpolation", "noise"])
    print(f"ranges: {len(features)} road features with ranges ({len(lanes)} lanes, {len(long_roads)} long roads), "
          f"{len(houses)} houses on them, test addresses {len(tests)}")


if __name__ == "__main__":
    main()
