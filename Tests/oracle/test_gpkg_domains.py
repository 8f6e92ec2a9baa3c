"""Field domains (GeoPackage schema extension) as GDAL reads them: every coded column of the plan has its
value list, and each list is exactly what gridplan itself accepts and stores (checked by importing every
code, and against the CHECK constraints in the file's own schema)."""
import json
import re
import sqlite3
import subprocess

import pytest

from conftest import ROOT

SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-gdal (osgeo) lives here, not in the venv

DOMAINS = """
import json, sys
from osgeo import gdal, ogr
gdal.UseExceptions()
ds = gdal.OpenEx(sys.argv[1], gdal.OF_VECTOR)
domains = {}
for name in ds.GetFieldDomainNames():
    d = ds.GetFieldDomain(name)
    assert d.GetDomainType() == ogr.OFDT_CODED, name
    domains[name] = d.GetEnumeration()
links = {}
for table in ["grids", "findings", "plan_changes", "cases", "duties", "people"]:
    defn = ds.GetLayerByName(table).GetLayerDefn()
    for i in range(defn.GetFieldCount()):
        f = defn.GetFieldDefn(i)
        if f.GetDomainName():
            links[table + "." + f.GetName()] = f.GetDomainName()
print(json.dumps({"domains": domains, "links": links}))
"""


@pytest.fixture(scope="module")
def plan(sample_plan, tmp_path_factory):
    db = tmp_path_factory.mktemp("domains") / "plan.gpkg"
    db.write_bytes(sample_plan.read_bytes())
    return db


def read_domains(db):
    result = subprocess.run([SYSTEM_PYTHON, "-c", DOMAINS, str(db)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def check_values(db, table, column):
    """The values a CHECK (column IN (...)) constraint in the file's own schema allows."""
    sql = sqlite3.connect(db).execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    match = re.search(column + r" TEXT NOT NULL[^,]*CHECK \(" + column + r" IN \(([^)]*)\)\)", sql)
    assert match, sql
    return set(re.findall(r"'([^']*)'", match.group(1)))


def test_every_coded_column_has_its_domain(plan):
    links = read_domains(plan)["links"]
    assert links == {
        "grids.level": "grid_level", "grids.kind": "grid_kind", "findings.level": "grid_level",
        "findings.severity": "finding_severity", "plan_changes.level": "grid_level",
        "cases.status": "case_status", "cases.severity": "case_severity",
        "duties.role": "duty_role", "duties.level": "grid_level", "people.role": "person_role",
    }


def test_domains_match_the_schemas_own_checks(plan):
    domains = read_domains(plan)["domains"]
    assert set(domains["grid_level"]) == {"1", "2", "3", "4"}
    assert domains["grid_level"]["2"].startswith("社区")
    assert set(domains["person_role"]) == check_values(plan, "people", "role")
    assert set(domains["duty_role"]) == check_values(plan, "duties", "role")
    assert set(domains["case_severity"]) == check_values(plan, "cases", "severity")


def test_every_kind_in_the_domain_is_one_gridplan_imports(gridplan, plan, tmp_path):
    kinds = sorted(read_domains(plan)["domains"]["grid_kind"])
    features = []
    for i, kind in enumerate(kinds + ["工业园区"]):
        x = 110.30 + i * 0.002
        ring = [[x, 21.20], [x + 0.001, 21.20], [x + 0.001, 21.201], [x, 21.201], [x, 21.20]]
        features.append({"type": "Feature", "properties": {"name": f"G{i}", "kind": kind},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    source = tmp_path / "kinds.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    db = tmp_path / "kinds.gpkg"
    gridplan("import", source, "--db", db, "--level", "unit", "--crs", "cgcs2000", "--kind-field", "kind")
    stored = {row[0] for row in sqlite3.connect(db).execute("SELECT DISTINCT kind FROM grids")}
    assert stored == set(kinds)  # the Chinese name is stored as its code, which the domain lists


def test_every_status_in_the_domain_is_one_gridplan_imports(gridplan, plan, tmp_path):
    statuses = sorted(read_domains(plan)["domains"]["case_status"])
    assert {"reported", "closed"} <= set(statuses)
    lines = ["id,reported_at,channel,category,severity,status,closed_at,address,lon,lat"]
    for i, status in enumerate(statuses + ["已办结", "nonsense"]):
        lines.append(f"T{i},2024-03-01 08:00:00,app,0102,ordinary,{status},,赤坎区,110.3922889,21.2619569")
    source = tmp_path / "cases.csv"
    source.write_text("\n".join(lines) + "\n")
    result = gridplan("cases", "import", source, "--db", plan, "--crs", "cgcs2000",
                      "--rejects", tmp_path / "rejects.csv", check=False)
    assert result.returncode in (0, 1), result.stderr  # 1 once rejected rows set the exit code (issue 15)
    rejects = (tmp_path / "rejects.csv").read_text().splitlines()
    assert len(rejects) == 2 and "nonsense" in rejects[1]
    stored = {row[0] for row in sqlite3.connect(plan).execute("SELECT DISTINCT status FROM cases")}
    assert stored == set(statuses)
