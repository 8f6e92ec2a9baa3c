"""The layers of one geometry type (gazetteer_points/_lines/_areas, findings_…, plan_changes_…): each holds
exactly the rows of its kind, whoever wrote the blob (gridplan, GDAL, or a big-endian writer), and GDAL's
validator passes the plan with them."""
import json
import sqlite3
import struct
import subprocess
import sys

import pytest
import shapely
from shapely import wkb as shapely_wkb

SYSTEM_PYTHON = "/usr/bin/python3"
VALIDATOR = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"

GDAL_INSERT = """
import sys
from osgeo import ogr
ds = ogr.Open(sys.argv[1], 1)
layer = ds.GetLayerByName("gazetteer")
for wkt, name in [("POINT (110.37 21.27)", "gdal point"), ("MULTILINESTRING ((110.36 21.26, 110.37 21.27))", "gdal road"),
                  ("POLYGON ((110.36 21.26, 110.37 21.26, 110.37 21.27, 110.36 21.26))", "gdal area")]:
    f = ogr.Feature(layer.GetLayerDefn())
    f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
    f.SetField("kind", "poi")
    f.SetField("name", name)
    f.SetField("imported_at", "2024-07-01 08:00:00")
    layer.CreateFeature(f)
ds = None
"""


def gpkg_blob(geometry, big_endian):
    """A GeoPackage blob with a 32-byte envelope, in the byte order asked for (header and WKB)."""
    order = ">" if big_endian else "<"
    flags = (1 << 1) | (0 if big_endian else 1)
    minx, miny, maxx, maxy = geometry.bounds
    header = b"GP" + bytes([0, flags]) + struct.pack(order + "i", 4490) + struct.pack(order + "dddd", minx, maxx, miny, maxy)
    return header + shapely_wkb.dumps(geometry, byte_order=0 if big_endian else 1)


@pytest.fixture(scope="module")
def plan(gridplan, sample_plan, tmp_path_factory):
    db = tmp_path_factory.mktemp("views") / "plan.gpkg"
    db.write_bytes(sample_plan.read_bytes())
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    result = subprocess.run([SYSTEM_PYTHON, "-c", GDAL_INSERT, str(db)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(db)
    # The R-tree upkeep triggers call GeoPackage's ST_ functions: given here from shapely.
    con.create_function("ST_IsEmpty", 1, lambda b: int(read_blob(b).is_empty))
    for i, name in enumerate(["ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY"]):
        con.create_function(name, 1, lambda b, i=i: read_blob(b).bounds[i])
    for geometry, name in [(shapely.Point(110.36, 21.265), "big-endian point"),
                           (shapely.Polygon([(110.36, 21.26), (110.365, 21.26), (110.365, 21.265)]), "big-endian area")]:
        con.execute("INSERT INTO gazetteer (geom, kind, name, imported_at) VALUES (?, 'poi', ?, '2024-07-01')",
                    (gpkg_blob(geometry, big_endian=True), name))
    con.commit()
    return db


def read_blob(blob):
    """The geometry of a GeoPackage blob (header, envelope, then WKB in either byte order)."""
    envelope = [0, 32, 48, 48, 64][(blob[3] >> 1) & 7]
    return shapely_wkb.loads(bytes(blob[8 + envelope:]))


def test_each_view_holds_exactly_its_kind(plan):
    con = sqlite3.connect(plan)
    kinds = {fid: read_blob(blob).geom_type for fid, blob in con.execute("SELECT fid, geom FROM gazetteer WHERE geom IS NOT NULL")}
    family = {"Point": "points", "MultiPoint": "points", "LineString": "lines", "MultiLineString": "lines",
              "Polygon": "areas", "MultiPolygon": "areas"}
    for view in ["points", "lines", "areas"]:
        got = {r[0] for r in con.execute(f"SELECT fid FROM gazetteer_{view}")}
        assert got == {fid for fid, kind in kinds.items() if family[kind] == view}, view
    names = {r[0] for r in con.execute("SELECT name FROM gazetteer_points")} & {"gdal point", "big-endian point"}
    assert names == {"gdal point", "big-endian point"}
    assert {r[0] for r in con.execute("SELECT name FROM gazetteer_lines WHERE name LIKE 'gdal%'")} == {"gdal road"}
    assert {r[0] for r in con.execute("SELECT name FROM gazetteer_areas WHERE name LIKE 'gdal%' OR name LIKE 'big%'")} == \
        {"gdal area", "big-endian area"}


def test_the_validator_passes_the_plan_with_its_views(plan):
    clean = plan
    result = subprocess.run([SYSTEM_PYTHON, VALIDATOR, "-k", str(clean)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    # The validator of PyPI's gdal-utils (GDAL 3.13's checks), all of them: it needs no GDAL bindings.
    result = subprocess.run([sys.executable, "-m", "osgeo_utils.samples.validate_gpkg", str(clean)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    info = subprocess.run(["ogrinfo", "-ro", "-q", str(clean)], capture_output=True, text=True, check=True).stdout
    for view in ["gazetteer_points", "gazetteer_lines", "gazetteer_areas", "findings_points", "plan_changes_areas"]:
        assert f": {view}" in info, info
