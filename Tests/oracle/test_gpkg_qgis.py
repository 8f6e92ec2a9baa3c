"""The demo plan in QGIS itself (PyQGIS, offscreen): every layer opens with its features, geometry type and
CRS, the default styles gridplan stores in `layer_styles` are the ones QGIS applies, and the plan renders
with them to out/qgis/plan.png. Skipped where PyQGIS is not installed (Debian: qgis python3-qgis)."""
import json
import os
import sqlite3
import subprocess

import pytest

from conftest import ROOT

SYSTEM_PYTHON = "/usr/bin/python3"  # PyQGIS is Debian's, for its own Python
PNG = ROOT / "out" / "qgis" / "plan.png"

QGIS_SCRIPT = """
import json, os, sys
from qgis.core import (Qgis, QgsApplication, QgsProviderRegistry, QgsVectorLayer, QgsWkbTypes, QgsMapSettings,
                       QgsMapRendererSequentialJob, QgsRectangle)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
app = QgsApplication([], False)
app.initQgis()
path, png = sys.argv[1], sys.argv[2]
layers, opened = [], {}
for d in QgsProviderRegistry.instance().querySublayers(path):
    layer = QgsVectorLayer(d.uri(), d.name(), d.providerKey())
    spatial = layer.isSpatial()
    renderer = layer.renderer() if spatial else None
    rules = []
    if renderer is not None and renderer.type() == "RuleRenderer":
        rules = [[r.label(), r.active()] for r in renderer.rootRule().children()]
    fields = {f.name(): f.typeName() for f in layer.fields()}
    layers.append({"name": d.name(), "valid": layer.isValid(), "count": layer.featureCount(), "fields": fields,
                   "geometry": QgsWkbTypes.displayString(layer.wkbType()), "spatial": spatial,
                   "crs": layer.crs().authid() if spatial else None,
                   "renderer": renderer.type() if renderer is not None else None, "rules": rules})
    opened[d.name()] = layer
# What QGIS's Add Layer dialog and Browser offer: layers of unknown type resolved into one per geometry type.
offered = []
for d in QgsProviderRegistry.instance().querySublayers(path, Qgis.SublayerQueryFlag.ResolveGeometryType):
    layer = QgsVectorLayer(d.uri(), d.name(), d.providerKey())
    offered.append({"name": d.name(), "uri": d.uri(), "count": layer.featureCount(), "spatial": layer.isSpatial(),
                    "geometry": QgsWkbTypes.displayString(layer.wkbType()),
                    "crs": layer.crs().authid() if layer.isSpatial() else None})
settings = QgsMapSettings()
settings.setLayers([opened[n] for n in ["cases", "findings", "grids"]])  # the first is drawn on top
settings.setDestinationCrs(opened["grids"].crs())
extent = QgsRectangle(opened["grids"].extent())
extent.scale(1.05)
settings.setExtent(extent)
settings.setOutputSize(QSize(1600, 1200))
settings.setBackgroundColor(QColor(255, 255, 255))
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
image.save(png, "png")
colours = {}
for y in range(0, image.height(), 2):
    for x in range(0, image.width(), 2):
        c = image.pixelColor(x, y)
        key = "%d,%d,%d" % (c.red(), c.green(), c.blue())
        colours[key] = colours.get(key, 0) + 1
settings.setLayers([opened["findings"]])  # findings alone: their diamonds, drawn by the stored style
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
alone = job.renderedImage()
findings = {}
for y in range(0, alone.height(), 2):
    for x in range(0, alone.width(), 2):
        c = alone.pixelColor(x, y)
        key = "%d,%d,%d" % (c.red(), c.green(), c.blue())
        findings[key] = findings.get(key, 0) + 1
print(json.dumps({"layers": layers, "offered": offered, "colours": colours, "findings": findings}), flush=True)
os._exit(0)  # exitQgis() with layers still referenced from Python crashes PyQGIS 3.22; nothing is left to save
"""


def pyqgis_available():
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, text=True)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def demo_plan(gridplan, rostered, tmp_path_factory):
    """The demo's plan: four levels coded, people and duties, validate's findings, the 2024 cases."""
    db = tmp_path_factory.mktemp("qgis") / "chikan.gpkg"
    db.write_bytes(rostered[0].read_bytes())
    gridplan("validate", "--db", db, check=False)
    gridplan("cases", "import", ROOT / "GeoData" / "chikan" / "cases_2024.csv", "--db", db, "--crs", "cgcs2000",
             "--rejects", db.parent / "rejects.csv", check=False)
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    return db


