"""`gridplan copy` between a GeoPackage and a real PostgreSQL 15 + PostGIS server that this module
starts on a private port (tools/pg-cluster: initdb in a temporary folder, no Docker), checked with
PostGIS's own functions, GDAL's PostgreSQL driver and GDAL's GeoPackage validator."""
import csv
import json
import random
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from conftest import PSQL, ROOT, database, free_port, psql, server_lines

SYSTEM_PYTHON = "/usr/bin/python3"
VALIDATOR = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
# A name with every character COPY's text format and SQL treat specially: quote, tab, newline, backslash, \N.
ODD_NAME = "O'Brien\"; DROP TABLE grids; --\ttab\nline\\N back\\slash 网格员"


def data_tables(db):
    """The plan's own tables (not GeoPackage's catalogue, R-trees or internal search tables)."""
    with sqlite3.connect(db) as con:
        return [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'gpkg_%' AND name NOT LIKE 'rtree_%' "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'internal_%' ORDER BY name")]


def columns(con, table):
    """The columns of `table` (or view) in `con`, in order."""
    return [r[1] for r in con.execute(f'PRAGMA table_xinfo("{table}")')]


def wkb(blob):
    """The ISO WKB inside a GeoPackage geometry blob (after its header and envelope)."""
    flags = blob[3]
    envelope = [0, 32, 48, 48, 64][(flags >> 1) & 7]
    return bytes(blob[8 + envelope:])


@pytest.fixture(scope="module")
def full_plan(gridplan, rostered, tmp_path_factory):
    """The rostered sample with cases (imported, dispatched, one advanced), the default gazetteer, and a
    person whose name holds SQL and COPY meta-characters."""
    db, _, codes, _ = rostered
    folder = tmp_path_factory.mktemp("postgis")
    plan = folder / "plan.gpkg"
    plan.write_bytes(db.read_bytes())
    gridplan("gazetteer", "import", "--defaults", "--db", plan)
    gridplan("cases", "import", ROOT / "GeoData" / "chikan" / "cases_2024.csv", "--db", plan, "--crs", "gcj02",
             "--rejects", folder / "rejects.csv", check=False)
    gridplan("cases", "dispatch", "--db", plan, "--all-new", "--now", "2024-12-31 09:00", check=False)
    roster = folder / "odd.csv"
    with roster.open("w", newline="") as f:
        csv.writer(f).writerows([["id", "name", "phone", "role"], ["ODD1", ODD_NAME, "13800000000", "专职网格员"]])
    gridplan("people", "import", roster, "--db", plan)
    with sqlite3.connect(plan) as con:
        case = con.execute("SELECT external_id FROM cases WHERE status = 'dispatched' ORDER BY fid LIMIT 1").fetchone()[0]
    gridplan("cases", "advance", case, "--db", plan, "--to-status", "handled", "--actor", "G0", "--at", "2024-12-31 10:00",
             "--note", ODD_NAME)
    return plan


@pytest.fixture(scope="module")
def copied(gridplan, server, full_plan):
    """The full plan copied to the server once; the copy's standard output."""
    url = server[0]
    return gridplan("copy", "--from", full_plan, "--to", url)


