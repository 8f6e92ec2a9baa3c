"""A plan split by county on a real PostgreSQL 15 + PostGIS server (`gridplan copy --partition-by county`,
started by this module on a private port): cases and grids are declaratively partitioned by county, each
county's rows sit in its own partition, a county's import writes to its partition only, queries by its
codes read only it, a case that changes county moves, and every command answers as on the GeoPackage."""
import csv
import json
import sqlite3
import subprocess
import time

import pytest

from conftest import ROOT, assignment_rows, clone, database, server_lines

SAMPLE = ROOT / "GeoData" / "chikan" / "cases_2024.csv"
OTHER = "440899"  # the county one street of the sample is moved to
NOW = ["--now", "2024-12-31 09:00"]


@pytest.fixture(scope="module")
def two_counties(rostered, tmp_path_factory):
    """The rostered sample with its second street (and everything in it, duties included) coded as a street of
    another county, 440899: a plan of two counties with consistent codes."""
    plan = clone(rostered[0], tmp_path_factory.mktemp("two-counties") / "plan.gpkg")
    with sqlite3.connect(plan) as con:
        # Recoded as if drawn that way: without the triggers that keep an outside edit's history (and with the
        # function the R-tree triggers name, which act only when a geometry or fid changes).
        def untouched(blob):
            raise AssertionError("a geometry was read while only codes change")
        con.create_function("ST_IsEmpty", 1, lambda blob: 0)
        for name in ["ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"]:
            con.create_function(name, 1, untouched)
        kept = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
                           "('grids_outside_update', 'grids_history_update')").fetchall()
        assert len(kept) == 2
        for name, _ in kept:
            con.execute(f"DROP TRIGGER {name}")
        streets = [c for c, in con.execute("SELECT code FROM grids WHERE level = 1 AND valid_to IS NULL ORDER BY code")]
        moved = streets[1]
        for table, column in [("grids", "code"), ("grids", "parent_ref"), ("duties", "grid_code")]:
            con.execute(f"UPDATE {table} SET {column} = ? || substr({column}, 7) WHERE {column} LIKE ? || '%'", (OTHER, moved))
        for _, sql in kept:
            con.execute(sql)
    return plan


