"""Every notebook in Notebooks/ runs top to bottom on plans gridplan writes (nbclient, a real kernel), and none is
committed with outputs.

The notebooks carry their own checks (GeoPandas and shapely against the engine's measures, assignments, redraw
report and who-covers answers), so a run that ends without an error means those checks held. Each run makes its
plan files afresh with the binary under test (GRIDPLAN_OUT is a temporary folder shared by the notebooks of one
run); figures go to out/notebooks/ as PNG for a person to look at, and each executed notebook is kept there too.
"""
import re
import time

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "Notebooks").glob("*.ipynb"))
FIGURES = ROOT / "out" / "notebooks"


@pytest.fixture(scope="module")
def notebook_plans(tmp_path_factory):
    """Where the notebooks of this run make and share their plan files (the sample plan is made once)."""
    return tmp_path_factory.mktemp("notebook-plans")


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4, f"Notebooks/ holds {len(NOTEBOOKS)} notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    with_outputs = [i for i, c in enumerate(notebook.cells)
                    if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not with_outputs, f"{path.name}: cells {with_outputs} carry outputs; strip them (jupyter nbconvert --clear-output)"
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "%matplotlib inline" in code and 'use("Agg")' not in code, f"{path.name}: figures must show inline"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, gridplan_binary, notebook_plans, monkeypatch):
    monkeypatch.delenv("GRIDPLAN_DB", raising=False)
    monkeypatch.delenv("GRIDPLAN_NB_LOAD", raising=False)
    monkeypatch.setenv("GRIDPLAN", gridplan_binary)
    monkeypatch.setenv("GRIDPLAN_ROOT", str(ROOT))
    monkeypatch.setenv("GRIDPLAN_OUT", str(notebook_plans))
    monkeypatch.setenv("GRIDPLAN_FIGURES", str(FIGURES))
    notebook = nbformat.read(path, as_version=4)
    started = time.time()
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "Notebooks")}})
    try:
        client.execute()
    finally:
        FIGURES.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, FIGURES / path.name)
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    text = "".join(o.get("text", "") for o in outputs)
    inline = sum("image/png" in o.get("data", {}) for o in outputs)
    saved = re.findall(r"^saved (\S+\.png)$", text, flags=re.M)
    assert saved, f"{path.name} saved no figure"
    assert inline >= len(saved), f"{path.name}: {len(saved)} figures saved but {inline} shown inline"
    for name in saved:
        png = FIGURES / name.rsplit("/", 1)[-1]
        assert png.exists() and png.stat().st_mtime >= started - 1, f"{png} was not written by this run"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
