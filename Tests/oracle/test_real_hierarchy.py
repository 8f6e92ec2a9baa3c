"""Validation of real nested administrative polygons (GeoData/zhanjiang: Amap and Tianditu), with
the findings measured independently: shapely for the overlays, prcoords for GCJ-02, pyproj's
geodesic areas as the truth."""
import json

import numpy as np
import prcoords
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Polygon, shape

from conftest import ROOT

ZJ = ROOT / "GeoData" / "zhanjiang"
GEOD = Geod(ellps="GRS80")
TO_METRIC = Transformer.from_crs("EPSG:4490", "EPSG:4546", always_xy=True)
TO_LONLAT = Transformer.from_crs("EPSG:4546", "EPSG:4490", always_xy=True)


def gcj_to_lonlat(coords):
    out = [prcoords.gcj_wgs_bored(prcoords.Coords(lat, lon)) for lon, lat in coords]
    return np.array([[c.lon, c.lat] for c in out])


def load(name, gcj):
    features = json.loads((ZJ / name).read_text())["features"]
    return [(f["properties"]["code"], shapely.transform(shape(f["geometry"]), gcj_to_lonlat) if gcj else shape(f["geometry"]))
            for f in features]


def metric(g):
    return shapely.transform(g, lambda c: np.column_stack(TO_METRIC.transform(c[:, 0], c[:, 1])))


def geodesic_area(metric_geometry):
    lonlat = shapely.transform(metric_geometry, lambda c: np.column_stack(TO_LONLAT.transform(c[:, 0], c[:, 1])))
    return abs(GEOD.geometry_area_perimeter(lonlat)[0])


@pytest.fixture(scope="module")
def amap_plan(gridplan, tmp_path_factory):
    db = tmp_path_factory.mktemp("zj") / "zhanjiang.gpkg"
    for name, level in [("province_gcj02", "street"), ("city_gcj02", "community"), ("counties_gcj02", "area")]:
        gridplan("import", ZJ / f"{name}.geojson", "--db", db, "--level", level, "--crs", "gcj02")
    return db


def findings(gridplan, db):
    result = gridplan("validate", "--db", db, "--json", check=False)
    assert result.returncode == 1
    return json.loads(result.stdout)["findings"]


def test_amap_levels_nest_exactly_and_holes_are_found(gridplan, amap_plan):
    found = findings(gridplan, amap_plan)
    errors = {(f["kind"], f["level"]) for f in found if f["severity"] == "error"}
    # The province holds only one of its cities: gaps there are real. Below it, nothing is wrong.
    assert errors == {("gap", "street")}
    assert not [f for f in found if f["kind"] in ("overlap", "outside_parent", "no_parent")]

    (_, city), = load("city_gcj02.geojson", gcj=True)
    holes = sorted(geodesic_area(metric(Polygon(ring))) for part in city.geoms for ring in part.interiors)
    ours = sorted(f["measure"] for f in found if f["kind"] == "hole" and f["level"] == "community")
    assert len(holes) == 3 and len(ours) == 3
    assert all(abs(a - b) / b < 0.001 for a, b in zip(ours, holes))
    # 吴川市's hole is an enclave of 化州市 (茂名市): a hole in the county, not a gap in the city.
    assert [f["grids"] for f in found if f["kind"] == "hole" and f["level"] == "area"] == [["440883"]]


def test_two_sources_disagree_by_what_shapely_measures(gridplan, tmp_path):
    db = tmp_path / "mixed.gpkg"
    gridplan("import", ZJ / "city_gcj02.geojson", "--db", db, "--level", "community", "--crs", "gcj02")
    gridplan("import", ZJ / "counties_cgcs2000.geojson", "--db", db, "--level", "area", "--crs", "cgcs2000")
    found = findings(gridplan, db)
    outside = sum(f["measure"] for f in found if f["kind"] == "outside_parent")
    gaps = [f["measure"] for f in found if f["kind"] == "gap" and f["severity"] == "error"]

    (_, city), = load("city_gcj02.geojson", gcj=True)
    counties = [metric(g) for _, g in load("counties_cgcs2000.geojson", gcj=False)]
    city_m = metric(city)
    expected_outside = sum(geodesic_area(c.difference(city_m)) for c in counties if not c.difference(city_m).is_empty)
    gap_pieces = [p for p in getattr(city_m.difference(shapely.union_all(counties)), "geoms", [])
                  if geodesic_area(p) >= 1.0]
    expected_gaps = sum(geodesic_area(p) for p in gap_pieces)
    assert expected_outside > 5e7 and expected_gaps > 8e8       # km² of real disagreement
    assert abs(outside - expected_outside) / expected_outside < 0.001
    assert abs(sum(gaps) - expected_gaps) / expected_gaps < 0.001
    assert abs(len(gaps) - len(gap_pieces)) <= 2