def partitions(server, url, table):
    return server_lines(server, url, f"SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                             f"WHERE i.inhparent = '{table}'::regclass ORDER BY 1")


def file_count(plan, sql):
    with sqlite3.connect(plan) as con:
        return con.execute(sql).fetchone()[0]


def answers(gridplan, db, *args):
    r = gridplan(*args, "--db", db, check=False)
    return r.returncode, r.stdout.replace(str(db).replace("gridplan:gridplan@", "gridplan@"), "PLAN")


def inserted_per_partition(server, url):
    """Rows inserted into each cases partition since the server started (the statistics PostgreSQL keeps)."""
    return dict(line.split("|") for line in server_lines(
        server, url, "SELECT relname, n_tup_ins FROM pg_stat_user_tables WHERE relname LIKE 'cases\\_%' ORDER BY 1"))


@pytest.fixture(scope="module")
def split(gridplan, server, two_counties, tmp_path_factory):
    """The two-county plan with the sample's cases imported, as a GeoPackage and on the server split by county
    (with a partition for a county still to come, 440803)."""
    folder = tmp_path_factory.mktemp("split")
    plan = clone(two_counties, folder / "plan.gpkg")
    url = database(server, "province")
    copied = gridplan("copy", "--from", plan, "--to", url, "--partition-by", "county", "--counties", "440803")
    assert f"a partition for each of 440802, 440803, {OTHER} and one for the rest" in copied.stdout + copied.stderr, copied
    for n, db in enumerate([plan, url]):
        r = gridplan("cases", "import", SAMPLE, "--db", db, "--crs", "gcj02", "--rejects", folder / f"r{n}.csv", check=False)
        assert r.returncode in (0, 1), r.stderr
    return plan, url, folder


def test_cases_and_grids_sit_in_their_countys_partition(server, two_counties, split):
    plan, url, _ = split
    assert partitions(server, url, "cases") == ["cases_440802", "cases_440803", f"cases_{OTHER}", "cases_other"]
    assert partitions(server, url, "grids") == ["grids_440802", "grids_440803", f"grids_{OTHER}", "grids_other"]
    for county in ["440802", OTHER]:
        grids = file_count(plan, f"SELECT count(*) FROM grids WHERE code LIKE '{county}%'")
        cases = file_count(plan, f"SELECT count(*) FROM cases_with_grids WHERE street_code LIKE '{county}%'")
        assert grids > 10 and cases > 100, (county, grids, cases)
        assert server_lines(server, url, f"SELECT count(*) FROM ONLY grids_{county}") == [str(grids)]
        assert server_lines(server, url, f"SELECT count(*) FROM ONLY cases_{county}") == [str(cases)]
    outside = file_count(plan, "SELECT count(*) FROM cases_with_grids WHERE street_code IS NULL")
    assert server_lines(server, url, "SELECT count(*) FROM ONLY cases_other") == [str(outside)]
    assert server_lines(server, url, "SELECT count(*) FROM ONLY cases_440803") == ["0"]
    # A question by a county's codes reads that county's partition and no other.
    street = server_lines(server, url, f"SELECT street_code FROM cases_{OTHER} LIMIT 1")[0]
    plan_text = "\n".join(server_lines(server, url, f"EXPLAIN SELECT count(*) FROM cases WHERE street_code = '{street}'"))
    assert f"cases_{OTHER}" in plan_text and "cases_440802" not in plan_text and "cases_other" not in plan_text, plan_text
    plan_text = "\n".join(server_lines(server, url, "EXPLAIN SELECT count(*) FROM cases WHERE street_code >= '440802' AND street_code < '440803'"))
    assert "cases_440802" in plan_text and f"cases_{OTHER}" not in plan_text, plan_text


def test_a_split_plan_answers_as_the_file(gridplan, server, rostered, split):
    plan, url, _ = split
    _, polygons, _, _ = rostered
    questions = [["cases", "query", "--format", "csv"], ["cases", "stats", "--json"], ["stats", "--json"],
                 ["validate", "--json"]]
    for p in polygons[::40]:
        point = p.representative_point()
        questions.append(["who-covers", f"{point.x},{point.y}", "--crs", "cgcs2000", "--json"])
    for args in questions:
        assert answers(gridplan, url, *args) == answers(gridplan, plan, *args), args
    dispatched = [answers(gridplan, db, "cases", "dispatch", "--all-new", "--json", *NOW) for db in (plan, url)]
    assert dispatched[1] == dispatched[0] and dispatched[0][0] in (0, 1)  # 1: some cases found no one
    assert answers(gridplan, url, "cases", "query", "--format", "csv") == answers(gridplan, plan, "cases", "query", "--format", "csv")


def test_a_countys_import_writes_its_own_partition(gridplan, server, split):
    """New cases all inside the other county's street: only that county's partition gets rows."""
    plan, url, folder = split
    with sqlite3.connect(plan) as con:
        inside = {i for i, in con.execute(f"SELECT external_id FROM cases_with_grids WHERE street_code LIKE '{OTHER}%'")}
    with SAMPLE.open(encoding="utf-8") as f:
        head, *body = list(csv.reader(f))
    delivery = folder / "county.csv"
    with delivery.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        mine = [row for row in body if row[0] in inside]
        for n, row in enumerate(mine):
            w.writerow([f"K{n:05d}"] + row[1:])
    before = inserted_per_partition(server, url)
    for n, db in enumerate([plan, url]):
        gridplan("cases", "import", delivery, "--db", db, "--crs", "gcj02", "--rejects", folder / f"k{n}.csv")
    expected = dict(before, **{f"cases_{OTHER}": str(int(before[f"cases_{OTHER}"]) + len(mine))})
    for _ in range(50):  # a backend's statistics reach the others when it ends
        after = inserted_per_partition(server, url)
        if after == expected:
            break
        time.sleep(0.1)
    assert after == expected, (before, after, len(mine))
    assert answers(gridplan, url, "cases", "query", "--format", "csv") == answers(gridplan, plan, "cases", "query", "--format", "csv")


def test_a_case_moved_to_another_county_moves_partition(gridplan, server, split):
    """A re-delivery puts every other case of the other county at a place of the first: the rows move to the
    first county's partition, with the same cases and assignment histories as the file."""
    plan, url, folder = split
    with sqlite3.connect(plan) as con:
        inside = [i for i, in con.execute(f"SELECT external_id FROM cases_with_grids WHERE street_code LIKE '{OTHER}%' ORDER BY external_id")]
        home = {i for i, in con.execute("SELECT external_id FROM cases_with_grids WHERE street_code LIKE '440802%'")}
    with SAMPLE.open(encoding="utf-8") as f:
        head, *body = list(csv.reader(f))
    places = [row[8:10] for row in body if row[0] in home]
    delivered = {row[0] for row in body}  # not the cases the test before added
    moving = set([i for i in inside if i in delivered][::2])
    delivery = folder / "moved.csv"
    with delivery.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        for n, row in enumerate(row for row in body if row[0] in moving):
            w.writerow(row[:8] + places[n % len(places)] + row[10:])
    before = int(server_lines(server, url, f"SELECT count(*) FROM ONLY cases_{OTHER}")[0])
    for n, db in enumerate([plan, url]):
        gridplan("cases", "import", delivery, "--db", db, "--crs", "gcj02", "--rejects", folder / f"m{n}.csv")
    after = int(server_lines(server, url, f"SELECT count(*) FROM ONLY cases_{OTHER}")[0])
    assert after == before - len(moving) and len(moving) > 50, (before, after, len(moving))
    assert server_lines(server, url, "SELECT count(*) FROM cases WHERE street_code NOT LIKE '440802%' AND external_id IN ("
                + ",".join(f"'{i}'" for i in sorted(moving)) + ")") == ["0"]
    assert answers(gridplan, url, "cases", "query", "--format", "csv") == answers(gridplan, plan, "cases", "query", "--format", "csv")
    assert assignment_rows(server=server, url=url) == assignment_rows(plan=plan)
    for i in sorted(moving)[:5]:
        assert answers(gridplan, url, "cases", "history", i, "--json") == answers(gridplan, plan, "cases", "history", i, "--json")


def test_two_importers_on_a_split_plan_add_each_case_once(gridplan_binary, server, two_counties, tmp_path, gridplan):
    """No unique index guards a case id on a partitioned table: two imports of the same new cases at once
    still store each once (the importers take turns), in both counties."""
    url = database(server, "province_together")
    report = json.loads(gridplan("copy", "--from", two_counties, "--to", url, "--partition-by", "county", "--json").stdout)
    assert report["counties"] == ["440802", OTHER] and report["rows"] > 1000, report
    runs = [subprocess.Popen([gridplan_binary, "cases", "import", SAMPLE, "--db", url, "--crs", "gcj02", "--batch-size", "250",
                              "--rejects", tmp_path / f"rejects-{n}.csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for n in range(2)]
    outs = [r.communicate(timeout=600) for r in runs]
    assert [r.returncode for r in runs] in ([0, 0], [1, 1]), outs
    assert server_lines(server, url, "SELECT count(*) FROM (SELECT external_id FROM cases GROUP BY 1 HAVING count(*) > 1) d") == ["0"]
    assert server_lines(server, url, "SELECT count(DISTINCT external_id) = count(*) FROM cases") == ["t"]
    file_plan = clone(two_counties, tmp_path / "plan.gpkg")
    gridplan("cases", "import", SAMPLE, "--db", file_plan, "--crs", "gcj02", "--rejects", tmp_path / "file.csv", check=False)
    assert server_lines(server, url, "SELECT count(*) FROM cases") == [str(file_count(file_plan, "SELECT count(*) FROM cases"))]
    assert sorted(assignment_rows(server=server, url=url)) == sorted(assignment_rows(plan=file_plan))


def test_a_split_plan_copies_back_to_a_file(gridplan, split, tmp_path):
    plan, url, _ = split
    back = tmp_path / "back.gpkg"
    gridplan("copy", "--from", url, "--to", back)
    for args in [["cases", "query", "--format", "csv"], ["stats", "--json"], ["cases", "stats", "--json"]]:
        assert answers(gridplan, back, *args) == answers(gridplan, plan, *args), args


def test_partitioning_is_asked_for_clearly(gridplan, server, two_counties, tmp_path):
    url = database(server, "province_refused")
    for args, message in [(["--to", tmp_path / "x.gpkg", "--partition-by", "county"], "--partition-by"),
                          (["--to", url, "--counties", "440803"], "--counties goes with --partition-by county"),
                          (["--to", url, "--partition-by", "county", "--counties", "44080"], "'44080' is not a county code"),
                          (["--to", url, "--partition-by", "street"], "street")]:
        r = gridplan("copy", "--from", two_counties, *args, check=False)
        assert r.returncode != 0 and message in r.stderr, (args, r.stderr)
    assert server_lines(server, url, "SELECT to_regclass('grids') IS NULL") == ["t"]


def test_serve_takes_cases_on_a_split_plan_while_an_import_runs(gridplan_binary, server, split, tmp_path):
    """`serve`'s case intake on the split plan, while a re-delivery of the same cases is imported: every request
    and the import succeed (intake takes its turn before it locks a case's row, so neither waits for the other
    in a circle), each case is stored once, and a new case lands in its county's partition."""
    from test_postgis_serve import TOKEN, fetch
    from conftest import start_server
    _, url, folder = split
    with SAMPLE.open(encoding="utf-8") as f:
        head, *body = list(csv.reader(f))
    again = tmp_path / "again.csv"   # the sample's cases four times over (an import of some seconds)
    with again.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([head] + body * 4)
    tokens = tmp_path / "tokens"
    tokens.write_text(f"{TOKEN} 热线平台\n")
    base, process = start_server(gridplan_binary, url, "--token-file", tokens)
    try:
        importer = subprocess.Popen([gridplan_binary, "cases", "import", again, "--db", url, "--crs", "gcj02", "--batch-size", "1000",
                                     "--rejects", tmp_path / "rejects.csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        answers = []
        while importer.poll() is None or not answers:   # cases the import is writing too, again and again until it ends
            for row in body[::50]:
                lon, lat = (float(v) for v in row[8:10])
                answers.append(fetch(base, "/api/cases", {"id": row[0], "lon": lon, "lat": lat, "crs": "gcj02",
                                                          "reported_at": row[1]})[0])
                if importer.poll() is not None:
                    break
        lon, lat = (float(v) for v in server_lines(server, url, f"SELECT lon || '|' || lat FROM cases_{OTHER} LIMIT 1")[0].split("|"))
        status, answer = fetch(base, "/api/cases", {"id": "HL-SPLIT-1", "lon": lon, "lat": lat, "reported_at": "2024-12-30 10:00:00"})
        out, err = importer.communicate(timeout=600)
    finally:
        process.kill()
        process.wait(10)
    assert importer.returncode in (0, 1) and "cases added" in out, err
    assert set(answers) <= {200, 201} and len(answers) >= 20, (len(answers), answers)
    assert status == 201, answer
    assert server_lines(server, url, "SELECT tableoid::regclass FROM cases WHERE external_id = 'HL-SPLIT-1'") == [f"cases_{OTHER}"]
    assert server_lines(server, url, "SELECT count(DISTINCT external_id) = count(*) FROM cases") == ["t"]
