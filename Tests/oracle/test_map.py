"""The web map as a person uses it: Debian's chromium driven by Playwright against a running
`gridplan serve` on the sample plan. Each test looks at the page's DOM (and at Leaflet's own view),
compares the answers with shapely and the command line, and saves a screenshot under out/map/ for a
person to look at."""
import json
import re
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
import shapely

from conftest import ROOT
from conftest import start_server
from test_server_http import CASES

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "out" / "map"
UNSURE_ADDRESS = "广东省湛江市赤坎区中华街道中华社区附近"     # placed at community level only (confidence 0.60)
EXACT_ADDRESS = "湛江市赤坎区幸福巷3号"                       # a house number in the gazetteer

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (tools/setup)")


@pytest.fixture(scope="module")
def site(gridplan, gridplan_binary, rostered, tmp_path_factory):
    db = tmp_path_factory.mktemp("map") / "plan.gpkg"
    db.write_bytes(rostered[0].read_bytes())
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    gridplan("cases", "import", CASES, "--db", db, "--crs", "cgcs2000")
    url, process = start_server(gridplan_binary, db)
    yield url, db
    process.kill()
    process.wait(10)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield b
        b.close()


def open_page(browser, site, fragment="", width=1366, height=768):
    """A fresh page at the map; fails the test on any script error or any request leaving the server."""
    url, _ = site
    page = browser.new_page(viewport={"width": width, "height": height})
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(f"script error: {e}"))
    page.on("request", lambda r: None if r.url.startswith(url) or r.url.startswith("data:")
            else page.problems.append(f"outside request: {r.url}"))
    page.goto(url + fragment)
    page.wait_for_selector("body[data-ready='1']", timeout=30000)
    return page


def settled(page):
    """Waits for the asked question to be answered (or refused)."""
    page.wait_for_function("['done', 'unsure', 'error'].includes(document.getElementById('answer').dataset.state)",
                           timeout=30000)
    page.wait_for_timeout(300)    # Leaflet's zoom animation
    return page.eval_on_selector("#answer", "e => e.dataset.state")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    assert page.problems == []


def map_bounds(page):
    return page.evaluate("(() => { const b = gridplanMap.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()")


def chain_rows(page):
    """The answer's chain table: level → (grid code, people cell text)."""
    rows = {}
    for r in page.query_selector_all("#chain tr[data-level]"):
        cells = r.query_selector_all("td")
        rows[r.get_attribute("data-level")] = (cells[1].query_selector(".muted").inner_text(), cells[2].inner_text())
    return rows


def cli(gridplan, db, *args):
    return json.loads(gridplan("who-covers", "--db", db, "--json", *args).stdout)


def test_the_whole_district_is_in_view_at_start(browser, site, rostered):
    page = open_page(browser, site)
    _, polygons, _, _ = rostered
    x0, y0, x1, y1 = shapely.union_all(polygons).bounds
    w, s, e, n = map_bounds(page)
    assert w <= x0 and s <= y0 and e >= x1 and n >= y1
    assert (e - w) < 3 * (x1 - x0) and (n - s) < 3 * (y1 - y0)    # and not lost in a corner
    box = page.locator("#map").bounding_box()
    assert box["y"] + box["height"] <= 768 and box["width"] >= 900       # the south is not below the fold
    for control in [".leaflet-control-zoom-in", ".leaflet-control-zoom-out", ".leaflet-control-scale", ".legend",
                    ".leaflet-control-layers"]:
        assert page.locator(control).count() == 1, control
    assert page.locator(".lbl-street").count() == 8                       # street names at district zoom
    assert page.inner_text("h1") == "谁负责这里？"
    shot(page, "desktop-start")


def test_search_an_address(browser, site, gridplan):
    url, db = site
    page = open_page(browser, site)
    page.fill("#address", EXACT_ADDRESS)
    page.click("#go")
    assert settled(page) == "done"
    want = cli(gridplan, db, "--address", EXACT_ADDRESS)
    assert chain_rows(page)["unit"][0] == want["chain"][0]["code"]
    assert page.locator("#unsure").count() == 0
    assert "门牌" in page.inner_text("#answer")
    hash_ = urllib.parse.parse_qs(page.evaluate("location.hash.slice(1)"))
    assert hash_["address"] == [EXACT_ADDRESS] and "z" in hash_ and "c" in hash_
    shot(page, "desktop-address")


