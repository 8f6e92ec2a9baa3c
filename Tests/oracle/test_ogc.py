"""OGC API – Features (Core) under /ogc, read by GDAL's own OAPIF driver as QGIS would: every
collection opens as a layer, and its features are the plan's (compared with GDAL reading the
GeoPackage directly), through paging and a bbox filter."""
import json
import subprocess
import urllib.request

import pytest

from conftest import ROOT, start_server


@pytest.fixture(scope="module")
def ogc(gridplan, gridplan_binary, sample_plan, tmp_path_factory):
    db = tmp_path_factory.mktemp("ogc") / "plan.gpkg"
    db.write_bytes(sample_plan.read_bytes())
    gridplan("cases", "import", ROOT / "GeoData" / "chikan" / "cases_2024.csv", "--db", db, "--crs", "cgcs2000",
             "--rejects", db.parent / "rejects.csv")
    url, process = start_server(gridplan_binary, db)
    yield url + "ogc", db
    process.kill()
    process.wait(10)


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers.get("Content-Type", ""), json.loads(response.read())


def test_landing_conformance_and_collections(ogc):
    base, _ = ogc
    status, kind, landing = fetch(base)
    assert status == 200 and kind.startswith("application/json")
    assert {"self", "conformance", "data"} <= {link["rel"] for link in landing["links"]}
    _, _, conformance = fetch(base + "/conformance")
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance["conformsTo"]
    _, _, collections = fetch(base + "/collections")
    assert [c["id"] for c in collections["collections"]] == ["street_grids", "community_grids", "area_grids", "unit_grids", "cases"]
    with pytest.raises(urllib.error.HTTPError) as missing:
        fetch(base + "/collections/parcels")
    assert missing.value.code == 404


def ogr2ogr(tmp_path, source, layer, *options):
    """GDAL's own reading of a layer, written out as GeoJSON."""
    out = tmp_path / f"{layer}-{len(list(tmp_path.iterdir()))}.geojson"
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(out), source, *options, layer], check=True, capture_output=True)
    return json.loads(out.read_text())["features"]


def test_gdal_reads_every_collection_as_the_geopackage_holds_it(ogc, tmp_path):
    base, db = ogc
    listing = subprocess.run(["ogrinfo", "-ro", "-q", f"OAPIF:{base}"], check=True, capture_output=True, text=True).stdout
    assert [line.split(": ")[1].split(" ")[0] for line in listing.splitlines() if ": " in line] == [
        "street_grids", "community_grids", "area_grids", "unit_grids", "cases"]
    for number, level in enumerate(["street", "community", "area", "unit"], start=1):
        remote = ogr2ogr(tmp_path, f"OAPIF:{base}", f"{level}_grids")      # GDAL pages through `next` links
        local = ogr2ogr(tmp_path, str(db), "grids", "-where", f"level = {number} AND valid_to IS NULL")
        assert len(remote) == len(local) > 0, level
        assert sorted(f["properties"]["code"] or "" for f in remote) == sorted(f["properties"]["code"] or "" for f in local)
        assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in remote)
    # The cases, all of them, and a bbox: exactly what GDAL finds in the GeoPackage with the same box.
    assert len(ogr2ogr(tmp_path, f"OAPIF:{base}", "cases")) == 5000
    box = ["110.36", "21.25", "110.38", "21.27"]
    remote = ogr2ogr(tmp_path, f"OAPIF:{base}", "cases", "-spat", *box)
    local = ogr2ogr(tmp_path, str(db), "cases", "-spat", *box)
    assert sorted(f["properties"]["id"] for f in remote) == sorted(f["properties"]["external_id"] for f in local)
    assert 0 < len(remote) < 5000


def test_the_cases_extent_is_the_box_around_the_located_cases(ogc, tmp_path):
    """The `cases` collection's extent (read from the layer's recorded extent) is the box around every case
    with a point, as GDAL reads the cases from the GeoPackage itself."""
    base, db = ogc
    points = [f["geometry"]["coordinates"] for f in ogr2ogr(tmp_path, str(db), "cases") if f["geometry"]]
    assert len(points) > 1000
    _, _, described = fetch(base + "/collections/cases")
    [box] = described["extent"]["spatial"]["bbox"]
    expected = [min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points)]
    assert box == pytest.approx(expected, abs=1e-9)


def test_paging_and_single_items(ogc):
    base, _ = ogc
    _, kind, first = fetch(base + "/collections/unit_grids/items?limit=7")
    assert kind.startswith("application/geo+json") and first["numberReturned"] == 7
    next_link = next(link["href"] for link in first["links"] if link["rel"] == "next")
    _, _, second = fetch(next_link)
    assert not {f["id"] for f in first["features"]} & {f["id"] for f in second["features"]}
    one = first["features"][0]
    _, _, again = fetch(f"{base}/collections/unit_grids/items/{one['id']}")
    assert again == one
    with pytest.raises(urllib.error.HTTPError) as bad:
        fetch(base + "/collections/cases/items?limit=0")
    assert bad.value.code == 400
