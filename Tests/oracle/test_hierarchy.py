"""`gridplan validate` and `stats` against shapely and pyproj on real and sample data."""
import json
import subprocess

import prcoords
import pytest
from pyproj import Geod, Transformer
import numpy as np
import shapely
from shapely.geometry import shape

from conftest import ROOT

GEOD = Geod(ellps="GRS80")
CHIKAN = ROOT / "GeoData" / "chikan"


def test_every_grid_area_matches_geodesic(gridplan, sample_plan, tmp_path):
    stats = json.loads(gridplan("stats", "--db", sample_plan, "--json").stdout)
    ours = {(g["level"], g["name"]): g for g in stats["grids"]}
    for level, name in [("street", "streets"), ("community", "communities"), ("area", "areas"), ("unit", "units")]:
        for feature in json.loads((CHIKAN / f"{name}.geojson").read_text())["features"]:
            geodesic = abs(GEOD.geometry_area_perimeter(shape(feature["geometry"]))[0])
            measured = ours[(level, feature["properties"]["name"])]["area_m2"]
            assert abs(measured - geodesic) / geodesic < 0.001, (level, feature["properties"]["name"])


def test_sizing_findings_are_exactly_the_units_outside_300_to_500(gridplan, sample_plan):
    result = gridplan("validate", "--db", sample_plan, "--json", check=False)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    flagged = {f["grids"][0] for f in report["findings"] if f["kind"] == "households_out_of_range"}
    units = json.loads((CHIKAN / "units.geojson").read_text())["features"]
    expected = {u["properties"]["name"] for u in units if not 300 <= u["properties"]["households"] <= 500}
    assert flagged == expected and len(expected) > 0
    # The generated hierarchy nests exactly: nothing else but noise.
    assert {f["kind"] for f in report["findings"] if f["severity"] != "noise"} == {"households_out_of_range"}


def test_real_outlines_from_two_sources_disagree_by_what_shapely_measures(gridplan, tmp_path):
    """The Amap (GCJ-02) outline of 赤坎区 as the street level, over communities generated from the
    Tianditu outline: the communities' area outside the Amap outline, per gridplan and per shapely
    (with prcoords converting GCJ-02 independently)."""
    db = tmp_path / "two-sources.gpkg"
    amap = json.loads((CHIKAN / "county_gcj02.geojson").read_text())
    amap["features"][0]["properties"] = {"code": "440802", "name": "赤坎区(高德)"}
    street = tmp_path / "amap.geojson"
    street.write_text(json.dumps(amap, ensure_ascii=False))
    gridplan("import", street, "--db", db, "--level", "street", "--crs", "gcj02")
    # Without a parent field, each community's parent is found by area share.
    communities_file = tmp_path / "communities.geojson"
    fc = json.loads((CHIKAN / "communities.geojson").read_text())
    for f in fc["features"]:
        del f["properties"]["parent"]
    communities_file.write_text(json.dumps(fc, ensure_ascii=False))
    gridplan("import", communities_file, "--db", db, "--level", "community", "--crs", "cgcs2000")
    report = json.loads(gridplan("validate", "--db", db, "--json", check=False).stdout)
    assert not [f for f in report["findings"] if f["kind"] == "no_parent"]
    outside = sum(f["measure"] for f in report["findings"] if f["kind"] == "outside_parent")
    gaps = sum(f["measure"] for f in report["findings"] if f["kind"] == "gap")

    to_metric = Transformer.from_crs("EPSG:4490", "EPSG:4546", always_xy=True)

    def gcj_to_metric(coords):
        wgs = [prcoords.gcj_wgs_bored(prcoords.Coords(lat, lon)) for lon, lat in coords]
        return np.column_stack(to_metric.transform([c.lon for c in wgs], [c.lat for c in wgs]))

    def cgcs_to_metric(coords):
        return np.column_stack(to_metric.transform(coords[:, 0], coords[:, 1]))

    amap_outline = shapely.transform(shape(amap["features"][0]["geometry"]), gcj_to_metric)
    communities = [shapely.transform(shape(f["geometry"]), cgcs_to_metric)
                   for f in json.loads((CHIKAN / "communities.geojson").read_text())["features"]]
    expected_outside = sum(c.difference(amap_outline).area for c in communities)
    expected_gaps = amap_outline.difference(shapely.union_all(communities)).area
    assert expected_outside > 1e5          # real sources really differ, by hectares
    assert abs(outside - expected_outside) / expected_outside < 0.001
    assert abs(gaps - expected_gaps) / expected_gaps < 0.001


def test_exit_status_and_errors(gridplan, tmp_path):
    missing = gridplan("validate", "--db", tmp_path / "none.gpkg", check=False)
    assert missing.returncode == 2 and "none.gpkg" in missing.stderr
    db = tmp_path / "clean.gpkg"
    gridplan("import", CHIKAN / "streets.geojson", "--db", db, "--level", "street", "--crs", "cgcs2000")
    gridplan("import", CHIKAN / "communities.geojson", "--db", db, "--level", "community", "--crs", "cgcs2000")
    clean = gridplan("validate", "--db", db, check=False)
    assert clean.returncode == 0, clean.stdout
    info = subprocess.run(["ogrinfo", "-ro", "-so", str(db), "findings"], capture_output=True, text=True, check=True).stdout
    assert "Feature Count:" in info
