"""`gridplan partition` checked with shapely: the grids tile the parent, each is one connected
polygon, households are those of the points inside, edges lie on barrier lines, and the plan
passes `gridplan validate` with no coverage finding."""
import json

import shapely
from pyproj import Transformer
from shapely import wkb
from shapely.geometry import shape

from conftest import ROOT

CHIKAN = ROOT / "GeoData" / "chikan"
HELSINKI = ROOT / "GeoData" / "helsinki"


def gpkg_geometry(blob):
    """Shapely geometry of a GeoPackage geometry blob (header + ISO WKB)."""
    b = bytes(blob)
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(b[3] >> 1) & 7]
    return wkb.loads(b[8 + envelope:])


def current(db, level):
    import sqlite3
    con = sqlite3.connect(db)
    rows = con.execute("SELECT code, name, households, geom FROM grids WHERE level = ? AND valid_to IS NULL", (level,)).fetchall()
    con.close()
    return [(code, name, hh, gpkg_geometry(g)) for code, name, hh, g in rows]


def metric(geometry, epsg):
    """The geometry in the plan's metric CRS, where gridplan cuts blocks and `validate` overlays."""
    t = Transformer.from_crs(4490, epsg, always_xy=True)
    return shapely.transform(geometry, lambda xy: __import__("numpy").column_stack(t.transform(xy[:, 0], xy[:, 1])))


def one_community(tmp_path, code):
    data = json.loads((CHIKAN / "communities.geojson").read_text())
    data["features"] = [f for f in data["features"] if f["properties"]["code"] == code]
    path = tmp_path / f"{code}.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path


def test_partition_tiles_the_parent_with_connected_grids(gridplan, tmp_path):
    db = tmp_path / "plan.gpkg"
    gridplan("import", one_community(tmp_path, "440802003001"), "--db", db, "--level", "community", "--crs", "cgcs2000")
    report = json.loads(gridplan("partition", "--db", db, "--parent", "440802003001", "--barriers", CHIKAN / "roads.geojson",
                                 "--buildings", CHIKAN / "buildings.geojson", "--seed", "4", "--json").stdout)
    (parent_code, _, parent_hh, parent), = current(db, 2)
    units = current(db, 4)
    assert len(units) == report["grids"] >= 2
    geoms = [g for _, _, _, g in units]
    # Each grid one polygon, valid, no holes.
    for code, _, _, g in units:
        parts = list(getattr(g, "geoms", [g]))
        assert len(parts) == 1 and g.is_valid and len(parts[0].interiors) == 0, code
    # They tile the parent: no overlap (neighbours share their vertices exactly), and the union is the
    # parent in the plan's metric CRS (EPSG:4546) to float noise.
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            assert shapely.intersection(geoms[i], geoms[j]).area == 0
    assert shapely.symmetric_difference(shapely.union_all([metric(g, 4546) for g in geoms]), metric(parent, 4546)).area < 1e-4
    # Households are those of the generated points inside each grid.
    points = json.loads((CHIKAN / "buildings.geojson").read_text())["features"]
    xs = [p["geometry"]["coordinates"][0] for p in points]
    ys = [p["geometry"]["coordinates"][1] for p in points]
    for code, _, hh, g in units:
        inside = shapely.contains_xy(g, xs, ys)
        assert hh == sum(p["properties"]["households"] for p, k in zip(points, inside) if k), code
    # Grid edges between grids lie on the (generated) roads: within 10 cm, since blocks are cut in metres
    # and a road straight in longitude/latitude bends by millimetres to centimetres in metres.
    roads = shapely.union_all([shape(f["geometry"]) for f in json.loads((CHIKAN / "roads.geojson").read_text())["features"]])
    inner = shapely.difference(shapely.union_all([g.boundary for g in geoms]), parent.boundary.buffer(1e-6))
    assert shapely.difference(inner, roads.buffer(1e-6)).length < 1e-9
    assert report["cuts_not_on_barriers"] == 0
    result = gridplan("validate", "--db", db, "--json", check=False)
    findings = json.loads(result.stdout)["findings"]
    coverage = [f for f in findings if f["severity"] != "noise" and f["kind"] in
                ("gap", "overlap", "outside_parent", "no_parent", "no_children", "multi_part", "hole", "invalid_geometry")]
    assert coverage == []