def test_click_a_point_shows_its_grid_people_and_figures(browser, site, rostered, gridplan):
    url, db = site
    _, polygons, codes, _ = rostered
    page = open_page(browser, site)
    i = 17
    p = polygons[i].representative_point()
    page.evaluate(f"gridplanMap.setView([{p.y}, {p.x}], gridplanMap.getZoom() + 4, {{ animate: false }})")
    xy = page.evaluate(f"(() => {{ const q = gridplanMap.latLngToContainerPoint([{p.y}, {p.x}]); return [q.x, q.y]; }})()")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    assert settled(page) == "done"
    row = chain_rows(page)["unit"]
    lon, lat = (float(v) for v in page.inner_text("#answer .muted").split(" (")[0].split(", "))
    holding = [c for poly, c in zip(polygons, codes) if poly.covers(shapely.Point(lon, lat))]
    assert row[0] == min(holding) == codes[i]
    person = cli(gridplan, db, "--lon", repr(lon), "--lat", repr(lat))["chain"][0]["people"][0]
    assert person["name"] in row[1] and "专职网格员" in row[1] and "主责" in row[1]
    assert "full_time_gridder" not in page.inner_text("#side")
    assert page.locator("#gridder").count() == 1 and person["name"] in page.inner_text("#gridder")
    panel = page.inner_text("#grid-panel")
    assert page.is_visible("#grid-panel") and "户数" in panel and codes[i] in panel
    cases = pd.read_csv(CASES)
    inside = int(shapely.covers(polygons[i], shapely.points(cases.lon.to_numpy(), cases.lat.to_numpy())).sum())
    page.wait_for_function(f"document.querySelector('#grid-panel tr[data-code=\"{codes[i]}\"] td.cases').textContent !== '…'")
    assert page.inner_text(f"#grid-panel tr[data-code='{codes[i]}'] td.cases") == str(inside)   # shapely's count of the CSV
    assert "面积" in panel and "服务半径" in panel and "今日负荷" in panel and "未结案件" in panel
    km2 = float(page.inner_text("#grid-panel dd.extent").split(" ")[0])
    from pyproj import Geod
    assert km2 == pytest.approx(abs(Geod(ellps="GRS80").geometry_area_perimeter(polygons[i])[0]) / 1e6, abs=2e-3)
    assert page.locator(".lbl-unit").count() > 0                          # unit names once zoomed in
    shot(page, "desktop-click")
    page.click("#lang")
    assert page.inner_text("h1") == "Who covers this?" and "full-time gridder" in page.inner_text("#answer")
    assert "lang=en" in page.evaluate("location.hash")


def test_switch_a_layer_off_and_the_link_remembers(browser, site):
    url, _ = site
    page = open_page(browser, site)
    assert page.evaluate("gridplanMap.hasLayer(grids.community)")
    page.click(".leaflet-control-layers-overlays label:has([data-level='community']) input")
    assert not page.evaluate("gridplanMap.hasLayer(grids.community)")
    link = page.evaluate("location.hash")
    assert "layers=street%2Carea%2Cunit" in link or "layers=" in link and "community" not in link.split("layers=")[1]
    shot(page, "desktop-no-community")
    again = open_page(browser, site, link)
    assert not again.evaluate("gridplanMap.hasLayer(grids.community)") and again.evaluate("gridplanMap.hasLayer(grids.unit)")


def test_an_address_placed_only_at_community_level_is_not_presented_as_certain(browser, site):
    url, _ = site
    page = open_page(browser, site)
    page.fill("#address", UNSURE_ADDRESS)
    page.press("#address", "Enter")
    assert settled(page) == "unsure"
    warning = page.inner_text("#unsure")
    assert "社区级" in warning and "0.60" in warning and "不能确定" in warning
    assert page.locator("#unsure button.cand").count() > 0                  # the candidates to choose from
    assert page.locator("#chain tr.unsure[data-level='unit']").count() == 1
    assert page.locator("#gridder").count() == 0                             # no unit gridder named as certain
    shot(page, "desktop-unsure")
    # The link reopens the same answer and view.
    link = page.evaluate("location.hash")
    zoom = page.evaluate("gridplanMap.getZoom()")
    again = open_page(browser, site, link)
    assert settled(again) == "unsure" and again.input_value("#address") == UNSURE_ADDRESS
    assert again.evaluate("gridplanMap.getZoom()") == zoom
    # A candidate asks again at its own place.
    code = page.get_attribute("#unsure button.cand >> nth=0", "data-code")
    page.evaluate("gridplanMap.setZoom(gridplanMap.getZoom() - 3, { animate: false })")
    page.click("#unsure button.cand >> nth=0")
    page.wait_for_function(f"gridplanMap.getBounds().contains(byCode['{code}'].layer.getBounds())", timeout=10000)


