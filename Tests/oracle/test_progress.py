"""`partition`, `validate` and `balance` show they are alive like the other long jobs: off a terminal, a
plain line on standard error every GRIDPLAN_PROGRESS_SECONDS (here 0: at every step), with the
total and percent; the last line is the whole."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2] / "tools"))
import balance_oracle as oracle  # noqa: E402
from conftest import ROOT  # noqa: E402
from test_partition import CHIKAN, one_community  # noqa: E402


def logged(binary, *args):
    env = dict(os.environ, GRIDPLAN_PROGRESS_SECONDS="0", LANG="C")
    env.pop("LC_ALL", None)
    result = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode in (0, 1), result.stderr
    return result


def figures(stderr, label):
    """(done, total) of each progress line of `label`."""
    found = [re.match(rf"{re.escape(label)}: (\d+)/(\d+) \((\d+) %\)", line) for line in stderr.splitlines() if line.startswith(label)]
    assert all(found), stderr
    for m in found:
        assert int(m[3]) == int(m[1]) * 100 // int(m[2]), m[0]
    return [(int(m[1]), int(m[2])) for m in found]


def test_partition_and_validate_count_parents_and_checks(gridplan, gridplan_binary, tmp_path):
    db = tmp_path / "plan.gpkg"
    gridplan("import", one_community(tmp_path, "440802003001"), "--db", db, "--level", "community", "--crs", "cgcs2000")
    made = logged(gridplan_binary, "partition", "--db", db, "--parent", "440802003001", "--barriers", CHIKAN / "roads.geojson",
                  "--buildings", CHIKAN / "buildings.geojson", "--seed", "4", "--json")
    assert figures(made.stderr, "partitioning, parent grids")[-1] == (1, 1)
    units = json.loads(made.stdout)["grids"]
    checked = logged(gridplan_binary, "validate", "--db", db)
    seen = figures(checked.stderr, "validating")
    # One community and its units: validity, shape and overlaps for each grid, nesting for each
    # unit, gaps for the community.
    grids = 1 + units
    total = 3 * grids + units + 1
    assert seen[-1] == (total, total) and all(t == total for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) >= 2


def test_balance_shows_the_seconds_of_its_time_limit(gridplan, gridplan_binary, tmp_path):
    # Without a radius limit this instance is not proven within 2 s: the search uses its whole limit.
    inst = oracle.make_instance(5, 30, 6, idle=1, uncovered=0)
    db = oracle.write_plan(gridplan, tmp_path, inst)
    run = logged(gridplan_binary, "balance", "--db", db, "--within", "area", oracle.AREA, "--at", "2024-06-01",
                 "--weights", "households=1,cases=0,dedicated=0", "--time-limit", "2", "--json")
    assert json.loads(run.stdout)["seconds"] > 1.5, "the search ended early: pick an instance it cannot prove in 2 s"
    seen = figures(run.stderr, "balancing, seconds of the time limit")
    assert len(seen) >= 2 and all(t == 2 for _, t in seen), run.stderr
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert not re.search(r"/s\b", run.stderr), "no rate for seconds"
