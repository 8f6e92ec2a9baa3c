"""Commands that change cases (dispatch, the life cycle, escalation) and the roster (duties, roster
imports) run on a plan copied to a real PostgreSQL 15 + PostGIS server (started by this module on a
private port): they print what they print on the GeoPackage and leave the same rows; several at once on
the server neither lose an update, nor dispatch a case twice, nor give a grid two primaries."""
import json
import sqlite3
import subprocess
import sys
import time

import pytest
import shapely

from conftest import PSQL, ROOT, assignment_rows, clone, database, psql, server_lines

NOW = ["--now", "2024-12-31 09:00"]


@pytest.fixture(scope="module")
def waiting_plan(gridplan, rostered, tmp_path_factory):
    """The rostered sample with the sample's 5,000 cases of 2024 imported and none dispatched yet."""
    db, _, _, _ = rostered
    folder = tmp_path_factory.mktemp("postgis-write")
    plan = folder / "plan.gpkg"
    clone(db, plan)
    # A chief for every community and street without one (the session's rostered plan is shared: another
    # module may have given a street its chief), so that important cases and escalations have someone.
    with sqlite3.connect(plan) as con:
        led = {code for code, in con.execute("SELECT grid_code FROM duties WHERE role = 'chief'")}
    lines = ["id,name,phone,role,grid,duty,duty_from"]
    for level in ["community", "street"]:
        grids = folder / f"{level}.geojson"
        gridplan("export", "--db", plan, "--level", level, "--format", "geojson", "--out", grids)
        for f in json.loads(grids.read_text())["features"]:
            code = f["properties"]["code"]
            if code in led:
                continue
            lines.append(f"C{code},{level}长{code},139{code[-8:]},网格长,{code},chief,2024-01-01")
    (folder / "chiefs.csv").write_text("\n".join(lines) + "\n")
    gridplan("people", "import", folder / "chiefs.csv", "--db", plan)
    imported = gridplan("cases", "import", ROOT / "GeoData" / "chikan" / "cases_2024.csv", "--db", plan, "--crs", "gcj02",
                        "--rejects", folder / "rejects.csv", check=False)
    assert imported.returncode in (0, 1), imported.stderr
    return plan


@pytest.fixture(scope="module")
def pair(gridplan, server, waiting_plan, tmp_path_factory):
    """The waiting plan twice: a GeoPackage and its copy on the server, changed side by side by the tests."""
    plan = tmp_path_factory.mktemp("postgis-write-file") / "plan.gpkg"
    clone(waiting_plan, plan)
    gridplan("copy", "--from", plan, "--to", server[0])
    return plan, server[0]


def both(gridplan, pair, *args):
    """Runs the command on the file and on the server: (exit status, stdout, stderr) of each, the
    plan's location replaced by PLAN."""
    plan, url = pair
    out = []
    for db, shown in [(plan, str(plan)), (url, url.replace("gridplan:gridplan@", "gridplan@"))]:
        r = gridplan(*args, "--db", db, check=False)
        out.append((r.returncode, r.stdout.replace(shown, "PLAN"), r.stderr.replace(shown, "PLAN")))
    return out


def same(gridplan, pair, *args):
    """The command's answer, the same on both (exit status, output and message)."""
    from_file, from_server = both(gridplan, pair, *args)
    assert from_server == from_file, (args, from_file, from_server)
    return from_file


