"""Files gridplan writes and refuses (issue 20), through the real binary: output paths never the
plan or an input; no row lost silently in other encodings; no copy of personal data left behind;
foreign and odd files refused untouched; a writer waiting for the lock says so; and a small round
of kill -9 (tools/chaos) survived."""
import importlib.util
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "GeoData" / "chikan"


@pytest.fixture()
def street_plan(gridplan, tmp_path):
    """The sample's streets alone: a plan that assigns fast in a debug build."""
    db = tmp_path / "plan.gpkg"
    gridplan("import", SAMPLE / "streets.geojson", "--db", db, "--level", "street", "--crs", "cgcs2000")
    return db


def backlog_lines(n=102):
    lines = (SAMPLE / "cases_2024.csv").read_text(encoding="utf-8").splitlines()
    return lines[: n + 1]


def stored_cases(db):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT count(*) FROM cases").fetchone()[0]


def rejects(path):
    return path.read_text(encoding="utf-8").splitlines()[1:] if path.exists() else []


# --- 1. output paths ---------------------------------------------------------------------------

def test_outputs_never_overwrite_the_plan_or_an_input(gridplan, street_plan, tmp_path):
    cases = tmp_path / "in.csv"
    cases.write_text("\n".join(backlog_lines(5)) + "\n", encoding="utf-8")
    link = tmp_path / "link.gpkg"
    link.symlink_to(street_plan)
    plan_bytes, input_bytes = street_plan.read_bytes(), cases.read_bytes()
    attempts = [
        (["assign", cases, "--db", street_plan, "--crs", "cgcs2000", "--out", link], "--out", "is the plan file"),
        (["geocode", cases, "--address-field", "address", "--db", street_plan, "--out", f"{tmp_path}/./plan.gpkg"], "--out",
         "is the plan file"),
        (["export", "--db", street_plan, "--level", "street", "--format", "geojson", "--out", link], "--out", "is the plan file"),
        (["cases", "import", cases, "--db", street_plan, "--crs", "cgcs2000", "--rejects", street_plan], "--rejects",
         "is the plan file"),
        (["partition", "--db", street_plan, "--level", "street", "--barriers", SAMPLE / "roads.geojson", "--buildings",
          SAMPLE / "buildings.geojson", "--dry-run", "--blocks-out", link], "--blocks-out", "is the plan file"),
        (["assign", cases, "--db", street_plan, "--crs", "cgcs2000", "--out", cases], "--out", "is the file this command reads"),
        (["cases", "import", cases, "--db", street_plan, "--crs", "cgcs2000", "--rejects", cases], "--rejects",
         "is the file this command reads"),
    ]
    for args, flag, words in attempts:
        result = gridplan(*args, check=False)
        assert result.returncode == 2, (args, result.stderr)
        assert flag in result.stderr and words in result.stderr, result.stderr
        assert street_plan.read_bytes() == plan_bytes and cases.read_bytes() == input_bytes, args
    # Standard output keeps working.
    assert gridplan("assign", cases, "--db", street_plan, "--crs", "cgcs2000", "--out", "-").stdout.startswith("id,")


# --- 2. transcoding without silent loss ----------------------------------------------------------

def test_a_nul_in_a_gbk_file_sets_one_row_aside(gridplan, street_plan, tmp_path):
    encoded = [line.encode("gbk") for line in backlog_lines()]
    encoded[3] = encoded[3].replace(b"hotline", b"hot\x00line").replace(b"app", b"a\x00pp")
    source = tmp_path / "gbk.csv"
    source.write_bytes(b"\n".join(encoded) + b"\n")
    rejected = tmp_path / "r.csv"
    result = gridplan("cases", "import", source, "--db", street_plan, "--crs", "cgcs2000", "--rejects", rejected, check=False)
    assert result.returncode == 1, result.stderr
    rows = rejects(rejected)
    assert len(rows) == 1 and rows[0].startswith("4,") and "NUL" in rows[0], rows
    # Rows in = rows stored + rows rejected.
    assert stored_cases(street_plan) + len(rows) == 102
    assigned = tmp_path / "assigned.csv"
    gridplan("assign", source, "--db", street_plan, "--crs", "cgcs2000", "--out", assigned)
    statuses = [line.split(",")[len(backlog_lines()[0].split(","))] for line in assigned.read_text(encoding="utf-8").splitlines()[1:]]
    assert len(statuses) == 102 and statuses.count("unreadable") == 1


