"""`gridplan serve --db postgresql://…` on a plan copied to a real PostgreSQL 15 + PostGIS server (started by
this module on a private port), next to `gridplan serve` of the GeoPackage it was copied from: every read route
answers the same, the write routes (case intake, transitions, dispatch, duties) leave the same rows, and many
who-covers questions at once get the file's answers."""
import concurrent.futures
import json
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, assignment_rows, clone, database, free_port, start_server

TOKEN = "hotline-0123456789abcdef"
CASES = ROOT / "GeoData" / "chikan" / "cases_2024.csv"


@pytest.fixture(scope="module")
def served(gridplan, gridplan_binary, server, rostered, tmp_path_factory):
    """The rostered sample with its gazetteer and the sample's cases, served from the file and from its copy
    on the server by two `gridplan serve` processes."""
    folder = tmp_path_factory.mktemp("postgis-serve")
    plan = clone(rostered[0], folder / "plan.gpkg")
    gridplan("gazetteer", "import", "--defaults", "--db", plan)
    imported = gridplan("cases", "import", CASES, "--db", plan, "--crs", "gcj02", "--rejects", folder / "rejects.csv", check=False)
    assert imported.returncode in (0, 1), imported.stderr
    url = database(server, "served")
    gridplan("copy", "--from", plan, "--to", url)
    tokens = folder / "tokens"
    tokens.write_text(f"{TOKEN} 热线平台\n")
    on_file, file_process = start_server(gridplan_binary, plan, "--token-file", tokens)
    on_server, server_process = start_server(gridplan_binary, url, "--token-file", tokens)
    yield {"file": on_file, "server": on_server, "plan": plan, "url": url, "polygons": rostered[1], "codes": rostered[2]}
    for p in (file_process, server_process):
        p.kill()
        p.wait(10)