@pytest.fixture(scope="module")
def in_qgis(demo_plan):
    if not pyqgis_available():
        pytest.skip("PyQGIS is not installed (apt-get install qgis python3-qgis): the QGIS checks did not run")
    PNG.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([SYSTEM_PYTHON, "-c", QGIS_SCRIPT, str(demo_plan), str(PNG)],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_every_layer_opens_with_its_features_geometry_and_crs(demo_plan, in_qgis):
    db = sqlite3.connect(demo_plan)
    contents = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents"))
    geometry = dict(db.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    layers = {layer["name"]: layer for layer in in_qgis["layers"]}
    assert set(contents) - {"layer_styles"} <= set(layers)  # QGIS keeps its style table out of the list
    for table in contents:
        if table == "layer_styles":
            continue
        layer = layers[table]
        count = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        assert layer["valid"] and layer["count"] == count, layer
        # An empty layer of the generic GEOMETRY type (plan_changes before any `plan diff`) gives QGIS no
        # feature to learn its type from, and one that mixes types (the gazetteer) opens without geometry:
        # the views of one type each (gazetteer_points, …) are the layers QGIS draws.
        mixed = table in ("gazetteer", "findings", "plan_changes")
        if table in geometry and not (geometry[table] == "GEOMETRY" and (count == 0 or mixed)):
            assert layer["spatial"] and layer["crs"] == "EPSG:4490", layer
            expected = {"MULTIPOLYGON": "MultiPolygon", "POINT": "Point"}.get(geometry[table])
            assert expected is None or layer["geometry"] == expected, layer
    assert layers["grids"]["fields"]["valid_from"] == "Date" and layers["grids"]["fields"]["valid_to"] == "Date"
    for view, kind in [("gazetteer_points", "Point"), ("gazetteer_lines", "LineString"), ("gazetteer_areas", "Polygon")]:
        assert layers[view]["spatial"] and layers[view]["geometry"] == kind and layers[view]["count"] > 100, layers[view]
    assert sum(layers[v]["count"] for v in ["gazetteer_points", "gazetteer_lines", "gazetteer_areas"]) == \
        db.execute("SELECT count(*) FROM gazetteer WHERE geom IS NOT NULL").fetchone()[0]
    assert layers["grids"]["count"] > 700 and layers["cases"]["count"] > 4000 and layers["findings"]["count"] > 0
    # Each case with the codes of its filing (schema step v17): a layer of points as `cases`, with the codes as fields.
    assert layers["cases_with_grids"]["count"] == layers["cases"]["count"] and layers["cases_with_grids"]["geometry"] == "Point"
    assert {"unit_code", "area_code", "community_code", "street_code", "imported_at"} <= set(layers["cases_with_grids"]["fields"])


def test_every_layer_qgis_offers_a_user_has_its_geometry(demo_plan, in_qgis):
    # Opened by hand as `path|layername=gazetteer`, a layer that mixes types has no geometry in QGIS 3.22; what a
    # user meets is the Add Layer dialog, which resolves such a layer into one layer per type, each with geometry.
    db = sqlite3.connect(demo_plan)
    features = {t for (t,) in db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")}
    offered = [o for o in in_qgis["offered"] if o["name"] in features]
    for layer in offered:
        if layer["count"] > 0:
            assert layer["spatial"] and layer["crs"] == "EPSG:4490" and layer["geometry"] != "Unknown", layer
    gazetteer = sorted(o["geometry"] for o in offered if o["name"] == "gazetteer")
    assert gazetteer == ["LineString", "Point", "Polygon"], gazetteer
    by_type = {o["geometry"]: o["count"] for o in offered if o["name"] == "gazetteer"}
    assert sum(by_type.values()) == db.execute("SELECT count(*) FROM gazetteer WHERE geom IS NOT NULL").fetchone()[0]
    # Every stored feature is in some layer with geometry: the typed layers together hold the whole table.
    for table in features:
        total = db.execute(f'SELECT count(*) FROM "{table}" WHERE geom IS NOT NULL').fetchone()[0]
        assert sum(o["count"] for o in offered if o["name"] == table and o["spatial"]) == total, table


def test_qgis_applies_the_default_styles(in_qgis):
    layers = {layer["name"]: layer for layer in in_qgis["layers"]}
    grids = layers["grids"]
    assert grids["renderer"] == "RuleRenderer"
    assert [label for label, _ in grids["rules"]] == [
        "已结束 ended (history)", "单元网格 unit", "片区 area", "社区/村 community", "街道 street"]
    assert [active for _, active in grids["rules"]] == [False, True, True, True, True]  # history hidden
    assert layers["findings"]["renderer"] == "RuleRenderer" and len(layers["findings"]["rules"]) == 9
    assert layers["findings_points"]["renderer"] == "RuleRenderer" and layers["findings_points"]["rules"] == layers["findings"]["rules"]
    assert layers["cases"]["renderer"] == "RuleRenderer" and len(layers["cases"]["rules"]) == 3
    assert layers["cases_with_grids"]["renderer"] == "RuleRenderer" and layers["cases_with_grids"]["rules"] == layers["cases"]["rules"]


def test_the_plan_renders_with_its_styles(in_qgis):
    assert PNG.exists() and PNG.stat().st_size > 10_000
    colours = in_qgis["colours"]
    # The street's outline and the waiting cases' red are gridplan's colours, not QGIS's random ones.
    assert colours.get("170,20,30", 0) > 200
    reds = sum(n for c, n in colours.items() if int(c.split(",")[0]) > 190 and max(map(int, c.split(",")[1:])) < 70)
    assert reds > 200  # the waiting cases' markers (220,20,20, drawn with a little transparency)
    assert colours.get("255,255,255", 0) < sum(colours.values())  # something was drawn


def test_findings_are_drawn_whatever_their_geometry(in_qgis):
    # The demo's findings are points (sizes out of range): the style's diamonds, not its fills, draw them.
    def near(colour, target):  # markers are drawn a little transparent and antialiased
        return all(abs(a - b) < 50 for a, b in zip(map(int, colour.split(",")), target))
    drawn = sum(n for c, n in in_qgis["findings"].items() if near(c, (255, 150, 0)) or near(c, (210, 0, 120)))
    assert drawn > 100


QGIS_EDIT = """
import json, os, sys
from qgis.core import QgsApplication, QgsVectorLayer, QgsFeatureRequest
app = QgsApplication([], False)
app.initQgis()
layer = QgsVectorLayer(sys.argv[1] + "|layername=grids", "grids", "ogr")
feature = next(layer.getFeatures(QgsFeatureRequest().setFilterExpression('"level" = 4 AND "valid_to" IS NULL')))
old = feature.geometry().asWkt()
layer.startEditing()
layer.changeGeometry(feature.id(), feature.geometry().buffer(-0.0003, 8))  # the planner pulls the border in
layer.changeAttributeValue(feature.id(), layer.fields().indexOf("households"), 321)
ok = layer.commitChanges()
print(json.dumps({"ok": ok, "errors": layer.commitErrors(), "fid": feature.id(), "code": feature["code"], "old": old}), flush=True)
os._exit(0)
"""


def test_an_edit_saved_in_qgis_keeps_history(gridplan, demo_plan, tmp_path):
    if not pyqgis_available():
        pytest.skip("PyQGIS is not installed (apt-get install qgis python3-qgis): the QGIS edit was not tried")
    db = tmp_path / "edited.gpkg"
    db.write_bytes(demo_plan.read_bytes())
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([SYSTEM_PYTHON, "-c", QGIS_EDIT, str(db)], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    edit = json.loads(result.stdout.splitlines()[-1])
    assert edit["ok"], edit["errors"]
    last = gridplan("versions", "--db", db).stdout.strip().splitlines()[-1].split("\t")
    assert last[2] == "+1 -1" and last[3] == "outside edit"
    rows = sqlite3.connect(db).execute(
        "SELECT fid, households, valid_to FROM grids WHERE code = ? ORDER BY fid", (edit["code"],)).fetchall()
    assert len(rows) == 2 and rows[0][0] == edit["fid"] and rows[0][1] == 321 and rows[0][2] is None
    assert rows[1][2] is not None  # the grid as it was, ended today
    diff = json.loads(gridplan("plan", "diff", "--db", db, "--from", int(last[0]) - 1, "--to", last[0], "--json").stdout)
    assert [(c["grid"], c["change"]) for c in diff["changes"]] == [(edit["code"], "reshaped")]
    assert diff["changes"][0]["lost_m2"] > 1000 and diff["changes"][0]["households_after"] == 321