def test_an_unknown_encoding_is_refused(gridplan, street_plan, tmp_path):
    source = tmp_path / "gbk.csv"
    source.write_bytes("\n".join(backlog_lines(5)).encode("gbk"))
    result = gridplan("cases", "import", source, "--db", street_plan, "--encoding", "NOPE-42", "--crs", "cgcs2000", check=False)
    assert result.returncode == 2 and "NOPE-42" in result.stderr and "GB18030" in result.stderr, result.stderr
    assert stored_cases(street_plan) == 0


def test_utf16_is_read_and_named(gridplan, street_plan, tmp_path):
    text = "\n".join(backlog_lines()) + "\n"
    with_bom = tmp_path / "u16.csv"
    with_bom.write_bytes(text.encode("utf-16"))
    result = gridplan("cases", "import", with_bom, "--db", street_plan, "--crs", "cgcs2000")
    assert stored_cases(street_plan) == 102, result.stdout
    bare = tmp_path / "bare.csv"
    bare.write_bytes(text.encode("utf-16-le"))
    result = gridplan("cases", "import", bare, "--db", street_plan, "--crs", "cgcs2000", check=False)
    assert result.returncode == 2 and "UTF-16" in result.stderr and "--encoding" in result.stderr, result.stderr


def test_an_unbalanced_quote_reports_the_lines_it_swallowed(gridplan, street_plan, tmp_path):
    lines = backlog_lines()
    lines[10] = lines[10].replace("赤坎区", '"赤坎区', 1)
    source = tmp_path / "quote.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rejected = tmp_path / "r.csv"
    result = gridplan("cases", "import", source, "--db", street_plan, "--crs", "cgcs2000", "--rejects", rejected, check=False)
    assert result.returncode == 1, result.stderr
    first = rejected.read_text(encoding="utf-8").splitlines()[1]
    assert first.startswith("11,") and "lines 11–103 (93 lines)" in first, first
    assert stored_cases(street_plan) == 9


# --- 3. no personal data left behind ------------------------------------------------------------

def test_no_copy_of_the_data_is_left_in_the_temporary_folder(gridplan_binary, street_plan, tmp_path):
    private = tmp_path / "tmp"
    private.mkdir()
    env = {**os.environ, "TMPDIR": str(private)}
    source = tmp_path / "gbk.csv"
    source.write_bytes(("\n".join(backlog_lines()) + "\n").encode("gbk"))
    subprocess.run([gridplan_binary, "cases", "import", source, "--db", street_plan, "--crs", "cgcs2000"], env=env, check=True,
                   capture_output=True)
    assert list(private.iterdir()) == []
    # Standard input is copied to a private folder (0700, file 0600), removed on SIGTERM too.
    header, *rows = backlog_lines(5000)
    backlog = header + "\n" + "".join(f"Y{i}-{k},{row.split(',', 1)[1]}\n" for i in range(12) for k, row in enumerate(rows))
    gridplan_args = [gridplan_binary, "cases", "import", "-", "--db", street_plan, "--crs", "cgcs2000", "--batch-size", "500",
                     "--rejects", tmp_path / "r.csv"]
    process = subprocess.Popen(gridplan_args, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    process.stdin.write(backlog.encode())
    process.stdin.close()
    deadline = time.time() + 30
    copies = []
    while time.time() < deadline and not copies:
        copies = [p for d in private.iterdir() for p in d.iterdir()]
        time.sleep(0.02)
    assert copies, "no copy of standard input seen"
    assert copies[0].stat().st_mode & 0o777 == 0o600 and copies[0].parent.stat().st_mode & 0o777 == 0o700
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == -signal.SIGTERM, process.stderr.read()
    assert list(private.iterdir()) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".gridplan-tmp-")]


# --- 4. and 5. foreign files and odd paths ---------------------------------------------------------

def test_foreign_sqlite_files_are_refused_untouched(gridplan, tmp_path):
    app = tmp_path / "app.db"
    with sqlite3.connect(app) as c:
        c.execute("PRAGMA journal_mode = WAL")
        c.executescript("CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);"
                        "INSERT INTO grdb_migrations VALUES ('createNotes'); CREATE TABLE notes (id INTEGER PRIMARY KEY, t TEXT);")
    c.close()
    with_id = tmp_path / "id.db"
    subprocess.run(["sqlite3", with_id, "PRAGMA application_id = 1234;"], check=True)
    gdal = tmp_path / "gdal.gpkg"
    subprocess.run(["ogr2ogr", "-f", "GPKG", gdal, SAMPLE / "streets.geojson"], check=True)
    for path in (app, with_id, gdal):
        before = path.read_bytes()
        result = gridplan("import", SAMPLE / "streets.geojson", "--db", path, "--level", "street", "--crs", "cgcs2000", check=False)
        assert result.returncode == 2 and "not a gridplan plan" in result.stderr, (path, result.stderr)
        assert path.read_bytes() == before
        assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    empty = tmp_path / "empty.gpkg"
    empty.write_bytes(b"")
    gridplan("import", SAMPLE / "streets.geojson", "--db", empty, "--level", "street", "--crs", "cgcs2000")