def test_every_row_arrives_and_the_geometry_is_the_files(server, full_plan, copied):
    counts = {line.split()[0]: int(line.split()[1]) for line in copied.stdout.splitlines()[:-1]}
    with sqlite3.connect(full_plan) as con:
        for table in data_tables(full_plan):
            mine = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            assert int(psql(server, f'SELECT count(*) FROM "{table}"')[0][0]) == mine, table
            assert counts.get(table, 0) == (mine if table != "grdb_migrations" else 0), table
        assert counts["cases"] > 4000 and counts["case_dispatches"] > 500 and counts["gazetteer"] > 1000
        # The file keeps each filing once (schema step v17); the server keeps the codes on each case, with their indexes.
        filing = "unit_code, area_code, community_code, street_code, grid_fid, plan_version"
        mine = {r[0]: ["" if v is None else str(v) for v in r[1:]]
                for r in con.execute(f"SELECT external_id, {filing} FROM cases_with_grids")}
        theirs = {r[0]: r[1:] for r in psql(server, f"SELECT external_id, {filing} FROM cases")}
        assert theirs == mine and sum(1 for v in mine.values() if v[0]) > 3000
        assert {r[0] for r in psql(server, "SELECT indexname FROM pg_indexes WHERE tablename = 'cases'")} >= \
            {"cases_unit", "cases_area", "cases_community", "cases_street", "cases_reported", "cases_status", "cases_category"}
        # Geometry byte for byte: PostGIS's WKB of each grid equals the WKB inside the file's blob.
        theirs = {int(fid): hexwkb for fid, hexwkb in psql(server, "SELECT fid, encode(ST_AsBinary(geom), 'hex') FROM grids")}
        for fid, blob in con.execute("SELECT fid, geom FROM grids"):
            assert theirs[fid] == wkb(blob).hex(), fid
        names = dict(con.execute("SELECT person_id, name FROM people"))
    assert dict(psql(server, "SELECT person_id, name FROM people WHERE person_id = 'ODD1'")) == {"ODD1": ODD_NAME} == {"ODD1": names["ODD1"]}
    assert psql(server, "SELECT note FROM case_transitions WHERE actor = 'G0' AND to_state = 'handled'") == [[ODD_NAME]]
    # Types as PostGIS users expect them: SRID 4490, GiST indexes, real dates and numbers.
    columns = dict(psql(server, "SELECT f_table_name || '.' || f_geometry_column, srid::text FROM geometry_columns"))
    assert columns["grids.geom"] == "4490" and columns["cases.geom"] == "4490" and columns["gazetteer.geom"] == "4490"
    gist = {r[0] for r in psql(server, "SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%USING gist%'")}
    assert {"grids", "cases", "people", "gazetteer", "findings", "plan_changes"} <= gist
    # A partial index stays partial: the status index holds the open cases on the server too.
    assert psql(server, "SELECT indexdef FROM pg_indexes WHERE indexname = 'cases_status'")[0][0].endswith(
        "WHERE (status <> ALL (ARRAY['closed'::text, 'feedback'::text]))")
    types = dict(psql(server, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'grids'"))
    assert types["valid_from"] == "date" and types["level"] == "bigint" and types["households"] == "bigint"
    assert psql(server, "SELECT count(*) FROM grids WHERE NOT ST_IsValid(geom)") == [["0"]]


def test_postgis_assigns_points_as_gridplan_does(gridplan, server, full_plan, copied, tmp_path):
    """ST_Covers on the copied grids gives each point the unit gridplan's own engine gives it."""
    rng = random.Random(17)
    points = [(rng.uniform(110.32, 110.42), rng.uniform(21.23, 21.33)) for _ in range(300)]
    source = tmp_path / "points.csv"
    source.write_text("id,lon,lat\n" + "".join(f"{i},{x!r},{y!r}\n" for i, (x, y) in enumerate(points)))
    out = tmp_path / "assigned.csv"
    gridplan("assign", source, "--db", full_plan, "--out", out, "--crs", "cgcs2000")
    # Points a few metres outside every grid are snapped to the nearest by default: those are gridplan's own.
    rows = [r.split(",") for r in out.read_text().splitlines()[1:]]
    mine = {int(r[0]): r[4] if r[3] == "inside" else "" for r in rows}
    values = ", ".join(f"({i}, {x!r}, {y!r})" for i, (x, y) in enumerate(points))
    theirs = dict.fromkeys(range(len(points)), "")
    for i, code in psql(server, f"SELECT p.i, g.code FROM (VALUES {values}) AS p(i, x, y) JOIN grids g ON g.level = 4 "
                                "AND g.valid_to IS NULL AND ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4490))"):
        theirs[int(i)] = code
    assert sum(1 for c in mine.values() if c) > 100
    assert mine == theirs


def test_gdal_reads_the_copy_as_it_reads_the_file(server, full_plan, copied):
    """GDAL's PostgreSQL driver and its GeoPackage driver see the same features in the grids layer."""
    _, folder, port = server
    script = f"""
import json, sys
from osgeo import ogr
def read(source):
    ds = ogr.Open(source)
    layer = ds.GetLayerByName("grids")
    return sorted((f.GetFID(), f.GetField("code"), f.GetField("valid_from"), f.GetGeometryRef().ExportToIsoWkb().hex()) for f in layer)
a = read({str(full_plan)!r})
b = read("PG:host={folder} port={port} dbname=gridplan user=gridplan")
print(json.dumps([len(a), a == b]))
"""
    result = subprocess.run([SYSTEM_PYTHON, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[1] is True and json.loads(result.stdout)[0] > 700


def test_back_to_a_file_gives_the_same_plan(gridplan, server, full_plan, copied, tmp_path):
    """PostGIS → GeoPackage (through the Unix socket, GDAL's PG: form): every row of every table equal,
    the search tables rebuilt, and the file passes GDAL's validator and answers as the original."""
    _, folder, port = server
    back = tmp_path / "back.gpkg"
    result = gridplan("copy", "--from", f"PG:host={folder} port={port} dbname=gridplan user=gridplan", "--to", back)
    assert "copied" in result.stdout and not list(tmp_path.glob(".back.gpkg.partial-*"))
    with sqlite3.connect(full_plan) as a, sqlite3.connect(back) as b:
        assert data_tables(back) == data_tables(full_plan)
        for table in data_tables(full_plan):
            # A case's filing (schema step v17) is numbered anew on the way back: its codes are compared.
            read = f'SELECT * FROM "{table}" ORDER BY rowid' if table != "cases" else \
                f"SELECT {', '.join(c for c in columns(a, 'cases_with_grids') if c != 'filing')} FROM cases_with_grids ORDER BY fid"
            assert b.execute(read).fetchall() == a.execute(read).fetchall(), table
        filing = "unit_code, area_code, community_code, street_code, grid_fid, plan_version"
        kept = set(a.execute(f"SELECT {filing} FROM internal_case_filings"))
        back_filings = b.execute(f"SELECT {filing} FROM internal_case_filings").fetchall()
        assert len(set(back_filings)) == len(back_filings) and set(back_filings) <= kept and len(back_filings) > 10
        for search in ["internal_gazetteer_names"]:
            assert sorted(b.execute(f"SELECT * FROM {search}")) == sorted(a.execute(f"SELECT * FROM {search}"))
        fts = "SELECT rowid FROM internal_gazetteer_fts WHERE internal_gazetteer_fts MATCH ? ORDER BY rowid"
        for word in ["中山", "海滨", "寸金"]:
            assert b.execute(fts, (word,)).fetchall() == a.execute(fts, (word,)).fetchall()
        assert b.execute("SELECT max(seq) FROM sqlite_sequence WHERE name = 'cases'").fetchone() == \
            a.execute("SELECT max(seq) FROM sqlite_sequence WHERE name = 'cases'").fetchone()
        # The R-trees, bulk-loaded on the way back, are whole by SQLite's own check and hold the entries
        # SQLite's R-tree made row by row in the original.
        trees = "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING rtree%' ORDER BY name"
        assert b.execute(trees).fetchall() == a.execute(trees).fetchall() and len(a.execute(trees).fetchall()) >= 2
        for (tree,) in a.execute(trees).fetchall():
            assert b.execute(f"SELECT rtreecheck('{tree}')").fetchone()[0] == "ok", tree
            entries = f'SELECT * FROM "{tree}" ORDER BY id'
            assert b.execute(entries).fetchall() == a.execute(entries).fetchall(), tree
    checked = subprocess.run([SYSTEM_PYTHON, VALIDATOR, "-k", str(back)], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout + checked.stderr
    for args in [["summary"], ["cases", "stats", "--level", "community"],
                 ["who-covers", "--address", "湛江市赤坎区中山二路1号", "--json", "--at", "2024-12-31"]]:
        assert gridplan(*args, "--db", back).stdout.replace(str(back), "PLAN") == \
            gridplan(*args, "--db", full_plan).stdout.replace(str(full_plan), "PLAN"), args


def test_a_read_only_user_copies_the_plan_out(gridplan, server, full_plan, copied, tmp_path):
    """A role whose transactions are read-only, as on a streaming replica: copying from the server
    needs no write (it used to send CREATE EXTENSION, which such a server refuses) and gives what
    the owner's copy gives."""
    _, folder, port = server
    psql(server, "DROP ROLE IF EXISTS reader; CREATE ROLE reader LOGIN; "
                 "ALTER ROLE reader SET default_transaction_read_only = on; "
                 "GRANT USAGE ON SCHEMA public TO reader; GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    refused = subprocess.run([PSQL, "-X", "-h", folder, "-p", str(port), "-U", "reader", "-d", "gridplan",
                              "-c", "CREATE EXTENSION IF NOT EXISTS postgis"], capture_output=True, text=True)
    assert "read-only transaction" in refused.stderr, refused.stderr
    mine, theirs = tmp_path / "reader.gpkg", tmp_path / "owner.gpkg"
    gridplan("copy", "--from", f"PG:host={folder} port={port} dbname=gridplan user=reader", "--to", mine)
    gridplan("copy", "--from", f"PG:host={folder} port={port} dbname=gridplan user=gridplan", "--to", theirs)
    with sqlite3.connect(mine) as a, sqlite3.connect(theirs) as b:
        assert data_tables(mine) == data_tables(theirs)
        for table in data_tables(theirs):
            assert a.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall() == \
                b.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall(), table


def test_a_target_holding_a_plan_is_kept_unless_replace(gridplan, server, full_plan, copied, tmp_path):
    url = server[0]
    before = psql(server, "SELECT count(*) FROM cases")
    refused = gridplan("copy", "--from", full_plan, "--to", url, check=False)
    assert refused.returncode == 2 and "already holds a gridplan plan" in refused.stderr and "--replace" in refused.stderr
    assert psql(server, "SELECT count(*) FROM cases") == before
    existing = tmp_path / "existing.gpkg"
    existing.write_bytes(b"someone's file")
    refused = gridplan("copy", "--from", url, "--to", existing, check=False)
    assert refused.returncode == 2 and "the file exists" in refused.stderr
    assert existing.read_bytes() == b"someone's file"
    replaced = json.loads(gridplan("copy", "--from", url, "--to", existing, "--replace", "--json").stdout)
    assert existing.read_bytes()[:16] == b"SQLite format 3\x00" and replaced["to"] == str(existing)
    assert {t["name"]: t["rows"] for t in replaced["tables"]}["cases"] == int(before[0][0])
    assert replaced["rows"] == sum(t["rows"] for t in replaced["tables"])


def test_a_failed_copy_leaves_the_server_as_it_was(gridplan, server, full_plan, copied, tmp_path):
    """A source row that cannot be sent (a broken geometry, late in the copy) rolls the whole copy back:
    the plan already on the server, replaced in the same transaction, is still there whole."""
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(full_plan.read_bytes())
    with sqlite3.connect(broken) as con:
        for name in ["ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"]:
            con.create_function(name, 1, lambda blob: 0)
        con.execute("UPDATE grids SET geom = X'47500003E61000000102' WHERE fid = (SELECT max(fid) FROM grids)")
        con.execute("DELETE FROM duties")
    before = {t: psql(server, f'SELECT count(*) FROM "{t}"') for t in ["grids", "duties", "cases", "people"]}
    failed = gridplan("copy", "--from", broken, "--to", server[0], "--replace", check=False)
    assert failed.returncode == 2 and "grids row" in failed.stderr and "geom" in failed.stderr, failed.stderr
    assert {t: psql(server, f'SELECT count(*) FROM "{t}"') for t in before} == before


def killed_at(binary, args, seconds):
    """Runs gridplan and kills it (SIGKILL) after `seconds`, or lets it finish first."""
    process = subprocess.Popen([binary, *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_killed_copy_leaves_either_target_whole(gridplan, gridplan_binary, server, rostered, full_plan, copied, tmp_path):
    """kill -9 at any moment of a copy: the server holds the old plan or the whole new one, never a mix;
    a file target is absent or whole, and the killed run's temporary file goes at the next run."""
    tables = ["grids", "people", "duties", "cases", "gazetteer", "grdb_migrations"]
    def counts():
        return {t: int(psql(server, f'SELECT count(*) FROM "{t}"')[0][0]) for t in tables}
    def counted(db):
        with sqlite3.connect(db) as con:
            return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    full, small = counted(full_plan), counted(rostered[0])   # other tests may have added to the rostered plan
    assert counts() == full and small["gazetteer"] == 0 < full["gazetteer"]
    for k, seconds in enumerate([0.15, 0.4, 0.8, 1.5]):
        source = small if k % 2 == 0 else full
        killed_at(gridplan_binary, ["copy", "--from", rostered[0] if source is small else full_plan, "--to", server[0], "--replace"], seconds)
        now = counts()
        assert now in (full, small), (seconds, now)
    target = tmp_path / "killed.gpkg"
    killed_at(gridplan_binary, ["copy", "--from", server[0], "--to", target], 0.5)
    assert not target.exists() or gridplan("summary", "--db", target).returncode == 0
    gridplan("copy", "--from", server[0], "--to", tmp_path / "after.gpkg")
    assert not list(tmp_path.glob(".gridplan-tmp-*")), list(tmp_path.iterdir())
    gridplan("copy", "--from", full_plan, "--to", server[0], "--replace")   # as the other tests found it
    assert counts() == full


def test_a_server_restarted_mid_copy_keeps_the_old_plan(gridplan_binary, server, rostered, full_plan, copied):
    """The server restarted while a copy writes to it: the copy stops with a message naming the server, and
    the server holds the old plan whole (or, if the copy finished first, the new one whole)."""
    tables = ["grids", "people", "cases", "gazetteer"]
    def counts():
        return {t: int(psql(server, f'SELECT count(*) FROM "{t}"')[0][0]) for t in tables}
    full = counts()
    for seconds in [0.1, 0.2, 0.4]:
        process = subprocess.Popen([gridplan_binary, "copy", "--from", rostered[0], "--to", server[0], "--replace"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        time.sleep(seconds)
        subprocess.run([ROOT / "tools" / "pg-cluster", "restart", server[1]], check=True, capture_output=True)
        out, err = process.communicate(timeout=60)
        now = counts()
        if process.returncode == 0:
            with sqlite3.connect(rostered[0]) as con:
                small = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
            assert now == small and now["gazetteer"] == 0, now
            subprocess.run([gridplan_binary, "copy", "--from", full_plan, "--to", server[0], "--replace"], check=True, capture_output=True)
        else:
            assert process.returncode == 2 and f"postgresql://gridplan@127.0.0.1:{server[2]}/gridplan" in err, err
            assert "run it again when the server is up" in err, err
            assert now == full, now
    assert counts() == full


def test_tls_encrypts_and_verify_full_checks_the_certificate(gridplan, server, full_plan, copied, tmp_path):
    """sslmode=require connects over TLS without checking the server's self-signed certificate, as libpq does;
    verify-full checks it and refuses."""
    _, _, port = server
    base = f"postgresql://gridplan:gridplan@127.0.0.1:{port}/gridplan"
    back = tmp_path / "tls.gpkg"
    gridplan("copy", "--from", base + "?sslmode=require", "--to", back)
    with sqlite3.connect(back) as con:
        assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == int(psql(server, "SELECT count(*) FROM cases")[0][0])
    refused = gridplan("copy", "--from", base + "?sslmode=verify-full", "--to", tmp_path / "no.gpkg", check=False)
    assert refused.returncode == 2 and "certificate is not trusted" in refused.stderr and not (tmp_path / "no.gpkg").exists()


def test_connection_failures_name_the_server_without_the_password(gridplan, server, full_plan):
    _, _, port = server
    wrong = gridplan("copy", "--from", full_plan, "--to", f"postgresql://gridplan:s3cret-wrong@127.0.0.1:{port}/gridplan", check=False)
    assert wrong.returncode == 2 and "s3cret-wrong" not in wrong.stderr
    assert f"postgresql://gridplan@127.0.0.1:{port}/gridplan" in wrong.stderr and "password authentication failed" in wrong.stderr
    nobody = free_port()
    gone = gridplan("copy", "--from", full_plan, "--to", f"postgresql://gridplan:s3cret@127.0.0.1:{nobody}/gridplan", check=False)
    assert gone.returncode == 2 and "no PostgreSQL server answers there" in gone.stderr and "s3cret" not in gone.stderr
    missing = gridplan("copy", "--from", full_plan, "--to", f"postgresql://gridplan:gridplan@127.0.0.1:{port}/nosuchdb", check=False)
    assert missing.returncode == 2 and "nosuchdb" in missing.stderr and "does not exist" in missing.stderr
    # A command that reads on a server meets the same failure.
    for args in [["summary"], ["gazetteer", "search", "海滨"]]:
        reader = gridplan(*args, "--db", f"postgresql://gridplan:s3cret@127.0.0.1:{port}/gridplan", check=False)
        assert reader.returncode == 2 and "password authentication failed" in reader.stderr and "s3cret" not in reader.stderr


def test_a_plan_copied_by_the_release_before_takes_the_new_step_where_it_lies(gridplan, server, full_plan, tmp_path):
    """Schema step v16.2 only changes the status index (and v17 nothing on a server, whose cases keep their codes on
    their rows), so a plan the release before them copied to the server (neither step recorded, the index of every
    case) takes the steps where it lies the first time this gridplan opens it,
    plain or split by county, and then answers as the file does. A plan lacking a step the server cannot take
    (v16.1 rewrites rows) is refused as before and left as it was; a read-only role cannot take the step and is
    told where to, the plan left as it was."""
    _, folder, port = server
    step = "v16.2:%"
    older = ("DROP INDEX cases_status; CREATE INDEX cases_status ON cases (status); "
             "DELETE FROM grdb_migrations WHERE identifier LIKE 'v16.2:%' OR identifier LIKE 'v17:%'")
    status_indexes = ("SELECT indexdef FROM pg_indexes WHERE indexname = 'cases_status' OR "
                      "(tablename LIKE 'cases\\_%' AND indexdef LIKE '%(status)%') ORDER BY indexname")
    query = ["cases", "query", "--status", "dispatched", "--format", "csv"]
    for name, layout in [("older_plain", []), ("older_split", ["--partition-by", "county"])]:
        url = database(server, name)
        gridplan("copy", "--from", full_plan, "--to", url, *layout)
        server_lines(server, url, older)
        assert server_lines(server, url, f"SELECT count(*) FROM grdb_migrations WHERE identifier LIKE '{step}'") == ["0"]
        assert not any("WHERE" in d for d in server_lines(server, url, status_indexes))
        answer = gridplan(*query, "--db", url).stdout
        assert answer == gridplan(*query, "--db", full_plan).stdout and len(answer.splitlines()) > 100, name
        assert server_lines(server, url, f"SELECT count(*) FROM grdb_migrations WHERE identifier LIKE '{step}'") == ["1"]
        indexes = server_lines(server, url, status_indexes)
        assert len(indexes) == (1 if not layout else 3) and all("WHERE" in d and "'closed'" in d for d in indexes), indexes
        # Opened again, nothing more to take.
        gridplan("summary", "--db", url)
        assert server_lines(server, url, "SELECT count(*) FROM grdb_migrations") == \
            [str(len(sqlite3.connect(full_plan).execute("SELECT * FROM grdb_migrations").fetchall()))]

    url = database(server, "older_rows")
    gridplan("copy", "--from", full_plan, "--to", url)
    server_lines(server, url, older + "; DELETE FROM grdb_migrations WHERE identifier LIKE 'v16.1:%'")
    refused = gridplan("summary", "--db", url, check=False)
    assert refused.returncode == 2 and "older gridplan" in refused.stderr and "v16.1" in refused.stderr, refused.stderr
    assert not any("WHERE" in d for d in server_lines(server, url, status_indexes))

    url = database(server, "older_readonly")
    gridplan("copy", "--from", full_plan, "--to", url)
    server_lines(server, url, older + "; DROP ROLE IF EXISTS stepreader; CREATE ROLE stepreader LOGIN; "
                 "ALTER ROLE stepreader SET default_transaction_read_only = on; "
                 "GRANT USAGE ON SCHEMA public TO stepreader; GRANT SELECT ON ALL TABLES IN SCHEMA public TO stepreader")
    refused = gridplan("summary", "--db", f"PG:host={folder} port={port} dbname=older_readonly user=stepreader", check=False)
    assert refused.returncode == 2 and "could not be taken in place" in refused.stderr and "primary" in refused.stderr, refused.stderr
    assert server_lines(server, url, f"SELECT count(*) FROM grdb_migrations WHERE identifier LIKE '{step}'") == ["0"]
    assert not any("WHERE" in d for d in server_lines(server, url, status_indexes))
    # Copying out takes the step too (the owner may).
    back = tmp_path / "back.gpkg"
    gridplan("copy", "--from", url, "--to", back)
    assert server_lines(server, url, f"SELECT count(*) FROM grdb_migrations WHERE identifier LIKE '{step}'") == ["1"]
    assert gridplan(*query, "--db", back).stdout == gridplan(*query, "--db", full_plan).stdout


def test_a_connection_lost_while_the_step_is_taken_is_reported_as_lost(gridplan_binary, gridplan, server, full_plan):
    """The server cuts gridplan's connection while it waits to take the schema step (another session holds the
    migrations table): the command says the connection was lost and to run it again, not that the step cannot be
    taken where the plan lies; the step is not taken, and the next opening takes it."""
    _, folder, port = server
    url = database(server, "older_lost")
    gridplan("copy", "--from", full_plan, "--to", url)
    server_lines(server, url, "DROP INDEX cases_status; CREATE INDEX cases_status ON cases (status); "
                 "DELETE FROM grdb_migrations WHERE identifier LIKE 'v16.2:%' OR identifier LIKE 'v17:%'")
    holder = subprocess.Popen([PSQL, "-X", "-h", folder, "-p", str(port), "-U", "gridplan", "-d", "older_lost", "-c",
                               "BEGIN; LOCK TABLE grdb_migrations IN EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    taker = None
    try:
        waiting = "SELECT pid FROM pg_stat_activity WHERE query LIKE 'LOCK TABLE grdb_migrations%' AND wait_event_type = 'Lock'"
        deadline = time.time() + 20
        while time.time() < deadline and not server_lines(server, url, "SELECT 1 FROM pg_locks l JOIN pg_class c "
                                                          "ON c.oid = l.relation WHERE c.relname = 'grdb_migrations' AND l.granted"):
            time.sleep(0.1)
        taker = subprocess.Popen([gridplan_binary, "summary", "--db", url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        pids = []
        while time.time() < deadline and not pids:
            pids = server_lines(server, url, waiting)
            time.sleep(0.1)
        assert pids, "gridplan never waited for the migrations table"
        server_lines(server, url, f"SELECT pg_terminate_backend({pids[0]})")
        _, err = taker.communicate(timeout=30)
        assert taker.returncode == 2 and "terminating connection" in err and "run it again" in err and "in place" not in err, err
    finally:
        holder.kill()
        holder.wait()
        if taker and taker.poll() is None:
            taker.kill()
    server_lines(server, url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid != pg_backend_pid()")
    assert server_lines(server, url, "SELECT count(*) FROM grdb_migrations WHERE identifier LIKE 'v16.2:%'") == ["0"]
    gridplan("summary", "--db", url)
    assert server_lines(server, url, "SELECT count(*) FROM grdb_migrations WHERE identifier LIKE 'v16.2:%'") == ["1"]
