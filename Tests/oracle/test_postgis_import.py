"""`gridplan cases import` into a plan on a real PostgreSQL 15 + PostGIS server (started by this module on a
private port): the same report, rejects, cases and assignment history as the same import into the
GeoPackage; a server restarted in the middle leaves the import resumable to exactly the full result; two
importers at once lose nothing."""
import csv
import json
import random
import re
import sqlite3
import subprocess
import time

import pytest

from conftest import ROOT, assignment_rows, clone, database, server_lines

SAMPLE = ROOT / "GeoData" / "chikan" / "cases_2024.csv"


def sample_rows():
    with SAMPLE.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def update_file(tmp_path_factory):
    """A second delivery of the sample's cases: 600 known ids (a third moved elsewhere, a third with another
    status, a third as they were), every tenth of them given three times in the file (moved, then back), 50 new
    ids and one row with an impossible time."""
    rng = random.Random(20261203)
    head, body = sample_rows()
    out = []
    for i, row in enumerate(rng.sample(body, 600)):
        row = list(row)
        if i % 3 == 0:
            row[8:10] = rng.choice(body)[8:10]
        elif i % 3 == 1:
            row[5] = "verified"
        out.append(row)
        if i % 10 == 0:
            moved = list(row)
            moved[8:10] = rng.choice(body)[8:10]
            out += [moved, list(row)]
    out += [[f"NEW{n:04d}"] + rng.choice(body)[1:] for n in range(50)]
    out.append(["BAD1", "2024-13-45 00:00", "app", "0101", "ordinary", "reported", "", "x", "110.3", "21.2", "true"])
    rng.shuffle(out)
    path = tmp_path_factory.mktemp("updates") / "update.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([head] + out)
    return path


def shown(text, *places):
    """Output with the places given (plan, rejects file) and the import's duration, which differ between the two
    runs, replaced."""
    for place in places:
        text = text.replace(str(place).replace("gridplan:gridplan@", "gridplan@"), "PLACE")
    return re.sub(r"in \d+\.\d s|\"seconds\" ?: ?[0-9.e-]+", "TIME", text)


def import_both(gridplan, plan, url, source, folder, *extra):
    """The same import into the file and into the server: their (exit status, output, error, rejects)."""
    results = []
    for n, db in enumerate([plan, url]):
        rejects = folder / f"rejects-{n}.csv"
        r = gridplan("cases", "import", source, "--db", db, "--crs", "gcj02", "--rejects", rejects, *extra, check=False)
        results.append((r.returncode, shown(r.stdout, db, rejects), shown(r.stderr, db, rejects),
                        rejects.read_text(encoding="utf-8") if rejects.exists() else None))
    return results


def same_plans(gridplan, plan, url, server, ids):
    """The cases, their statistics and the histories of `ids` answer the same on both, and every assignment
    row is the same (in the order each case got them)."""
    for args in [["cases", "query", "--format", "csv"], ["cases", "stats", "--json"]] + [["cases", "history", i, "--json"] for i in ids]:
        on_file, on_server = (gridplan(*args, "--db", db, check=False) for db in (plan, url))
        assert (on_server.returncode, on_server.stdout) == (on_file.returncode, on_file.stdout), args
    assert assignment_rows(server=server, url=url) == assignment_rows(plan=plan)


def test_a_case_import_on_postgis_as_on_the_file(gridplan, server, rostered, update_file, tmp_path):
    """The sample's 5,000 cases into a plan without them, then the second delivery in batches of 150 (so that
    repeated ids fall in one batch and across batches): the same reports, rejects, cases and histories."""
    plan = clone(rostered[0], tmp_path / "plan.gpkg")
    url = database(server, "imports")
    gridplan("copy", "--from", plan, "--to", url)
    first = import_both(gridplan, plan, url, SAMPLE, tmp_path)
    assert first[1] == first[0] and first[0][0] == 0 and "5000 cases added" in first[0][1], first
    before = status_since(plan=plan)
    second = import_both(gridplan, plan, url, update_file, tmp_path, "--batch-size", "150", "--json")
    assert second[1] == second[0], second
    report = json.loads(second[0][1].replace("TIME", '"seconds": 0'))
    assert second[0][0] == 1 and (report["inserted"], report["updated"], report["rejected"]) == (50, 720, 1), report
    assert "BAD1" in second[0][3]
    with update_file.open(encoding="utf-8") as f:
        ids = [row[0] for row in csv.reader(f)][1:]
    repeated = sorted({i for i in ids if ids.count(i) == 3})
    assert len(repeated) == 60
    same_plans(gridplan, plan, url, server, repeated[:8] + ["NEW0001"])
    # A moved case's history has two assignments on both: the old one ended, the new one open.
    moved = [r for r in assignment_rows(plan=plan) if r.startswith(repeated[0] + "|")]
    assert len(moved) >= 2 and moved[-1].endswith("|1") and all(r.endswith("|0") for r in moved[:-1]), moved
    # When each status began, on both: a status the delivery changed at that import's moment (its own on each
    # side), one it gave again as it was before (empty: held since the report; or a moment set earlier, by a
    # dispatch or an import). A third of the known ids were verified.
    on_file = status_since(plan=plan)
    assert status_since(server=server, url=url) == on_file
    begun = {i for i, since in on_file.items() if since == "import"}
    assert 150 < len(begun) < 200, len(begun)
    kept = {i: "report" if before.get(i, "report") == "report" else "earlier" for i in on_file if i not in begun}
    assert {i: on_file[i] for i in kept} == kept