def test_odd_paths_get_a_clear_error_at_once(gridplan, tmp_path):
    fifo = tmp_path / "pipe.gpkg"
    os.mkfifo(fifo)
    for path, words in [(tmp_path, "is a folder"), (fifo, "not a regular file"), (Path("/dev/null"), "not a regular file")]:
        started = time.time()
        result = gridplan("summary", "--db", path, check=False)
        assert result.returncode == 2 and words in result.stderr, (path, result.returncode, result.stderr)
        assert time.time() - started < 10


# --- 6. a writer waiting for the lock ------------------------------------------------------------

def test_a_second_writer_says_it_waits_then_gives_up(gridplan_binary, street_plan, tmp_path):
    holder = subprocess.Popen(["sqlite3", street_plan], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    holder.stdin.write("BEGIN IMMEDIATE; INSERT INTO plan_versions (valid_from, command) VALUES ('2026-01-01', 'held');\nSELECT 'held';\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "held"
    source = tmp_path / "c.csv"
    source.write_text("\n".join(backlog_lines(3)) + "\n", encoding="utf-8")
    started = time.time()
    result = subprocess.run([gridplan_binary, "cases", "import", source, "--db", street_plan, "--crs", "cgcs2000"],
                            env={**os.environ, "GRIDPLAN_LOCK_WAIT": "1"}, capture_output=True, text=True)
    holder.stdin.write("ROLLBACK;\n.quit\n")
    holder.stdin.close()
    holder.wait()
    assert result.returncode == 3, result.stderr
    assert "waiting up to 1 s" in result.stderr and "waited 1 s" in result.stderr and str(street_plan) in result.stderr
    assert "SQLite error" not in result.stderr and time.time() - started >= 1
    assert stored_cases(street_plan) == 0


def test_readers_answer_at_once_while_a_writer_holds_the_plan(gridplan_binary, street_plan, tmp_path):
    """Commands that only read open the plan without writing to it, so another process's write
    transaction does not hold them up (before, each waited for the lock and gave up)."""
    holder = subprocess.Popen(["sqlite3", street_plan], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    holder.stdin.write("BEGIN IMMEDIATE; INSERT INTO plan_versions (valid_from, command) VALUES ('2026-01-01', 'held');\nSELECT 'held';\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "held"
    readers = [["summary"], ["versions"], ["stats", "--level", "street"], ["cases", "query", "--limit", "5"],
               ["cases", "stats", "--level", "street"],
               ["export", "--level", "street", "--format", "geojson", "--out", tmp_path / "streets.geojson"],
               ["load", "--level", "street"], ["geocode", "parse", "赤坎区海滨路12号"],
               ["who-covers", "--lon", "110.365", "--lat", "21.271"], ["codes", "--dry-run", "--county", "440802"]]
    try:
        for args in readers:
            started = time.time()
            result = subprocess.run([gridplan_binary, *map(str, args), "--db", street_plan],
                                    env={**os.environ, "GRIDPLAN_LOCK_WAIT": "3"}, capture_output=True, text=True)
            assert result.returncode == 0, (args, result.stderr)
            assert "waiting" not in result.stderr and time.time() - started < 3, (args, result.stderr)
        # geocode address reads the gazetteer at once (this plan has none: it says so, exit 2).
        result = subprocess.run([gridplan_binary, "geocode", "address", "赤坎区海滨路12号", "--db", street_plan],
                                env={**os.environ, "GRIDPLAN_LOCK_WAIT": "3"}, capture_output=True, text=True)
        assert result.returncode == 2 and "the gazetteer is empty" in result.stderr and "waiting" not in result.stderr, result.stderr
    finally:
        holder.stdin.write("ROLLBACK;\n.quit\n")
        holder.stdin.close()
        holder.wait()
    assert (tmp_path / "streets.geojson").stat().st_size > 0


# --- 7. a small round of tools/chaos ---------------------------------------------------------------

def test_a_small_chaos_round_is_survived(gridplan_binary, tmp_path):
    spec = importlib.util.spec_from_file_location("chaos", ROOT / "tools" / "chaos.py")
    chaos = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(chaos)
    lines = []
    survived, total = chaos.chaos(gridplan_binary, ["import", "cases"], kills=2, rows=5_000, seed=7, work=tmp_path, say=lines.append)
    assert total == 4 and survived == total, "\n".join(lines)
    shutil.rmtree(tmp_path, ignore_errors=True)