def test_helsinki_real_streets_and_estimated_households(gridplan, tmp_path):
    db = tmp_path / "helsinki.gpkg"
    gridplan("import", HELSINKI / "district.geojson", "--db", db, "--level", "community", "--crs", "wgs84")
    report = json.loads(gridplan("partition", "--db", db, "--parent", "HEL01", "--barriers", HELSINKI / "barriers.geojson",
                                 "--buildings", HELSINKI / "households.geojson", "--json").stdout)
    (_, _, _, parent), = current(db, 2)
    geoms = [g for _, _, _, g in current(db, 4)]
    # Outside China the plan's metric CRS is UTM: zone 35N here.
    assert shapely.symmetric_difference(shapely.union_all([metric(g, 32635) for g in geoms]), metric(parent, 32635)).area < 1e-4
    assert all(len(list(getattr(g, "geoms", [g]))) == 1 for g in geoms)
    total = sum(f["properties"]["households"] for f in json.loads((HELSINKI / "households.geojson").read_text())["features"]
                if shapely.contains_xy(parent, *f["geometry"]["coordinates"]))
    assert sum(g["households"] for p in report["parents"] for g in p["grids"]) == total
    assert report["cuts_not_on_barriers"] == 0


def kinds(db, level):
    import sqlite3
    con = sqlite3.connect(db)
    rows = dict(con.execute("SELECT code, kind FROM grids WHERE level = ? AND valid_to IS NULL", (level,)).fetchall())
    con.close()
    return rows