def status_since(plan=None, server=None, url=None):
    """Since when each case holds its status, by id: 'report' (an empty status_at), 'import' (the moment of the
    import that last wrote the row) or 'earlier' (another moment: a dispatch's, an earlier import's); from the
    GeoPackage `plan` or the server's `url`."""
    sql = ("SELECT external_id, CASE WHEN status_at IS NULL THEN 'report' "
           f"WHEN status_at = imported_at THEN 'import' ELSE 'earlier' END FROM {'cases_with_grids' if plan is not None else 'cases'}")
    if plan is not None:
        with sqlite3.connect(plan) as con:
            return dict(con.execute(sql).fetchall())
    return dict(line.split("|", 1) for line in server_lines(server, url, sql))


def backlog(path, rows):
    """`rows` cases with new ids at the sample's places and times."""
    head, body = sample_rows()
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        for n in range(rows):
            w.writerow([f"B{n:06d}"] + body[(n * 7919) % len(body)][1:])
    return path


def test_a_server_restarted_mid_import_resumes_to_the_full_result(gridplan_binary, gridplan, server, rostered, tmp_path):
    """The server restarts while an import writes to it: the import stops with a message naming the server
    (without its password), what it committed stays, and running it again resumes after the last stored batch
    and ends with exactly what one import into the file gives."""
    source = backlog(tmp_path / "backlog.csv", 40_000)
    plan = clone(rostered[0], tmp_path / "plan.gpkg")
    url = database(server, "restarted")
    gridplan("copy", "--from", plan, "--to", url)
    # The rostered plan is shared: other tests may have imported a few cases (and left a finished checkpoint).
    before = int(server_lines(server, url, "SELECT count(*) FROM cases")[0])
    unfinished = "SELECT coalesce(max(rows_done), 0) FROM internal_import_checkpoints WHERE complete = 0"
    # In the same batches as on the server: a batch's cases are numbered in the order of their places.
    gridplan("cases", "import", source, "--db", plan, "--crs", "gcj02", "--batch-size", "500", "--rejects", tmp_path / "file-rejects.csv")
    process = subprocess.Popen([gridplan_binary, "cases", "import", source, "--db", url, "--crs", "gcj02", "--batch-size", "500",
                                "--rejects", tmp_path / "rejects.csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    done = 0
    for _ in range(600):
        done = int((server_lines(server, url, unfinished) or ["0"])[0])
        if done >= 1000 or process.poll() is not None:
            break
        time.sleep(0.05)
    assert 0 < done < 40_000, done
    subprocess.run([ROOT / "tools" / "pg-cluster", "restart", server[1]], check=True, capture_output=True)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 2, err
    assert url.replace("gridplan:gridplan@", "gridplan@") in err and "gridplan:gridplan@" not in err, err
    assert "run it again when the server is up" in err, err
    stored = int(server_lines(server, url, "SELECT count(*) FROM cases")[0]) - before
    checkpoint = int(server_lines(server, url, unfinished)[0])
    assert stored == checkpoint and stored % 500 == 0 and 1000 <= stored < 40_000, (stored, checkpoint)
    again = gridplan("cases", "import", source, "--db", url, "--crs", "gcj02", "--batch-size", "500", "--rejects", tmp_path / "rejects.csv")
    assert f"resumed after row {checkpoint}" in again.stdout, again.stdout
    assert f"{40_000 - checkpoint} cases added, 0 updated" in again.stdout, again.stdout
    same_plans(gridplan, plan, url, server, ["B000000", "B039999"])


def test_two_importers_at_once_lose_nothing(gridplan_binary, gridplan, server, rostered, tmp_path):
    """Two imports on one server at the same time, one of new cases and one re-delivering the sample's (which
    the server and the file already hold, with a third moved): every case stored once, as the two one after the
    other on the file leave them."""
    head, body = sample_rows()
    plan = clone(rostered[0], tmp_path / "plan.gpkg")
    gridplan("cases", "import", SAMPLE, "--db", plan, "--crs", "gcj02", "--rejects", tmp_path / "r0.csv")
    url = database(server, "together")
    gridplan("copy", "--from", plan, "--to", url)
    fresh = backlog(tmp_path / "fresh.csv", 20_000)
    redelivered = tmp_path / "redelivered.csv"
    with redelivered.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        for n, row in enumerate(body):
            w.writerow(row[:8] + (body[(n * 31) % len(body)][8:10] if n % 3 == 0 else row[8:10]) + row[10:])
    for source in (fresh, redelivered):
        gridplan("cases", "import", source, "--db", plan, "--crs", "gcj02", "--batch-size", "1000", "--rejects", tmp_path / "r1.csv")
    runs = [subprocess.Popen([gridplan_binary, "cases", "import", source, "--db", url, "--crs", "gcj02", "--batch-size", "1000",
                              "--rejects", tmp_path / f"rejects-{n}.csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for n, source in enumerate((fresh, redelivered))]
    outs = [r.communicate(timeout=600) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outs
    assert "20000 cases added, 0 updated" in outs[0][0] and "0 cases added, 5000 updated" in outs[1][0], outs
    # The two importers interleaved their batches on the server, so its cases are numbered in another order.
    on_file, on_server = (gridplan("cases", "query", "--format", "csv", "--db", db).stdout for db in (plan, url))
    assert sorted(on_server.splitlines()) == sorted(on_file.splitlines())
    assert sorted(assignment_rows(server=server, url=url)) == sorted(assignment_rows(plan=plan))
