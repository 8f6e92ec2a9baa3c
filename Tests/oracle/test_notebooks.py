"""Every notebook in Notebooks/ runs top to bottom on a plan gridplan wrote (nbclient, a real kernel).

The notebooks carry their own checks (GeoPandas areas against `gridplan stats`), so a run that ends
without an error means those checks held.
"""
import os

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "Notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def plan_with_cases(gridplan, sample_plan, tmp_path_factory):
    work = tmp_path_factory.mktemp("notebook-plan")
    db = work / "plan.gpkg"
    db.write_bytes(sample_plan.read_bytes())
    gridplan("codes", "--db", db)
    gridplan("validate", "--db", db, check=False)
    rng = np.random.default_rng(11)
    xs, ys = rng.uniform(110.36, 110.42, 3000), rng.uniform(21.22, 21.30, 3000)
    cases = work / "cases.csv"
    cases.write_text("id,lon,lat,reported_at,category\n" + "".join(
        f"N{i},{x:.7f},{y:.7f},2024-03-01 09:00:00,0101\n" for i, (x, y) in enumerate(zip(xs, ys))))
    gridplan("cases", "import", cases, "--db", db, "--crs", "cgcs2000", "--rejects", work / "rejects.csv")
    return db


def test_there_are_notebooks():
    assert NOTEBOOKS, "Notebooks/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, plan_with_cases, tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDPLAN_DB", str(plan_with_cases))
    monkeypatch.setenv("GRIDPLAN_ROOT", str(ROOT))
    monkeypatch.setenv("GRIDPLAN_FIGURES", str(tmp_path))
    monkeypatch.setenv("GRIDPLAN", os.environ.get("GRIDPLAN", str(ROOT / ".build" / "debug" / "gridplan")))
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "Notebooks")}}).execute()
    outputs = "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", []))
    assert "largest relative difference" in outputs
    assert list(tmp_path.glob("*.png")), "the notebook drew no figure"
