"""Shell habits (issue 15): `-` is standard input or output wherever a file is read or written, the
report then goes to standard error, and the answers are those of the same run on files."""
import csv
import io
import json
import shutil

from conftest import ROOT


def test_assign_reads_and_writes_standard_streams(gridplan, sample_plan, tmp_path):
    source = ROOT / "GeoData" / "chikan" / "cases_2024.csv"
    on_files = tmp_path / "assigned.csv"
    gridplan("assign", source, "--db", sample_plan, "--out", on_files, "--crs", "cgcs2000")
    piped = gridplan("assign", "-", "--db", sample_plan, "--out", "-", "--crs", "cgcs2000", stdin=source.read_text())
    assert piped.stdout == on_files.read_text()                 # the data alone on standard output
    assert "assigned 5000 rows" in piped.stderr and "standard output" in piped.stderr


def test_export_to_standard_output_is_the_geojson_gdal_reads(gridplan, sample_plan, tmp_path):
    result = gridplan("export", "--db", sample_plan, "--level", "street", "--format", "geojson", "--out", "-")
    layer = json.loads(result.stdout)
    assert layer["type"] == "FeatureCollection" and len(layer["features"]) == 8
    assert "wrote 8 street grids to standard output" in result.stderr
    refused = gridplan("export", "--db", sample_plan, "--level", "street", "--format", "shp", "--out", "-", check=False)
    assert refused.returncode == 2 and "standard output" in refused.stderr


def test_import_from_standard_input_equals_import_from_the_file(gridplan, tmp_path):
    streets = ROOT / "GeoData" / "chikan" / "streets.geojson"
    a, b = tmp_path / "a.gpkg", tmp_path / "b.gpkg"
    gridplan("import", streets, "--db", a, "--level", "street", "--crs", "cgcs2000")
    gridplan("import", "-", "--db", b, "--level", "street", "--crs", "cgcs2000", stdin=streets.read_text())
    exported = [gridplan("export", "--db", db, "--level", "street", "--format", "geojson", "--out", "-").stdout for db in (a, b)]
    assert exported[0] == exported[1]


def test_geocode_pipes_addresses_through(gridplan, sample_plan, tmp_path):
    db = tmp_path / "plan.gpkg"
    shutil.copy(sample_plan, db)
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    text = "id,address\n1,广东省湛江市赤坎区南桥街道京基社区附近\n2,赤坎区中华街道中华社区附近\n"
    result = gridplan("geocode", "file", "-", "--address-field", "address", "--db", db, "--out", "-", stdin=text)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["1", "2"] and all(r["address"] for r in rows)
    assert "geocoded 2 addresses" in result.stderr


def test_an_empty_standard_input_is_refused(gridplan, tmp_path):
    result = gridplan("import", "-", "--db", tmp_path / "p.gpkg", "--level", "street", stdin="", check=False)
    assert result.returncode == 2 and "standard input is empty" in result.stderr
    assert not (tmp_path / "p.gpkg").exists()


def test_geocoded_columns_never_repeat_an_input_name(gridplan, sample_plan, tmp_path):
    db = tmp_path / "plan.gpkg"
    shutil.copy(sample_plan, db)
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    text = "id,address,lon,lat,interpolated\n1,赤坎区中华街道中华社区附近,110.37,21.26,x\n"
    result = gridplan("geocode", "file", "-", "--address-field", "address", "--db", db, "--out", "-", "--crs", "cgcs2000", stdin=text)
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert len(header) == len(set(h.lower() for h in header)), header
    assert header[:5] == ["id", "address", "lon", "lat", "interpolated"]
    assert {"geocoded_lon", "geocoded_lat", "geocoded_interpolated"} <= set(header)


def test_reports_come_as_json_too(gridplan, tmp_path):
    db = tmp_path / "plan.gpkg"
    streets = ROOT / "GeoData" / "chikan" / "streets.geojson"
    report = json.loads(gridplan("import", streets, "--db", db, "--level", "street", "--crs", "cgcs2000", "--json").stdout)
    assert report["imported"] == 8 and report["level"] == "street" and report["source_crs"] == "EPSG:4490"
    versions = json.loads(gridplan("versions", "--db", db, "--json").stdout)
    assert [v["added"] for v in versions] == [8] and versions[0]["valid_from"]
    codes = json.loads(gridplan("codes", "--db", db, "--county", "440802", "--json").stdout)
    assert codes["skipped"] == [] and all(len(a["code"]) == 9 for a in codes["assigned"])
    cases = tmp_path / "cases.csv"
    cases.write_text("id,lon,lat,reported_at\nA,110.37,21.265,2024-03-01 08:30\nB,,,2024-03-01 09:00\n")
    imported = gridplan("cases", "import", cases, "--db", db, "--crs", "cgcs2000", "--rejects", tmp_path / "r.csv", "--json", check=False)
    assert imported.returncode == 1
    assert json.loads(imported.stdout)["inserted"] == 1 and json.loads(imported.stdout)["rejected"] == 1
    exported = gridplan("export", "--db", db, "--level", "street", "--format", "geojson", "--out", "-", "--json")
    assert json.loads(exported.stderr)["written"] == 8 and len(json.loads(exported.stdout)["features"]) == 8