def test_on_a_phone_the_map_fills_the_screen(browser, site):
    page = open_page(browser, site, width=390, height=844)
    box = page.locator("#map").bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)
    side = page.locator("#side").bounding_box()
    assert side["width"] == 390 and side["height"] < 844 / 2                 # a sheet over the map's foot
    w, s, e, n = map_bounds(page)
    assert page.evaluate("gridplanMap.getBounds().contains(state.district)")
    shot(page, "phone-start")
    page.fill("#address", UNSURE_ADDRESS)
    page.click("#go")
    assert settled(page) == "unsure" and page.is_visible("#unsure")
    side = page.locator("#side").bounding_box()
    assert side["y"] + side["height"] <= 844 and side["height"] <= 0.5 * 844
    shot(page, "phone-unsure")


def test_case_points_cluster_and_the_choropleth_colours_the_units(browser, site):
    page = open_page(browser, site)
    total = sum(1 for _ in open(CASES, encoding="utf-8")) - 1
    page.click(".leaflet-control-layers-overlays label:has([data-layer='cases']) input")
    page.wait_for_function("document.getElementById('map').dataset.cases !== undefined", timeout=30000)
    assert int(page.eval_on_selector("#map", "e => e.dataset.cases")) == total        # the whole district is in view
    counts = [int(x) for x in page.eval_on_selector_all(".cluster span", "es => es.map(e => e.textContent)")]
    singles = page.evaluate("caseLayer.getLayers().filter(l => !l.getIcon).length")
    assert sum(counts) + singles == total and len(counts) < 200                  # grouped, not 5,000 markers
    page.click(".leaflet-control-layers-base label:has([data-base='choro']) input")
    page.wait_for_function("document.getElementById('map').dataset.choro === '1'", timeout=30000)
    fills = set(page.evaluate("grids.unit.getLayers().map(l => l.options.fillColor)"))
    assert len(fills - {"#e5e7eb"}) == 5 and page.locator(".legend div:has-text('–')").count() == 5
    link = page.evaluate("location.hash")
    assert "cases=1" in link and "choro=1" in link
    shot(page, "desktop-cases-choropleth")
    zoom = page.evaluate("gridplanMap.getZoom()")
    page.locator(".cluster").first.click()
    page.wait_for_function(f"gridplanMap.getZoom() === {zoom + 2}", timeout=10000)        # a cluster opens by zooming in
    again = open_page(browser, site, link)
    assert again.evaluate("gridplanMap.hasLayer(caseLayer) && gridplanMap.hasLayer(choroBase)")


@pytest.mark.parametrize("address, level", [("湛江市赤坎区幸福巷", "road"), ("赤坎区中华街道", "street")])
def test_road_and_street_placings_are_flagged_too(browser, site, rostered, address, level):
    _, _, codes, _ = rostered
    page = open_page(browser, site, "#address=" + urllib.parse.quote(address))
    assert settled(page) == "unsure"
    warning = page.inner_text("#unsure")
    assert ("道路级" if level == "road" else "街道级") in warning and "不能确定" in warning
    assert page.locator("#gridder").count() == 0 and page.locator("#chain tr.unsure[data-level='unit']").count() == 1
    assert not page.evaluate("Object.values(byCode).some(x => x.hit)")            # no unit grid painted as the answer
    if level == "road":
        assert "没有更具体的候选位置" in warning
    else:
        street = page.inner_text("#chain tr[data-level='street'] td:nth-child(2) .muted")
        n = sum(1 for c in codes if c.startswith(street))
        assert f"共有 {n} 个单元网格" in warning and n > 12
    shot(page, f"desktop-unsure-{level}")