def test_dispatch_on_postgis_as_on_the_file(gridplan, pair):
    """All waiting cases dispatched on both: the same decisions with the same reasons, then the same
    histories, stats and handlers."""
    status, out, _ = same(gridplan, pair, "cases", "dispatch", "--all-new", *NOW, "--json")
    report = json.loads(out)
    assert status == (1 if report["not_dispatched"] else 0)
    assert report["dispatched"] > 500, (report["dispatched"], report["cases"][:3])
    assert report["dispatched"] + report["not_dispatched"] == len(report["cases"])
    for c in report["cases"][:: len(report["cases"]) // 12]:
        same(gridplan, pair, "cases", "history", c["id"], "--json")
        same(gridplan, pair, "cases", "history", c["id"])
    for args in [["cases", "stats", "--json"], ["load", "--json"], ["cases", "query", "--status", "dispatched", "--format", "csv"]]:
        same(gridplan, pair, *args)
    # Again: only those that could not be dispatched are still waiting, and still cannot be.
    _, out, _ = same(gridplan, pair, "cases", "dispatch", "--all-new", *NOW, "--json")
    again = json.loads(out)
    assert again["dispatched"] == 0 and again["not_dispatched"] == report["not_dispatched"]


def test_the_life_cycle_on_postgis_as_on_the_file(gridplan, pair, server):
    """A case taken through its life cycle on both, with a refused move, a feedback score, a return and a
    second dispatch to someone else; then overdue cases escalated on both."""
    plan, _ = pair
    dispatched = json.loads(gridplan("cases", "query", "--db", plan, "--status", "dispatched", "--limit", "3", "--json").stdout)
    ids = [f["properties"]["id"] for f in dispatched["features"]]
    assert len(ids) == 3
    one, two, three = ids
    steps = [
        [one, "--to-status", "handled", "--actor", "G001", "--at", "2025-01-02 10:00", "--note", "已处理"],
        [one, "--to-status", "closed", "--actor", "centre", "--at", "2025-01-02 11:00"],   # refused: not checked yet
        [one, "--to-status", "checked", "--actor", "centre", "--at", "2025-01-02 11:00"],
        [one, "--to-status", "closed", "--actor", "centre", "--at", "2025-01-02 12:00"],
        [one, "--to-status", "feedback", "--actor", "hotline", "--at", "2025-01-03 09:00", "--satisfaction", "满意"],
        [two, "--to-status", "returned", "--actor", "G002", "--at", "2025-01-02 10:00", "--note", "不属本网格"],
        [three, "--to-status", "nowhere", "--actor", "x"],                                   # refused: no such state
    ]
    statuses = [same(gridplan, pair, "cases", "advance", *s, "--json")[0] for s in steps]
    assert statuses == [0, 2, 0, 0, 0, 0, 2], statuses
    same(gridplan, pair, "cases", "dispatch", "--case", two, "--now", "2025-01-02 11:00", "--json")
    for case in ids:
        same(gridplan, pair, "cases", "history", case, "--json")
    assert psql(server, f"SELECT satisfaction, closed_at FROM cases WHERE external_id = '{one}'") == [["5", "2025-01-02T12:00:00"]]
    status, out, _ = same(gridplan, pair, "cases", "overdue", "--now", "2025-03-01 09:00", "--escalate", "--json")
    assert json.loads(out)["escalated"] > 100, out[:300]
    same(gridplan, pair, "cases", "overdue", "--now", "2025-03-01 10:00", "--json")
    same(gridplan, pair, "cases", "stats", "--json")


def test_sql_in_a_case_id_is_data(gridplan, pair, server):
    evil = "x'); DELETE FROM cases; --"
    status, _, err = same(gridplan, pair, "cases", "advance", evil, "--to-status", "handled", "--actor", "a'b")
    assert status == 2 and "no case with id" in err
    assert int(psql(server, "SELECT count(*) FROM cases")[0][0]) > 4000


def holding(server, url, case, seconds):
    """A psql session that locks case `case`'s row for `seconds` (as a writer in the middle of its work)."""
    name = url.rsplit("/", 1)[1]
    _, folder, port = server
    sql = f"BEGIN; SELECT 1 FROM cases WHERE external_id = '{case}' FOR UPDATE; SELECT pg_sleep({seconds}); COMMIT;"
    return subprocess.Popen([PSQL, "-X", "-q", "-h", folder, "-p", str(port), "-U", "gridplan", "-d", name, "-c", sql],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_writers_racing_for_one_case_change_it_once(gridplan_binary, gridplan, server, waiting_plan):
    """Four dispatchers start on one waiting case while another session holds its row: when it lets go,
    one dispatches the case and the other three find it dispatched (without the row lock all four would
    have read it waiting and dispatched it four times). Then four writers try to move it to handled: one does."""
    url = database(server, "race")
    gridplan("copy", "--from", waiting_plan, "--to", url)
    case = server_lines(server, url, "SELECT external_id FROM cases c WHERE severity = 'ordinary' AND status = 'reported' AND EXISTS "
                              "(SELECT 1 FROM duties d WHERE d.grid_code = c.unit_code AND d.role = 'primary') ORDER BY fid LIMIT 1")[0]
    hold = holding(server, url, case, 3)
    time.sleep(0.5)
    racers = [subprocess.Popen([gridplan_binary, "cases", "dispatch", "--db", url, "--case", case, *NOW, "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [r.communicate(timeout=120) for r in racers]
    assert hold.wait(timeout=60) == 0, hold.stderr.read()
    dispatched = [json.loads(o)["dispatched"] for o, _ in outs]
    assert sorted(dispatched) == [0, 0, 0, 1], outs
    refused = [json.loads(o)["cases"][0]["reason"] for o, _ in outs if json.loads(o)["dispatched"] == 0]
    assert all(r.startswith("status is dispatched") for r in refused), refused
    assert server_lines(server, url, f"SELECT count(*) FROM case_dispatches d JOIN cases c ON c.fid = d.case_fid WHERE external_id = '{case}'") == ["1"]

    hold = holding(server, url, case, 3)
    time.sleep(0.5)
    racers = [subprocess.Popen([gridplan_binary, "cases", "advance", case, "--db", url, "--to-status", "handled", "--actor", f"G{i}"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(4)]
    results = [(r.wait(timeout=120), r.stderr.read()) for r in racers]
    assert hold.wait(timeout=60) == 0
    assert sorted(s for s, _ in results) == [0, 2, 2, 2], results
    assert all("cannot go to handled" in e for s, e in results if s == 2), results
    assert server_lines(server, url, "SELECT count(*) FROM case_transitions t JOIN cases c ON c.fid = t.case_fid "
                              f"WHERE external_id = '{case}' AND to_state = 'handled'") == ["1"]


def test_two_dispatchers_at_once_dispatch_each_case_once(gridplan_binary, gridplan, server, waiting_plan, tmp_path):
    """Two `cases dispatch --all-new` on one server's backlog at the same time, each in batches: every case
    dispatched once, by one of them, as one dispatcher alone on the file decides it."""
    url = database(server, "two")
    gridplan("copy", "--from", waiting_plan, "--to", url)
    plan = tmp_path / "alone.gpkg"
    clone(waiting_plan, plan)
    alone = json.loads(gridplan("cases", "dispatch", "--db", plan, "--all-new", *NOW, "--json", check=False).stdout)
    runs = [subprocess.Popen([gridplan_binary, "cases", "dispatch", "--db", url, "--all-new", *NOW, "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [r.communicate(timeout=600) for r in runs]
    assert all(r.returncode in (0, 1) for r in runs), [e for _, e in outs]
    reports = [json.loads(o) for o, _ in outs]
    # Each case dispatched by one of them, as the lone dispatcher did; a case neither can dispatch
    # (outside every grid, no one on duty) stays waiting, and both may say so.
    dispatched = sorted((c for r in reports for c in r["cases"] if c["dispatched"]), key=lambda c: c["id"])
    assert dispatched == sorted((c for c in alone["cases"] if c["dispatched"]), key=lambda c: c["id"])
    refused = {c["id"]: c for r in reports for c in r["cases"] if not c["dispatched"]}
    assert refused == {c["id"]: c for c in alone["cases"] if not c["dispatched"]}
    # This run's dispatches (the shared sample may hold earlier ones, and escalations).
    this_run = "FROM case_dispatches WHERE dispatched_at >= '2024-12-31'"
    assert server_lines(server, url, f"SELECT count(*) FROM (SELECT case_fid {this_run} GROUP BY case_fid HAVING count(*) > 1) d") == ["0"]
    assert server_lines(server, url, f"SELECT count(*) {this_run}") == [str(alone["dispatched"])]


def test_duties_on_postgis_as_on_the_file(gridplan, pair, server, tmp_path):
    """A handover, a refused earlier handover, an unknown person and an end of duty: the same answers
    and the same roster afterwards (people list, who-covers on a day after the handover)."""
    plan, _ = pair
    (old, code), (new, _) = psql(server, "SELECT person_id, grid_code FROM duties WHERE role = 'primary' ORDER BY id LIMIT 2")
    steps = [
        ["set", "--person", new, "--grid", code, "--role", "primary", "--from", "2025-02-01", "--note", "交接"],
        ["set", "--person", old, "--grid", code, "--role", "primary", "--from", "2025-01-15"],     # refused: a later one exists
        ["set", "--person", "NOPE'--", "--grid", code, "--role", "backup", "--from", "2025-02-01"],  # refused: no such person
        ["set", "--person", old, "--grid", code, "--role", "backup", "--from", "2025-02-01", "--to", "2025-06-01"],
        ["end", "--person", new, "--grid", code, "--on", "2025-03-01"],
        ["end", "--person", new, "--grid", code, "--on", "2025-03-01"],                             # refused: nothing open
    ]
    statuses = [same(gridplan, pair, "duty", *s, "--json")[0] for s in steps]
    assert statuses == [0, 2, 2, 0, 0, 2], statuses
    assert psql(server, f"SELECT person_id, role, valid_from, coalesce(valid_to::text, '') FROM duties WHERE grid_code = '{code}' ORDER BY id") == [
        [old, "primary", "2024-01-01", "2025-02-01"], [new, "primary", "2025-02-01", "2025-03-01"], [old, "backup", "2025-02-01", "2025-06-01"]]
    same(gridplan, pair, "people", "list", "--at", "2025-02-15", "--json")
    units = tmp_path / "units.geojson"
    gridplan("export", "--db", plan, "--level", "unit", "--format", "geojson", "--out", units)
    for f in json.loads(units.read_text())["features"]:
        if f["properties"]["code"] == code:
            p = shapely.geometry.shape(f["geometry"]).representative_point()
            for day in ["2025-01-20", "2025-02-15", "2025-04-01"]:
                same(gridplan, pair, "who-covers", "--lon", repr(p.x), "--lat", repr(p.y), "--at", day, "--json")
            break
    else:
        pytest.fail(f"no unit {code}")


def test_handovers_racing_for_one_grid_leave_one_primary(gridplan_binary, gridplan, server, waiting_plan):
    """Four people made primary of one grid from the same day at once, while another session holds the
    roster's lock: one handover happens, the other three are refused (without the lock all four would
    have ended the old primary and started, four primaries at once)."""
    url = database(server, "duties")
    gridplan("copy", "--from", waiting_plan, "--to", url)
    code = server_lines(server, url, "SELECT grid_code FROM duties WHERE role = 'primary' ORDER BY id LIMIT 1")[0]
    people = server_lines(server, url, f"SELECT person_id FROM people WHERE person_id NOT IN (SELECT person_id FROM duties WHERE grid_code = '{code}') "
                                "ORDER BY person_id LIMIT 4")
    name = url.rsplit("/", 1)[1]
    _, folder, port = server
    hold = subprocess.Popen([PSQL, "-X", "-q", "-h", folder, "-p", str(port), "-U", "gridplan", "-d", name, "-c",
                             "BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('roster', 0)); SELECT pg_sleep(3); COMMIT;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    racers = [subprocess.Popen([gridplan_binary, "duty", "set", "--db", url, "--person", p, "--grid", code, "--role", "primary",
                                "--from", "2025-02-01"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for p in people]
    results = [(r.wait(timeout=120), r.stderr.read()) for r in racers]
    assert hold.wait(timeout=60) == 0, hold.stderr.read()
    assert sorted(s for s, _ in results) == [0, 2, 2, 2], results
    assert all("already has a primary" in e for s, e in results if s == 2), results
    assert server_lines(server, url, f"SELECT count(*) FROM duties WHERE grid_code = '{code}' AND role = 'primary' AND valid_to IS NULL") == ["1"]


def test_a_roster_import_on_postgis_as_on_the_file(gridplan, pair, server, tmp_path):
    """A roster file with new people (one with a base in GCJ-02), a duty, an update, an unknown grid and a
    second chief: the same report and the same roster on both, the bases at the same points; the same file
    again changes nothing."""
    plan, _ = pair
    (unit,), = psql(server, "SELECT grid_code FROM duties WHERE role = 'primary' AND level = 4 ORDER BY id DESC LIMIT 1")
    (community,), = psql(server, "SELECT grid_code FROM duties WHERE role = 'chief' AND level = 2 ORDER BY id LIMIT 1")
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join([
        "id,name,phone,role,lon,lat,grid,duty,duty_from",
        "N1,新网格员,13900000001,专职网格员,110.3601,21.2705,,,",
        f"N2,后备网格员,13900000002,兼职网格员,,,{unit},backup,2025-01-01",
        "G3,网格员3,13911112222,专职网格员,,,,,",
        "N3,无此网格,13900000003,专职网格员,,,NOPE-1,primary,2025-01-01",
        f"N4,第二网格长,13900000004,网格长,,,{community},chief,2025-01-01",
    ]) + "\n", encoding="utf-8")
    status, out, _ = same(gridplan, pair, "people", "import", roster, "--crs", "gcj02", "--json")
    report = json.loads(out)
    assert status == 1 and len(report["rejects"]) == 2, out
    assert (report["people_added"], report["people_updated"], report["duties_added"]) == (2, 1, 1), out
    status, out, _ = same(gridplan, pair, "people", "import", roster, "--crs", "gcj02", "--json")
    assert (json.loads(out)["people_added"], json.loads(out)["duties_added"]) == (0, 0), out
    same(gridplan, pair, "people", "list", "--json")
    with sqlite3.connect(plan) as con:
        lon, lat = con.execute("SELECT lon, lat FROM people WHERE person_id = 'N1'").fetchone()
    (x, y, srid), = psql(server, "SELECT ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM people WHERE person_id = 'N1'")
    assert (float(x), float(y), srid) == (lon, lat, "4490")
    assert abs(lon - 110.3601) < 0.01 and lon != 110.3601          # moved from GCJ-02 to CGCS2000


def test_a_departments_import_on_postgis_as_on_the_file(gridplan, pair, server, tmp_path):
    """Departments with a bad phone among them, imported twice (the second time updates): the same reports
    on both, and the same rows."""
    plan, _ = pair
    departments = tmp_path / "departments.csv"
    departments.write_text("\n".join([
        "id,name,phone,contact,categories",
        "D01,城管执法局,0759-1234567,李四,01 0102",
        "D02,公安分局,110,王五,04;0401",
        "D03,坏电话,abc,赵六,05",
        "D04,住建局,12345,'; DROP TABLE departments; --,06",
    ]) + "\n", encoding="utf-8")
    for added, updated in [(3, 0), (0, 3)]:
        status, out, _ = same(gridplan, pair, "departments", "import", departments, "--json")
        report = json.loads(out)
        assert status == 1 and (report["people_added"], report["people_updated"], len(report["rejects"])) == (added, updated, 1), out
    with sqlite3.connect(plan) as con:
        on_file = [list(map(str, r)) for r in con.execute("SELECT department_id, name, phone, contact, categories FROM departments ORDER BY 1")]
    assert psql(server, "SELECT department_id, name, phone, contact, categories FROM departments ORDER BY 1") == on_file
    assert len(on_file) == 3


def findings_rows(plan=None, server=None, url=None):
    """The findings layer: (kind, severity, level, grids, message, measure, location as hex WKB), sorted."""
    if plan is not None:
        with sqlite3.connect(plan) as con:
            rows = con.execute("SELECT kind, severity, level, grids, message, measure, geom FROM findings").fetchall()
        def wkb(blob):
            if blob is None:
                return ""
            envelope = [0, 32, 48, 48, 64][(blob[3] >> 1) & 7]
            return blob[8 + envelope:].hex()
        return sorted((k, s, str(lv), g, m, "" if v is None else repr(float(v)), wkb(geom)) for k, s, lv, g, m, v, geom in rows)
    lines = server_lines(server, url, "SELECT concat_ws(chr(31), kind, severity, level, grids, message, coalesce(measure::text, '-'), "
                                      "coalesce(encode(ST_AsBinary(geom), 'hex'), '-')) FROM findings")
    rows = [line.split("\x1f") for line in lines]
    return sorted((k, s, lv, g, m, "" if v == "-" else repr(float(v)), "" if w == "-" else w) for k, s, lv, g, m, v, w in rows)


def test_validate_on_postgis_as_on_the_file(gridplan, pair, server):
    """`validate` of the rostered sample (grid and roster checks, on a given day) prints the same report on both,
    text and JSON, and leaves the same findings layer, locations included."""
    plan, url = pair
    for args in [["validate", "--at", "2024-06-01", "--json"], ["validate", "--at", "2024-06-01"]]:
        status, out, _ = same(gridplan, pair, *args)
        assert status in (0, 1)
    assert "findings layer in PLAN" in out
    on_file = findings_rows(plan=plan)
    assert len(on_file) > 10 and findings_rows(server=server, url=url) == on_file


def test_validate_fix_on_postgis_as_on_the_file(gridplan, server, tmp_path):
    """`validate --fix` of a plan with a bow-tie unit repairs it the same way on both: the same report, a new
    version of the grid in a new plan version, the same findings, and the same grids exported."""
    square = lambda x: [[x, 21.0], [x + 0.001, 21.0], [x + 0.001, 21.001], [x, 21.001], [x, 21.0]]  # noqa: E731
    bow = [[110.0, 21.0], [110.001, 21.001], [110.001, 21.0], [110.0, 21.001], [110.0, 21.0]]
    features = [{"type": "Feature", "properties": {"code": code, "name": code, "households": 400},
                 "geometry": {"type": "Polygon", "coordinates": [ring]}}
                for code, ring in [("BOW", bow), ("SQ1", square(110.002)), ("SQ2", square(110.003))]]
    units = tmp_path / "units.geojson"
    units.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    plan = tmp_path / "shapes.gpkg"
    gridplan("import", units, "--db", plan, "--level", "unit", "--crs", "cgcs2000")
    url = database(server, "fix")
    gridplan("copy", "--from", plan, "--to", url)
    status, out, _ = same(gridplan, (plan, url), "validate", "--fix", "--json")
    report = json.loads(out)
    assert status == 1 and len(report["repaired"]) == 1 and "BOW" in report["repaired"][0], report
    assert findings_rows(server=server, url=url) == findings_rows(plan=plan)
    same(gridplan, (plan, url), "export", "--level", "unit", "--format", "geojson", "--out", "-")
    versions = "SELECT count(*), max(command) FROM plan_versions WHERE command = 'validate --fix'"
    with sqlite3.connect(plan) as con:
        assert con.execute(versions).fetchone() == (1, "validate --fix")
        assert con.execute("SELECT count(*) FROM grids WHERE code = 'BOW'").fetchone() == (2,)
    assert server_lines(server, url, versions) == ["1|validate --fix"]
    assert server_lines(server, url, "SELECT count(*) FROM grids WHERE code = 'BOW'") == ["2"]


def test_codes_and_reassign_on_postgis_as_on_the_file(gridplan, server, sample_plan, tmp_path):
    """`codes` on a plan whose areas and units have no codes yet and whose cases are filed under grid names: the same codes on
    both, the same cases refiled under them with the same history, and then `cases reassign` finding nothing to move."""
    plan = clone(sample_plan, tmp_path / "uncoded.gpkg")
    gridplan("cases", "import", ROOT / "GeoData" / "chikan" / "cases_2024.csv", "--db", plan, "--crs", "gcj02",
             "--rejects", tmp_path / "rejects.csv")
    url = database(server, "codes")
    gridplan("copy", "--from", plan, "--to", url)
    pair = (plan, url)
    coded = "SELECT count(*) FROM grids WHERE code IS NOT NULL"
    before = server_lines(server, url, coded)
    _, out, _ = same(gridplan, pair, "codes", "--dry-run", "--json")
    assert "cases_refiled" not in json.loads(out) and server_lines(server, url, coded) == before
    status, out, _ = same(gridplan, pair, "codes", "--json")
    report = json.loads(out)
    assert status == 0 and len(report["assigned"]) > 500 and report["cases_refiled"] > 4000, {k: report[k] for k in ["skipped", "cases_refiled"]}
    assert assignment_rows(server=server, url=url) == assignment_rows(plan=plan)
    for args in [["cases", "query", "--format", "csv"], ["export", "--level", "unit", "--format", "geojson", "--out", "-"],
                 ["cases", "reassign", "--json"], ["codes", "--json"]]:
        same(gridplan, pair, *args)
    assert assignment_rows(server=server, url=url) == assignment_rows(plan=plan)


def test_balance_and_its_apply_on_postgis_as_on_the_file(gridplan, server, tmp_path):
    """`balance --apply` of a generated area (tools/balance_oracle's plan: 30 unit grids, 6 gridders and an idle
    one, a 1.2 km radius limit) on a file and on its copy on the server: the same proposal (proven optimal,
    so no time limit decides it), and the same duties ended and begun as one plan version."""
    sys.path.insert(0, str(ROOT / "tools"))
    import balance_oracle as oracle
    inst = oracle.make_instance(5, 30, 6, idle=1)
    plan = oracle.write_plan(gridplan, tmp_path, inst)
    url = database(server, "balanced")
    gridplan("copy", "--from", plan, "--to", url)
    answers = [oracle.run_balance(gridplan, db, 1200.0, extra=["--apply", "--time-limit", "20"]) for db in (plan, url)]
    for answer in answers:
        answer.pop("seconds")
    assert answers[0] == answers[1] and answers[0]["moves"] and answers[0]["applied_version"] and answers[0]["optimal"]
    on_file = duty_rows(plan=plan)
    assert duty_rows(server=server, url=url) == on_file
    assert sum("balance, plan version" in line for line in on_file) == len(answers[0]["moves"])


def duty_rows(plan=None, server=None, url=None):
    """Every duty row in order: person, grid, level, role, days and note, from the GeoPackage `plan` or from the
    database of `url` on the test server."""
    columns = "person_id, grid_code, level, role, valid_from, coalesce(valid_to, '-'), coalesce(note, '-')"
    if plan is not None:
        with sqlite3.connect(plan) as con:
            return ["|".join(map(str, row)) for row in con.execute(f"SELECT {columns} FROM duties ORDER BY id")]
    columns = columns.replace("valid_to, '-'", "valid_to::text, '-'")
    return server_lines(server, url, f"SELECT concat_ws('|', {columns}) FROM duties ORDER BY id")


def without_seconds(answer):
    """A JSON answer without its timings."""
    if isinstance(answer, dict):
        return {k: without_seconds(v) for k, v in answer.items() if k != "seconds"}
    if isinstance(answer, list):
        return [without_seconds(v) for v in answer]
    return answer


def test_balance_with_boundary_changes_on_postgis_as_on_the_file(gridplan, server, sample_plan, tmp_path):
    """`balance --allow-boundary-changes` of an area no reassignment brings within capacity, on a file and on its
    copy: without --apply the same proposal with the same redraw, and nothing written on either (the server's
    trial redraw is rolled back); with --apply on another copy, the same answer and every grid and duty row the
    same as on the file (the redraw kept, then the duties)."""
    from test_balance import over_capacity_area
    plan, args, redraw = over_capacity_area(gridplan, sample_plan, tmp_path)
    tried_url, applied_url = database(server, "balance_tried"), database(server, "balance_applied")
    for url in (tried_url, applied_url):
        gridplan("copy", "--from", plan, "--to", url)
    grids_before, duties_before = grid_rows(plan=plan), duty_rows(plan=plan)
    versions = "SELECT count(*) FROM plan_versions"
    versions_before = server_lines(server, tried_url, versions)
    tried = [without_seconds(json.loads(gridplan(*args, *redraw, "--db", db).stdout)) for db in (plan, tried_url)]
    assert tried[1] == tried[0] and tried[0]["boundary_changes"]["used"] and tried[0]["boundary_changes"]["grids_added"] == 1
    assert grid_rows(server=server, url=tried_url) == grids_before == grid_rows(plan=plan)
    assert duty_rows(server=server, url=tried_url) == duties_before == duty_rows(plan=plan)
    assert server_lines(server, tried_url, versions) == versions_before
    applied = [without_seconds(json.loads(gridplan(*args, *redraw, "--apply", "--db", db).stdout)) for db in (plan, applied_url)]
    assert applied[1] == applied[0] and applied[0]["boundary_changes"]["redraw_version"] and applied[0]["applied_version"]
    assert grid_rows(server=server, url=applied_url) == grid_rows(plan=plan) != grids_before
    assert duty_rows(server=server, url=applied_url) == duty_rows(plan=plan) != duties_before


def grid_rows(plan=None, server=None, url=None):
    """Every grid row, current and ended: ids, codes, parents, days, versions, source and geometry as hex WKB."""
    columns = ["fid", "coalesce(code, '-')", "coalesce(name, '-')", "level", "coalesce(parent_fid, 0)", "coalesce(parent_ref, '-')",
               "coalesce(households, -1)", "valid_from", "coalesce(valid_to, '-')", "version_from", "coalesce(version_to, 0)",
               "coalesce(source, '-')"]
    if plan is not None:
        with sqlite3.connect(plan) as con:
            rows = con.execute(f"SELECT {', '.join(columns)}, geom FROM grids ORDER BY fid").fetchall()
        return ["|".join([*map(str, row[:-1]), row[-1][8 + [0, 32, 48, 48, 64][(row[-1][3] >> 1) & 7]:].hex()]) for row in rows]
    columns[8] = "coalesce(valid_to::text, '-')"
    return server_lines(server, url, f"SELECT concat_ws('|', {', '.join(columns)}, encode(ST_AsBinary(geom), 'hex')) FROM grids ORDER BY fid")


def test_grid_imports_on_postgis_as_on_the_file(gridplan, server, rostered, tmp_path):
    """`import` into a server's plan: the unit level replaced from 2030-01-01 by a file that leaves out twenty
    units (they end, kept in history), then the areas imported again (by code) from the same day, which gives
    the units new parents: the same reports and the same grid rows on both, geometry as WKB; an import that
    would start before the current plan is refused on both and changes nothing."""
    plan = clone(rostered[0], tmp_path / "plan.gpkg")
    url = database(server, "grid_imports")
    gridplan("copy", "--from", plan, "--to", url)
    shown = url.replace("gridplan:gridplan@", "gridplan@")
    files = {}
    for level in ["unit", "area"]:
        files[level] = tmp_path / f"{level}.geojson"
        gridplan("export", "--db", plan, "--level", level, "--format", "geojson", "--out", files[level])
    collection = json.loads(files["unit"].read_text())
    collection["features"] = collection["features"][:-20]
    files["unit"].write_text(json.dumps(collection, ensure_ascii=False))
    for args in [("import", files["unit"], "--level", "unit", "--valid-from", "2030-01-01", "--replace"),
                 ("import", files["area"], "--level", "area", "--valid-from", "2030-01-01", "--json"),
                 ("import", files["area"], "--level", "area", "--valid-from", "2029-01-01")]:
        on_file, on_server = (gridplan(*args, "--db", db, check=False) for db in (plan, url))
        assert on_file.returncode == on_server.returncode, (on_file, on_server)
        assert on_server.stdout.replace(shown, "PLAN") == on_file.stdout.replace(str(plan), "PLAN"), args
        assert on_server.stderr.replace(shown, "PLAN") == on_file.stderr.replace(str(plan), "PLAN"), args
    assert on_file.returncode == 2 and "before 2030-01-01" in on_file.stderr
    # The same units once more: each is the current grid to the byte (the geometry read back from PostGIS as
    # from the file), so both keep every row and end none.
    again = [json.loads(gridplan("import", files["unit"], "--level", "unit", "--valid-from", "2030-01-01", "--replace",
                                 "--json", "--db", db).stdout.replace(shown, "PLAN").replace(str(plan), "PLAN"))
             for db in (plan, url)]
    assert again[0] == again[1], again
    assert (again[0]["unchanged"], again[0]["superseded"], again[0]["imported"]) == (len(collection["features"]), 0,
                                                                                      len(collection["features"]))
    rows = grid_rows(plan=plan)
    assert grid_rows(server=server, url=url) == rows
    assert sum("|2030-01-01|" in r for r in rows) > 20


def test_gazetteer_import_and_geocode_on_postgis_as_on_the_file(gridplan, server, rostered, tmp_path):
    """The sample gazetteer imported into a server's plan (its places located in the plan's grids), then the
    divisions imported again (replacing what the first import stored): the same reports as on the file and the
    same gazetteer and house-number range rows (geometry as WKB); then `geocode` of the labelled test set against
    each, with --assign, writes the same CSV; `gazetteer search` finds the same places in the same order."""
    plan = clone(rostered[0], tmp_path / "plan.gpkg")
    url = database(server, "places")
    gridplan("copy", "--from", plan, "--to", url)
    for args in [("gazetteer", "import", "--defaults", "--json"),
                 ("gazetteer", "import", ROOT / "GeoData" / "chikan" / "divisions.csv", "--kind", "admin")]:
        on_file, on_server = (gridplan(*args, "--db", db).stdout for db in (plan, url))
        assert on_server == on_file, args
    assert "replacing" in on_file
    columns = ("kind, coalesce(level, '-'), coalesce(code, '-'), name, coalesce(aliases, '-'), coalesce(parent_code, '-'), "
               "coalesce(county_code, '-'), coalesce(street_code, '-'), coalesce(community_code, '-'), coalesce(road, '-'), "
               "coalesce(number_from, -1), coalesce(number_to, -1), coalesce(number_text, '-'), coalesce(compound, '-'), "
               "coalesce(building, '-'), generated, source")
    with sqlite3.connect(plan) as con:
        rows = con.execute(f"SELECT {columns}, geom FROM gazetteer").fetchall()
        ranges = sorted("|".join(map(str, r)) for r in con.execute(
            "SELECT g.name, r.side, r.number_from, r.number_to, r.parity FROM gazetteer_ranges r JOIN gazetteer g ON g.fid = r.entry"))
    on_file = sorted("|".join([*map(str, r[:-1]), "" if r[-1] is None else r[-1][8 + [0, 32, 48, 48, 64][(r[-1][3] >> 1) & 7]:].hex()])
                     for r in rows)
    on_server = sorted(server_lines(server, url, f"SELECT concat_ws('|', {columns.replace('generated', 'generated::int')}, "
                                                 "coalesce(encode(ST_AsBinary(geom), 'hex'), '')) FROM gazetteer"))
    assert len(on_file) > 1000 and on_server == on_file
    assert sorted(server_lines(server, url, "SELECT concat_ws('|', g.name, r.side, r.number_from, r.number_to, r.parity) "
                                            "FROM gazetteer_ranges r JOIN gazetteer g ON g.fid = r.entry")) == ranges
    # `gazetteer search` on the server indexes its places as the file does: the same places, in the same order.
    for text in ["海滨", "赤坎", "中华街道", "南桥", "路", "海", "幼儿园", "no such place", "'; DROP TABLE gazetteer; --"]:
        for extra in [[], ["--json", "--limit", "7"]]:
            searched = [gridplan("gazetteer", "search", text, *extra, "--db", db, check=False) for db in (plan, url)]
            assert (searched[1].returncode, searched[1].stdout) == (searched[0].returncode, searched[0].stdout), (text, extra)
    assert len(gridplan("gazetteer", "search", "海滨", "--db", url).stdout.splitlines()) == 20
    # `geocode parse --db` reads the divisions its gazetteer names from either.
    for text in ["赤坎南桥海滨路12号", "湛江赤坎中华街道民主路3号"]:
        parsed = [gridplan("geocode", "parse", text, "--json", "--db", db).stdout for db in (plan, url)]
        assert parsed[1] == parsed[0] and ("海滨路" in parsed[0] or "民主路" in parsed[0]), parsed
    testset = ROOT / "GeoData" / "chikan" / "gazetteer" / "testset.csv"
    outputs = []
    for db, out in [(plan, tmp_path / "file.csv"), (url, tmp_path / "server.csv")]:
        gridplan("geocode", testset, "--address-field", "address", "--db", db, "--out", out, "--assign", "--crs", "gcj02",
                 "--lon-field", "app_lon", "--lat-field", "app_lat")
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1] and len(outputs[0].splitlines()) > 100


def test_partition_redraw_on_postgis_as_on_the_file(gridplan, server, rostered, tmp_path):
    """`partition --redraw --allow-count-changes` of 文章村 (whose first area cannot keep three units within
    300–500 households) on a file and on its copy: the same report (grids, moved blocks and households, the
    gridders and cases the redraw touches) and the same grid rows afterwards, the ended units kept in history."""
    plan = clone(rostered[0], tmp_path / "plan.gpkg")
    with sqlite3.connect(plan) as con:
        (community,) = con.execute("SELECT code FROM grids WHERE level = 2 AND name = '文章村' AND valid_to IS NULL").fetchone()
    url = database(server, "redrawn")
    gridplan("copy", "--from", plan, "--to", url)
    chikan = ROOT / "GeoData" / "chikan"
    args = ["partition", "--parent", community, "--barriers", chikan / "roads.geojson", "--buildings", chikan / "buildings.geojson",
            "--redraw", "--allow-count-changes", "--seed", "3", "--json"]
    def untimed(value):
        if isinstance(value, dict):
            return {k: untimed(v) for k, v in value.items() if not k.endswith("seconds")}
        return [untimed(v) for v in value] if isinstance(value, list) else value
    on_file, on_server = (untimed(json.loads(gridplan(*args, "--db", db).stdout)) for db in (plan, url))
    assert json.dumps(on_server, sort_keys=True, indent=1) == json.dumps(on_file, sort_keys=True, indent=1)
    assert on_file["parents"][0]["count_changes"] and on_file["parents"][0]["moved_blocks"] > 0
    rows = grid_rows(plan=plan)
    assert grid_rows(server=server, url=url) == rows
    assert any(r.split("|")[10] != "0" for r in rows)     # units ended by the redraw (version_to set)
