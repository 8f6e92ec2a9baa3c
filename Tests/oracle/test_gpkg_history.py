"""Grids edited through GDAL (as QGIS edits them: OGR's SetFeature, and plain SQL through ogrinfo) keep
their history in the plan: `gridplan versions` lists the edit as an outside edit and `plan diff` measures
it; the areas are checked against pyproj's geodesic areas, and the file stays a valid GeoPackage."""
import json
import subprocess

import pytest
from pyproj import Geod
import shapely
from shapely import wkt as shapely_wkt
from shapely.geometry import box

GEOD = Geod(ellps="GRS80")  # CGCS2000's ellipsoid
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-gdal (osgeo) lives here, not in the venv
VALIDATOR = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"


def gdal(script, *args):
    """Runs `script` with Debian's Python and its osgeo bindings; returns what it prints as JSON."""
    result = subprocess.run([SYSTEM_PYTHON, "-c", script, *map(str, args)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout or "null")


CURRENT_UNITS = """
import json, sys
from osgeo import ogr
ds = ogr.Open(sys.argv[1])
layer = ds.GetLayerByName("grids")
layer.SetAttributeFilter("level = 4 AND valid_to IS NULL")
print(json.dumps([{"fid": f.GetFID(), "code": f["code"], "households": f["households"],
                   "wkt": f.GetGeometryRef().ExportToWkt()} for f in layer]))
"""

# What QGIS does when a planner reshapes a feature and saves: OGR SetFeature on the same fid.
RESHAPE = """
import sys
from osgeo import ogr
ogr.UseExceptions()
ds = ogr.Open(sys.argv[1], 1)
layer = ds.GetLayerByName("grids")
feature = layer.GetFeature(int(sys.argv[2]))
feature.SetGeometry(ogr.CreateGeometryFromWkt(sys.argv[3]))
layer.SetFeature(feature)
ds = None
print("null")
"""


def geodesic_area(geometry):
    return abs(GEOD.geometry_area_perimeter(geometry)[0])


def versions(gridplan, db):
    lines = gridplan("versions", "--db", db).stdout.strip().splitlines()
    return [line.split("\t") for line in lines]


@pytest.fixture(scope="module")
def edited(gridplan, sample_plan, tmp_path_factory):
    """The sample plan coded as tools/demo codes it, then edited through GDAL three ways."""
    db = tmp_path_factory.mktemp("edited") / "plan.gpkg"
    db.write_bytes(sample_plan.read_bytes())
    gridplan("codes", "--db", db, "--county", "440802")
    before = versions(gridplan, db)
    units = gdal(CURRENT_UNITS, db)
    reshaped, deleted, recounted = units[0], units[1], units[2]
    old = shapely_wkt.loads(reshaped["wkt"])
    minx, miny, maxx, maxy = old.bounds
    piece = old.intersection(box(minx, miny, (minx + maxx) / 2, maxy))
    new = piece if piece.geom_type == "MultiPolygon" else shapely.geometry.MultiPolygon([piece])
    gdal(RESHAPE, db, reshaped["fid"], new.wkt)
    for sql in [f"DELETE FROM grids WHERE fid = {deleted['fid']}",
                f"UPDATE grids SET households = 999 WHERE fid = {recounted['fid']}"]:
        result = subprocess.run(["ogrinfo", str(db), "-sql", sql], capture_output=True, text=True)
        assert result.returncode == 0 and "ERROR" not in result.stderr, result.stderr
    return db, before, units, old, new


def test_versions_lists_one_outside_edit(gridplan, edited):
    db, before, units, _, _ = edited
    after = versions(gridplan, db)
    assert after[:-1] == before and len(after) == len(before) + 1
    version, _, counts, command = after[-1]
    assert command == "outside edit"
    # Reshaped and recounted: each one current row started and one old row ended; deleted: ended.
    assert counts == "+2 -3"


def test_plan_diff_measures_the_edit_against_pyproj(gridplan, edited):
    db, before, units, old, new = edited
    last = versions(gridplan, db)[-1][0]
    diff = json.loads(gridplan("plan", "diff", "--db", db, "--from", int(last) - 1, "--to", last, "--json").stdout)
    changes = {c["grid"]: c for c in diff["changes"]}
    reshaped, deleted, recounted = units[0], units[1], units[2]
    assert set(changes) == {reshaped["code"], deleted["code"], recounted["code"]}
    lost = geodesic_area(old) - geodesic_area(new)
    assert changes[reshaped["code"]]["change"] == "reshaped"
    assert abs(changes[reshaped["code"]]["lost_m2"] - lost) / lost < 0.001
    assert changes[reshaped["code"]]["gained_m2"] < 1
    assert changes[deleted["code"]]["change"] == "removed"
    whole = geodesic_area(shapely_wkt.loads(deleted["wkt"]))
    assert abs(changes[deleted["code"]]["lost_m2"] - whole) / whole < 0.001
    assert changes[recounted["code"]]["households_after"] == 999
    assert changes[recounted["code"]]["households_before"] == recounted["households"]


HISTORY = """
import json, sys
from osgeo import ogr
ds = ogr.Open(sys.argv[1])
layer = ds.GetLayerByName("grids")
layer.SetAttributeFilter("code = '%s'" % sys.argv[2])
print(json.dumps([{"fid": f.GetFID(), "valid_to": f["valid_to"], "wkt": f.GetGeometryRef().ExportToWkt()} for f in layer]))
"""


def test_old_geometry_is_still_there(edited):
    db, _, units, old, new = edited
    rows = gdal(HISTORY, db, units[0]["code"])
    current = [r for r in rows if r["valid_to"] is None]
    ended = [r for r in rows if r["valid_to"] is not None]
    assert len(current) == 1 and len(ended) == 1
    assert current[0]["fid"] == units[0]["fid"]  # the feature QGIS edited keeps its id
    assert shapely_wkt.loads(ended[0]["wkt"]).equals_exact(old, 1e-9)
    assert shapely_wkt.loads(current[0]["wkt"]).equals_exact(new, 1e-9)
    deleted = gdal(HISTORY, db, units[1]["code"])
    assert len(deleted) == 1 and deleted[0]["valid_to"] is not None  # kept, ended, under a new fid
    assert shapely_wkt.loads(deleted[0]["wkt"]).equals_exact(shapely_wkt.loads(units[1]["wkt"]), 1e-9)


def test_history_is_not_edited_through_gdal(edited):
    db, _, units, _, _ = edited
    before = gdal(HISTORY, db, units[1]["code"])
    for sql in [f"UPDATE grids SET name = 'x', geom = NULL WHERE code = '{units[1]['code']}'",
                f"DELETE FROM grids WHERE code = '{units[1]['code']}'"]:
        result = subprocess.run(["ogrinfo", str(db), "-sql", sql], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert gdal(HISTORY, db, units[1]["code"]) == before


def test_edited_plan_is_still_a_valid_geopackage_that_copies_whole(edited, tmp_path):
    db = edited[0]
    check = subprocess.run([SYSTEM_PYTHON, VALIDATOR, "-k", str(db)], capture_output=True, text=True)
    assert check.returncode == 0 and not check.stdout and not check.stderr, check.stdout + check.stderr
    copy = tmp_path / "copy.gpkg"
    result = subprocess.run(["ogr2ogr", "-f", "GPKG", str(copy), str(db)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    count = """
import json, sys
from osgeo import ogr
ds = ogr.Open(sys.argv[1])  # kept in a variable: a layer outlives no dataset
print(json.dumps(ds.GetLayerByName("grids").GetFeatureCount()))
"""
    assert gdal(count, copy) == gdal(count, db)


FIELD_TYPES = """
import json, sys
from osgeo import ogr
ds = ogr.Open(sys.argv[1])
types = {}
for table in ["grids", "plan_versions", "people", "duties"]:
    defn = ds.GetLayerByName(table).GetLayerDefn()
    types[table] = {defn.GetFieldDefn(i).GetName(): defn.GetFieldDefn(i).GetTypeName() for i in range(defn.GetFieldCount())}
first = ds.GetLayerByName("plan_versions").GetNextFeature()
types["created_at"] = first.GetFieldAsDateTime("created_at")  # [y, m, d, h, min, s, tz flag]
print(json.dumps(types))
"""


def test_gdal_reads_the_days_as_dates(edited):
    types = gdal(FIELD_TYPES, edited[0])
    assert types["grids"]["valid_from"] == "Date" and types["grids"]["valid_to"] == "Date"
    assert types["plan_versions"]["valid_from"] == "Date" and types["plan_versions"]["created_at"] == "DateTime"
    assert types["people"]["active_from"] == "Date" and types["people"]["active_to"] == "Date"
    assert types["duties"]["valid_from"] == "Date" and types["duties"]["valid_to"] == "Date"
    assert types["created_at"][0] >= 2024 and types["created_at"][6] == 100  # a moment in UTC, as GeoPackage writes it