def fetch(base, path, body=None):
    """(status, parsed JSON) of a GET, or of a POST with the write token when `body` is given."""
    request = urllib.request.Request(base + path.lstrip("/"))
    if body is not None:
        request = urllib.request.Request(base + path.lstrip("/"), data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def alike(served, path, body=None):
    """The answers of both servers to one request, the server's own address and the plan's name taken out."""
    answers = []
    for side in ("file", "server"):
        status, answer = fetch(served[side], path, body)
        text = json.dumps(answer, ensure_ascii=False, sort_keys=True).replace(served[side], "BASE/")
        answers.append((status, json.loads(text)))
    return answers


def test_read_routes_answer_alike(served):
    polygons, codes = served["polygons"], served["codes"]
    points = [p.representative_point() for p in polygons[::9]]
    box = "110.36,21.25,110.40,21.28"
    paths = ["/api/grids?level=unit", "/api/grids?level=community", "/api/grids?level=street", f"/api/grids?level=unit&bbox={box}",
             "/api/map/case-counts?level=unit", "/api/map/case-counts?level=community",
             "/api/stats?level=unit", "/api/stats?level=area&from=2024-03-01&to=2024-06-01",
             f"/api/grids/{codes[0]}?at=2024-07-01", f"/api/grids/{codes[-1]}?at=2024-07-01", "/api/grids/NOPE",
             f"/api/cases?bbox={box}&limit=50", "/api/cases?near=110.37,21.265&nearest=7",
             "/api/cases?near=110.37,21.265&radius=300&status=closed", f"/api/cases?grid={codes[3]}&limit=20",
             "/ogc/collections", "/ogc/collections/cases/items?limit=10&bbox=110.36,21.25,110.38,21.27",
             "/ogc/collections/unit/items?limit=5&offset=3", "/ogc/collections/cases/items/17",
             "/api/who-covers?address=" + urllib.parse.quote("湛江市赤坎区中华街道") + "&at=2024-07-01",
             "/api/who-covers?lon=110.2&lat=21.0", "/api/who-covers?lon=east&lat=21.0"]
    paths += [f"/api/who-covers?lon={p.x!r}&lat={p.y!r}&at=2024-07-01&k=3" for p in points]
    for path in paths:
        (file_status, on_file), (server_status, on_server) = alike(served, path)
        assert file_status == server_status, (path, on_file, on_server)
        assert on_file == on_server, path
    (_, plan_file), (_, plan_server) = alike(served, "/api/plan")
    assert {k: v for k, v in plan_file.items() if k != "plan"} == {k: v for k, v in plan_server.items() if k != "plan"}
    assert plan_server["plan"] == served["url"].replace("gridplan:gridplan@", "gridplan@")
    assert plan_file["grids"]["unit"] == len(polygons)


def test_case_clusters_alike(served):
    """The map's clusters: the same cells with the same counts and mean positions (the two databases sum in
    their own order, so positions agree to a nanodegree)."""
    for query in ["bbox=110.30,21.20,110.45,21.30&cell=0.002", "bbox=110.36,21.25,110.40,21.28&cell=0.0005&status=closed"]:
        (s1, on_file), (s2, on_server) = alike(served, "/api/map/cases?" + query)
        assert s1 == s2 == 200 and on_file["total"] == on_server["total"] > 0
        key = lambda c: (round(c["lon"], 6), round(c["lat"], 6), c["n"])
        for a, b in zip(sorted(on_file["clusters"], key=key), sorted(on_server["clusters"], key=key)):
            assert a["n"] == b["n"] and abs(a["lon"] - b["lon"]) < 1e-9 and abs(a["lat"] - b["lat"]) < 1e-9, (a, b)
            assert a.get("id") == b.get("id")


def test_write_routes_leave_the_same_rows(gridplan, served, server):
    polygons, codes = served["polygons"], served["codes"]
    inside = polygons[4].representative_point()
    posts = [("/api/cases", {"id": "HL-PG-1", "lon": inside.x, "lat": inside.y, "category": "0101", "severity": "ordinary",
                             "reported_at": "2024-12-30 08:00:00"}),
             ("/api/cases", {"id": "HL-PG-1", "lon": inside.x, "lat": inside.y, "category": "0101", "severity": "ordinary",
                             "reported_at": "2024-12-30 08:00:00"}),
             ("/api/cases", {"id": "HL-PG-2", "address": "赤坎区中华街道中华社区附近", "severity": "重要",
                             "reported_at": "2024-12-30 09:00:00"}),
             ("/api/cases", {"id": "x'); DROP TABLE cases;--", "lon": 110.37, "lat": 21.265, "reported_at": "2024-12-30 10:00:00"}),
             ("/api/cases", {"id": "HL-PG-3", "lon": 110.2, "lat": 21.0, "reported_at": "2024-12-30 11:00:00"}),
             ("/api/cases/HL-PG-1/transitions", {"to": "handled", "actor": "G4", "note": "已处理", "at": "2024-12-30 12:00:00"}),
             ("/api/cases/HL-PG-1/transitions", {"to": "reported", "actor": "G4"}),
             ("/api/cases/HL-PG-3/dispatch", {}),
             ("/api/duties", {"person": "G5", "grid": codes[-1], "role": "backup", "from": "2024-12-01", "note": "代班"}),
             ("/api/duties/end", {"person": "G5", "grid": codes[-1], "on": "2024-12-31"})]
    for path, body in posts:
        (s1, on_file), (s2, on_server) = alike(served, path, body)
        assert s1 == s2, (path, on_file, on_server)
        on_file.pop("at", None), on_server.pop("at", None)
        assert on_file == on_server, (path, on_file, on_server)
    on_file, on_server = (gridplan("cases", "query", "--format", "csv", "--db", db).stdout for db in (served["plan"], served["url"]))
    assert on_file == on_server and "HL-PG-2" in on_server and "DROP TABLE" in on_server
    assert sorted(assignment_rows(plan=served["plan"])) == sorted(assignment_rows(server=server, url=served["url"]))
    (_, on_file), (_, on_server) = alike(served, f"/api/grids/{codes[-1]}?at=2024-12-15")
    assert on_file == on_server and "G5" in json.dumps(on_server), on_server


def test_many_questions_at_once_get_the_files_answers(served):
    polygons = served["polygons"]
    paths = [f"/api/who-covers?lon={p.representative_point().x!r}&lat={p.representative_point().y!r}&at=2024-07-01"
             for p in polygons] * 3
    expected = {path: fetch(served["file"], path) for path in set(paths)}
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda path: (path, fetch(served["server"], path)), paths))
    assert len(answers) == len(paths)
    for path, answer in answers:
        assert answer == expected[path], path


