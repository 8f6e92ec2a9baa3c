"""gridplan in Chinese: with LANG=zh_CN.UTF-8 the command line's errors and reports, and the server's error texts
(Accept-Language: zh, or the server's own LANG), come from the message catalogue in Chinese; LANG=C keeps English.
Counts in the reports are checked against the input read independently (json)."""
import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, start_server

STREETS = ROOT / "GeoData" / "chikan" / "streets.geojson"


def environment(lang):
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "GRIDPLAN_LANG")}
    env["LANG"] = lang
    return env


def run(binary, *args, lang):
    return subprocess.run([binary, *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=environment(lang))


def test_an_import_reports_in_chinese(gridplan_binary, tmp_path):
    db = tmp_path / "plan.gpkg"
    features = len(json.loads(STREETS.read_text())["features"])
    zh = run(gridplan_binary, "import", STREETS, "--db", db, "--level", "street", lang="zh_CN.UTF-8")
    assert zh.returncode == 0, zh.stderr
    assert zh.stdout.startswith(f"已从 {STREETS} 导入 {features} 个街道网格（坐标系 EPSG:4326 → EPSG:4490）到 {db}，规划版本 1")
    check = run(gridplan_binary, "validate", "--db", db, lang="zh_CN.UTF-8")
    assert f"已检查 {features} 个网格" in check.stdout, check.stdout
    english = run(gridplan_binary, "validate", "--db", db, lang="C")
    assert english.returncode == check.returncode
    assert f"{features} grids checked" in english.stdout


def test_bad_input_is_refused_in_chinese_naming_the_file(gridplan_binary, tmp_path):
    db = tmp_path / "plan.gpkg"
    run(gridplan_binary, "import", STREETS, "--db", db, "--level", "street", lang="C")
    cases = tmp_path / "cases.csv"
    cases.write_text("编码,lon,lat\n1,110.37,21.265\n")
    zh = run(gridplan_binary, "cases", "import", cases, "--db", db, "--crs", "cgcs2000", lang="zh_CN.UTF-8")
    en = run(gridplan_binary, "cases", "import", cases, "--db", db, "--crs", "cgcs2000", lang="C")
    assert zh.returncode == en.returncode == 2
    assert zh.stderr.startswith(f"gridplan：错误：{cases.name}：找不到编号字段（查找了 id, "), zh.stderr
    assert "；提示：请用 --id-field 指定" in zh.stderr
    assert en.stderr.startswith(f"gridplan: error: {cases.name}: no id field found"), en.stderr
    not_vector = tmp_path / "notes.geojson"
    not_vector.write_text("这不是地图数据\n")
    zh = run(gridplan_binary, "import", not_vector, "--db", db, "--level", "unit", lang="zh_CN.UTF-8")
    assert zh.returncode == 2
    assert zh.stderr.startswith(f"gridplan：错误：{not_vector}：GDAL 无法把这个文件读作矢量数据"), zh.stderr


def get(url, headers):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


@pytest.mark.parametrize("server_lang", ["C.UTF-8", "zh_CN.UTF-8"])
def test_server_errors_follow_accept_language_then_the_servers_lang(gridplan_binary, tmp_path, server_lang):
    db = tmp_path / "plan.gpkg"
    run(gridplan_binary, "import", STREETS, "--db", db, "--level", "street", lang="C")
    url, process = start_server(gridplan_binary, db, env=environment(server_lang))
    try:
        bad = url + "api/grids?level=nope"
        status, zh = get(bad, {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
        assert status == 400
        assert zh["error"] == "层级“nope”：请给出 street（街道）、community（社区）、area（片区）或 unit（单元）（或 1–4）"
        assert zh["kind"] == "badArgument"
        status, en = get(bad, {"Accept-Language": "en-GB,en;q=0.9"})
        assert status == 400 and en["error"].startswith("level 'nope': give street, community, area or unit")
        _, plain = get(bad, {})
        assert plain["error"] == (zh["error"] if server_lang.startswith("zh") else en["error"])
        status, missing = get(url + "api/who-covers?lon=110.37&lat=21.27&at=2024-02-30", {"Accept-Language": "zh"})
        assert status == 400 and "不是日期" in missing["error"], missing
    finally:
        process.kill()
        process.wait(10)
