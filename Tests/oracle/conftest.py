"""Shared fixtures: the gridplan binary under test and helpers to run it."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def gridplan():
    """Returns a function that runs gridplan with arguments and optional stdin."""
    binary = os.environ.get("GRIDPLAN", str(ROOT / ".build" / "debug" / "gridplan"))
    if not Path(binary).exists():
        pytest.fail(f"gridplan binary not found at {binary}: run tools/test, which builds it")

    def run(*args, stdin=None, check=True):
        result = subprocess.run([binary, *map(str, args)], input=stdin, capture_output=True, text=True, cwd=ROOT)
        if check and result.returncode != 0:
            raise AssertionError(f"gridplan {' '.join(map(str, args))} failed ({result.returncode}):\n{result.stderr}")
        return result

    return run


@pytest.fixture(scope="session")
def sample_plan(gridplan, tmp_path_factory):
    """The shipped 赤坎区 sample imported into a GeoPackage, all four levels."""
    db = tmp_path_factory.mktemp("plan") / "chikan.gpkg"
    for level, name in [("street", "streets"), ("community", "communities"), ("area", "areas"), ("unit", "units")]:
        parent = [] if level == "street" else ["--parent-field", "parent"]
        gridplan("import", ROOT / "GeoData" / "chikan" / f"{name}.geojson", "--db", db, "--level", level,
                 "--crs", "cgcs2000", *parent)
    return db
