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