def write_features(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    return path


def rect(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def test_partition_dedicated_grids_seeds_residents_and_radius(gridplan, tmp_path):
    """--dedicated, --seeds, --max-radius and the default residents cap through the binary, checked with
    shapely: the school is a grid of its own holding the households inside it, the market is clipped to the
    community, a site outside it makes nothing, every other grid holds exactly one seed, radii are shapely's,
    and the plan tiles the community with no coverage finding."""
    db = tmp_path / "plan.gpkg"
    gridplan("import", one_community(tmp_path, "440802001001"), "--db", db, "--level", "community", "--crs", "cgcs2000")
    dedicated = write_features(tmp_path / "dedicated.geojson", [
        {"type": "Feature", "properties": {"name": "育才小学", "类型": "学校"}, "geometry": rect(110.4030, 21.2500, 110.4045, 21.2512)},
        {"type": "Feature", "properties": {"name": "中华市场", "类型": "market"}, "geometry": rect(110.4080, 21.2455, 110.4110, 21.2470)},
        {"type": "Feature", "properties": {"name": "远处医院", "类型": "医院"}, "geometry": rect(110.30, 21.20, 110.301, 21.201)},
    ])
    seed_xy = [(110.40153 + 0.0022 * (k % 4), 21.24763 + 0.0025 * (k // 4)) for k in range(12)]
    seeds = write_features(tmp_path / "seeds.geojson", [
        {"type": "Feature", "properties": {"id": f"G{k:02d}"}, "geometry": {"type": "Point", "coordinates": list(xy)}}
        for k, xy in enumerate(seed_xy)])
    report = json.loads(gridplan("partition", "--db", db, "--parent", "440802001001", "--barriers", CHIKAN / "roads.geojson",
                                 "--buildings", CHIKAN / "buildings.geojson", "--dedicated", dedicated, "--seeds", seeds,
                                 "--max-radius", "400", "--seed", "3", "--json").stdout)
    assert report["max_residents"] == 2500 and report["max_radius_m"] == 400
    (parent_code, _, _, parent), = current(db, 2)
    units = {code: (hh, g) for code, _, hh, g in current(db, 4)}
    kind_of = kinds(db, 4)
    (p,) = report["parents"]
    grids = {g["code"]: g for g in p["grids"]}
    assert set(grids) == set(units)
    # Dedicated grids: the school and the clipped market, with their kinds, in the report and in the plan.
    dedicated_codes = {c for c, g in grids.items() if g["dedicated"]}
    assert {grids[c]["kind"] for c in dedicated_codes} == {"school", "market"}
    assert {kind_of[c] for c in dedicated_codes} == {"school", "market"}
    assert all(kind_of[c] == "comprehensive" for c in set(units) - dedicated_codes)
    assert report["dedicated_outside"] == ["远处医院 (feature 3)"]
    assert p["dedicated_clipped"] == ["中华市场 (feature 2)"]
    points = json.loads((CHIKAN / "buildings.geojson").read_text())["features"]
    xs = [f["geometry"]["coordinates"][0] for f in points]
    ys = [f["geometry"]["coordinates"][1] for f in points]
    hh = [f["properties"]["households"] for f in points]
    for code in dedicated_codes:
        site = shape(rect(110.4030, 21.2500, 110.4045, 21.2512) if grids[code]["kind"] == "school"
                     else rect(110.4080, 21.2455, 110.4110, 21.2470)).intersection(parent)
        grid = units[code][1]
        site_m, grid_m = metric(site, 4546), metric(grid, 4546)
        # The grid is the site (inside the community), give or take the snapping to streets (0.5 m) and strips
        # without households between its edge and a street.
        assert shapely.difference(site_m, grid_m).area < 0.01 * site_m.area, code
        assert shapely.difference(grid_m, site_m).area < 0.1 * site_m.area, code
        inside_site = sum(h for h, k in zip(hh, shapely.contains_xy(site, xs, ys)) if k)
        inside_grid = sum(h for h, k in zip(hh, shapely.contains_xy(grid, xs, ys)) if k)
        assert units[code][0] == inside_grid == inside_site == grids[code]["households"], code
        assert grids[code]["within_bounds"]   # exempt
    assert p["dedicated_households"] == sum(grids[c]["households"] for c in dedicated_codes)
    # Seeds: every other grid holds exactly one, the one the report names.
    inside = {c: [f"G{k:02d}" for k, xy in enumerate(seed_xy) if shapely.contains_xy(units[c][1], *xy)] for c in units}
    for code in set(units) - dedicated_codes:
        assert len(inside[code]) == 1 and inside[code] == grids[code]["seeds"], code
    assert len(set(units) - dedicated_codes) == p["seeds_inside"] - len(p["seeds_without_own_grid"])
    # Radius as shapely measures it (centroid to farthest vertex, metres); grids over 400 m are listed.
    for code, (_, g) in units.items():
        m = metric(g, 4546)
        c = m.centroid
        radius = max(c.distance(shapely.Point(xy)) for xy in shapely.get_coordinates(m))
        assert abs(radius - grids[code]["radius_m"]) < 0.5, code
        assert grids[code]["over_max_radius"] == (radius > 400 and not grids[code]["dedicated"]), code
    assert set(p["over_max_radius"]) == {c for c, g in grids.items() if g["over_max_radius"]}
    assert all(g["residents"] <= 2500 or g["over_max_residents"] for g in grids.values())
    # The grids tile the community; validate finds no coverage problem (no gap, overlap, hole, multi-part).
    assert shapely.symmetric_difference(shapely.union_all([metric(g, 4546) for _, g in units.values()]), metric(parent, 4546)).area < 1e-4
    assert report["cuts_not_on_barriers"] == 0
    findings = json.loads(gridplan("validate", "--db", db, "--json", check=False).stdout)["findings"]
    coverage = [f for f in findings if f["severity"] != "noise" and f["kind"] in
                ("gap", "overlap", "outside_parent", "no_parent", "no_children", "multi_part", "hole", "invalid_geometry")]
    assert coverage == []


def test_partition_refuses_an_unknown_dedicated_kind(gridplan, tmp_path):
    db = tmp_path / "plan.gpkg"
    gridplan("import", one_community(tmp_path, "440802001001"), "--db", db, "--level", "community", "--crs", "cgcs2000")
    dedicated = write_features(tmp_path / "dedicated.geojson", [
        {"type": "Feature", "properties": {"name": "育才小学", "kind": "school"}, "geometry": rect(110.4030, 21.2500, 110.4045, 21.2512)},
        {"type": "Feature", "properties": {"name": "欢乐谷", "kind": "游乐场"}, "geometry": rect(110.4050, 21.2500, 110.4060, 21.2510)},
    ])
    result = gridplan("partition", "--db", db, "--parent", "440802001001", "--barriers", CHIKAN / "roads.geojson",
                      "--buildings", CHIKAN / "buildings.geojson", "--dedicated", dedicated, check=False)
    assert result.returncode != 0
    assert "feature 2" in result.stderr and "欢乐谷" in result.stderr and "游乐场" in result.stderr
    assert current(db, 4) == []
    # Options that cannot go together are refused before any work.
    for extra in (["--seeds", dedicated, "--count", "4"], ["--redraw", "--dedicated", dedicated], ["--max-radius", "0"]):
        bad = gridplan("partition", "--db", db, "--parent", "440802001001", "--barriers", CHIKAN / "roads.geojson",
                       "--buildings", CHIKAN / "buildings.geojson", *extra, check=False)
        assert bad.returncode == 2, extra


def test_partition_redraw_with_a_residents_cap(gridplan, tmp_path):
    """A redraw under a residents cap lower than the grids hold: grids over it are brought under it where the
    households allow, the rest are listed; nothing else changes."""
    db = tmp_path / "plan.gpkg"
    gridplan("import", one_community(tmp_path, "440802001001"), "--db", db, "--level", "community", "--crs", "cgcs2000")
    args = ["--db", db, "--parent", "440802001001", "--barriers", CHIKAN / "roads.geojson", "--buildings", CHIKAN / "buildings.geojson"]
    first = json.loads(gridplan("partition", *args, "--seed", "2", "--json").stdout)
    residents = sorted(g["residents"] for g in first["parents"][0]["grids"])
    cap = residents[-3]          # the two grids with the most residents are over it
    redraw = json.loads(gridplan("partition", *args, "--redraw", "--max-residents", str(cap), "--json").stdout)
    (p,) = redraw["parents"]
    over = [g for g in p["grids"] if g["residents"] > cap]
    assert sorted(g["code"] for g in over) == sorted(p["over_max_residents"])
    assert len(over) < 2
    assert p["moved_blocks"] > 0
    assert all(g["within_bounds"] == (300 <= g["households"] <= 500 and g["residents"] <= cap) for g in p["grids"])


def test_redraw_adds_grids_where_their_number_cannot_work(gridplan, sample_plan, tmp_path):
    """The sample's 文章村第1片区 holds 1,647 households in three units: no redraw keeps them within 300–500.
    With --allow-count-changes the redraw splits one: four units, all within bounds, tiling the area (shapely),
    the added one coded by the scheme with a code no grid has had; the ended ones stay in history."""
    import sqlite3
    db = tmp_path / "plan.gpkg"
    db.write_bytes(sample_plan.read_bytes())
    gridplan("codes", "--db", db, "--county", "440802")
    con = sqlite3.connect(db)
    (community,) = con.execute("SELECT code FROM grids WHERE level = 2 AND name = '文章村' AND valid_to IS NULL").fetchone()
    area_fid, area_blob = con.execute("SELECT fid, geom FROM grids WHERE level = 3 AND name = '文章村第1片区' AND valid_to IS NULL").fetchone()
    codes_before = {c for (c,) in con.execute("SELECT code FROM grids WHERE level = 4")}
    units_before = con.execute("SELECT count(*) FROM grids WHERE level = 4 AND parent_fid = ? AND valid_to IS NULL", (area_fid,)).fetchone()[0]
    con.close()
    assert units_before == 3
    args = ["partition", "--db", db, "--parent", community, "--barriers", CHIKAN / "roads.geojson",
            "--buildings", CHIKAN / "buildings.geojson", "--redraw"]
    assert gridplan(*args[:-1], "--allow-count-changes", check=False).returncode == 2   # needs --redraw
    report = json.loads(gridplan(*args, "--allow-count-changes", "--json").stdout)
    (p,) = report["parents"]
    assert [(c["group"], c["grids_before"], c["grids_after"]) for c in p["count_changes"]] == [("文章村第1片区", 3, 4)]
    assert p["infeasible_groups"] == []
    con = sqlite3.connect(db)
    units = con.execute("SELECT code, households, geom FROM grids WHERE level = 4 AND parent_fid = ? AND valid_to IS NULL",
                        (area_fid,)).fetchall()
    history = con.execute("SELECT count(*) FROM grids WHERE level = 4 AND valid_to IS NOT NULL").fetchone()[0]
    con.close()
    assert len(units) == 4 and all(300 <= hh <= 500 for _, hh, _ in units), [(c, hh) for c, hh, _ in units]
    added = {c for c, _, _ in units} - codes_before
    assert len(added) == 1 and all(c.startswith(community) and len(c) == len(community) + 3 for c in added)
    area = metric(gpkg_geometry(area_blob), 4546)
    pieces = [metric(gpkg_geometry(g), 4546) for _, _, g in units]
    assert abs(shapely.union_all(pieces).area - area.area) < 1e-6 * area.area
    assert sum(g.area for g in pieces) == __import__("pytest").approx(area.area, rel=1e-6)
    assert history >= 3