def test_a_wrong_password_stops_serve_before_it_listens(gridplan, server, served):
    wrong = served["url"].replace("gridplan:gridplan@", "gridplan:s3cret@")
    result = gridplan("serve", "--db", wrong, "--port", "0", check=False)
    assert result.returncode == 2 and result.stdout == "", result
    assert "password authentication failed" in result.stderr and "s3cret" not in result.stderr
    assert served["url"].replace("gridplan:gridplan@", "gridplan@") in result.stderr, result.stderr


def test_two_nodes_reads_from_the_replica_writes_to_the_primary(gridplan, gridplan_binary, served, tmp_path):
    """A primary and its streaming replica (two clusters on private ports, `tools/pg-cluster replica`):
    `serve --db PRIMARY --read-from REPLICA` answers as the file's serve; a case written through it reaches the
    replica's answers; with the primary stopped it still answers questions (they come from the replica) and
    refuses writes naming the primary; with the primary back, writes work again without restarting serve."""
    folders = [Path(tempfile.mkdtemp(prefix="gridplan-pg-")) for _ in range(2)]
    ports = [free_port(), free_port()]
    cluster = ROOT / "tools" / "pg-cluster"
    process = None
    try:
        primary = subprocess.run([cluster, "start", folders[0], str(ports[0])], capture_output=True, text=True, check=True).stdout.strip()
        gridplan("copy", "--from", served["plan"], "--to", primary)
        replica = subprocess.run([cluster, "replica", folders[0], folders[1], str(ports[1])],
                                 capture_output=True, text=True, check=True).stdout.strip()
        tokens = tmp_path / "tokens"
        tokens.write_text(f"{TOKEN} 热线平台\n")
        base, process = start_server(gridplan_binary, primary, "--read-from", replica, "--token-file", tokens)
        points = [p.representative_point() for p in served["polygons"][::15]]
        questions = [f"/api/who-covers?lon={p.x!r}&lat={p.y!r}&at=2024-07-01" for p in points]
        for path in questions:
            assert fetch(base, path) == fetch(served["file"], path), path

        def written_and_replicated(case_id, point):
            status, answer = fetch(base, "/api/cases", {"id": case_id, "lon": point.x, "lat": point.y, "reported_at": "2024-12-30 08:00:00"})
            assert status == 201 and answer["created"], answer
            for _ in range(300):
                # (Other modules put cases at the same points of the shared rostered plan: look among the nearest.)
                _, found = fetch(base, f"/api/cases?near={point.x!r},{point.y!r}&nearest=20")
                if case_id in [f["properties"]["id"] for f in found["features"]]:
                    return
                time.sleep(0.1)
            pytest.fail(f"{case_id} never reached the replica's answers")

        written_and_replicated("HL-REP-1", points[0])
        subprocess.run([cluster, "stop", folders[0]], check=True, capture_output=True)
        for path in questions:
            assert fetch(base, path) == fetch(served["file"], path), path
        status, refused = fetch(base, "/api/cases", {"id": "HL-REP-X", "lon": points[1].x, "lat": points[1].y})
        assert status >= 500 and f"127.0.0.1:{ports[0]}" in refused["error"] and ":gridplan@" not in refused["error"], refused
        subprocess.run([cluster, "restart", folders[0]], check=True, capture_output=True)
        written_and_replicated("HL-REP-2", points[2])
    finally:
        if process is not None:
            process.kill()
            process.wait(10)
        for folder in reversed(folders):
            subprocess.run([cluster, "stop", folder], capture_output=True)
            shutil.rmtree(folder, ignore_errors=True)
