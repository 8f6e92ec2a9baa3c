"""Areas gridplan measures in its local projected CRS, against geodesic areas from pyproj."""
import json
import subprocess

import pytest
from pyproj import Geod
from shapely.geometry import shape

GEOD = Geod(ellps="GRS80")   # CGCS2000's ellipsoid; within 1e-9 of WGS 84 at grid scale


def geodesic_area(geometry):
    area, _ = GEOD.geometry_area_perimeter(geometry)
    return abs(area)


@pytest.mark.parametrize("level", ["street", "community", "area", "unit"])
def test_level_areas_match_geodesic(gridplan, sample_plan, tmp_path, level):
    out = tmp_path / f"{level}.geojson"
    gridplan("export", "--db", sample_plan, "--level", level, "--format", "geojson", "--out", out)
    features = json.loads(out.read_text())["features"]
    geodesic = sum(geodesic_area(shape(f["geometry"])) for f in features)
    summary = json.loads(gridplan("summary", "--db", sample_plan, "--json").stdout)
    measured = next(s for s in summary["levels"] if s["level"] == level)
    assert measured["count"] == len(features)
    assert summary["metric_crs"] == "EPSG:4546"
    assert abs(measured["area_m2"] - geodesic) / geodesic < 0.001


def test_sample_hierarchy_is_complete(gridplan, sample_plan):
    summary = json.loads(gridplan("summary", "--db", sample_plan, "--json").stdout)
    by_level = {s["level"]: s for s in summary["levels"]}
    assert [by_level[l]["count"] for l in ["street", "community", "area", "unit"]] == [8, 47, 146, 585]
    assert all(s["without_parent"] == 0 and s["invalid"] == 0 for s in summary["levels"])
    assert len({s["households"] for s in summary["levels"]}) == 1


def test_gpkg_opens_in_gdal_with_the_right_crs(sample_plan):
    info = subprocess.run(["ogrinfo", "-ro", "-so", str(sample_plan), "grids"], capture_output=True, text=True, check=True).stdout
    assert "Feature Count: 786" in info
    assert 'ID["EPSG",4490]' in info
