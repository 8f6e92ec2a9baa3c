"""What the notebooks in this folder share: finding the gridplan binary, running it, and making the plan files
they read (in out/notebooks/) with gridplan itself when they are missing.

Every plan file is made by the engine from the shipped sample (GeoData/chikan), never by Python: the notebooks
read what gridplan wrote, as a planner would, and check it with GeoPandas and shapely.

Environment:
  GRIDPLAN          the gridplan binary (else `gridplan` on PATH, else .build/release or .build/debug)
  GRIDPLAN_ROOT     the repository (default: the folder above this file)
  GRIDPLAN_OUT      where plan files go (default: out/notebooks); delete a file there to have it made again
  GRIDPLAN_FIGURES  where figures go as PNG (default: the same folder)
"""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("GRIDPLAN_ROOT", Path(__file__).resolve().parent.parent))
SAMPLE = ROOT / "GeoData" / "chikan"
OUT = Path(os.environ.get("GRIDPLAN_OUT", ROOT / "out" / "notebooks"))
FIGURES = Path(os.environ.get("GRIDPLAN_FIGURES", OUT))
LEVELS = {1: "street", 2: "community", 3: "area", 4: "unit"}
#: The metric CRS of the sample: CGCS2000 3-degree Gauss–Krüger zone 37 (central meridian 111°E).
METRIC = "EPSG:4546"
#: The first day of the sample plan; the roster and the backlog start then too.
PLAN_DAY = "2024-01-01"
#: The street partitioned afresh (中华街道) and the streets whose units are redrawn (中华街道, 民主街道).
PARTITION_STREET = "440802001"
REDRAW_STREETS = ["440802001", "440802003"]


def binary():
    """The gridplan binary: $GRIDPLAN, else on PATH, else the package's own build (release first)."""
    candidates = [os.environ.get("GRIDPLAN"), shutil.which("gridplan"),
                  ROOT / ".build" / "release" / "gridplan", ROOT / ".build" / "debug" / "gridplan"]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return str(c)
    raise FileNotFoundError("gridplan binary not found: set GRIDPLAN, put gridplan on PATH, or build (swift build)")


def run(*args, ok=(0,), quiet=False):
    """Runs gridplan with the arguments (paths are fine) from the repository root and returns its stdout.

    An exit status outside `ok` raises with gridplan's own message, so a failed step stops the notebook."""
    command = [binary(), *map(str, args)]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode not in ok:
        raise RuntimeError(f"gridplan {' '.join(map(str, args))} exited {result.returncode}:\n{result.stderr}{result.stdout[-2000:]}")
    if not quiet:
        print(f"$ gridplan {' '.join(_short(a) for a in args)}   ({time.monotonic() - started:.1f} s, exit {result.returncode})")
    return result.stdout


def run_json(*args, ok=(0,)):
    """Runs gridplan with --json among the arguments and parses what it prints."""
    return json.loads(run(*args, ok=ok))


def _short(arg):
    text = str(arg)
    return text.replace(str(ROOT) + "/", "") if isinstance(arg, Path) or text.startswith(str(ROOT)) else text


def _made(path, make):
    """Returns `path`, making it first with `make(tmp)` when missing; a file half made is never left as `path`."""
    path = Path(path)
    if path.exists():
        print(f"using {_short(path)} (delete it to have it made again)")
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".partial" + path.suffix)
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    make(tmp)
    run("versions", "--db", tmp, quiet=True)   # opens and closes the file, so the WAL is checkpointed
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    tmp.replace(path)
    return path


def copy_plan(source, name):
    """A fresh copy of a plan file under OUT, for a notebook that changes it (a redraw, a roster)."""
    target = OUT / name
    for p in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def sample_plan():
    """out/notebooks/chikan.gpkg: the four levels of the 赤坎区 sample imported and coded (county 440802)."""
    def make(db):
        for level, name in [("street", "streets"), ("community", "communities"), ("area", "areas"), ("unit", "units")]:
            parent = [] if level == "street" else ["--parent-field", "parent"]
            run("import", SAMPLE / f"{name}.geojson", "--db", db, "--level", level, "--crs", "cgcs2000",
                "--valid-from", PLAN_DAY, *parent)
        run("codes", "--db", db, "--county", "440802")
    return _made(OUT / "chikan.gpkg", make)


def plan_with_cases():
    """out/notebooks/chikan-cases.gpkg: the sample plan with the 2024 backlog (GeoData/chikan/cases_2024.csv) stored."""
    def make(db):
        shutil.copyfile(sample_plan(), db)
        run("cases", "import", SAMPLE / "cases_2024.csv", "--db", db, "--crs", "cgcs2000",
            "--rejects", OUT / "cases_2024.rejects.csv")
    return _made(OUT / "chikan-cases.gpkg", make)


def partition_plan(street=PARTITION_STREET):
    """out/notebooks/chikan-partition-STREET.gpkg: one street of the sample and its communities, every community cut
    into unit grids along the sample roads by `gridplan partition` (as tools/demo does for the whole county), then
    validated. One street keeps it to seconds; tools/demo's out/chikan-partition.gpkg is the whole county."""
    def make(db):
        import geopandas as gpd
        for level, name, column in [("street", "streets", "code"), ("community", "communities", "parent")]:
            layer = gpd.read_file(SAMPLE / f"{name}.geojson")
            part = OUT / f"{name}-{street}.geojson"
            part.unlink(missing_ok=True)
            layer[layer[column] == street].to_file(part, driver="GeoJSON")
            parent = [] if level == "street" else ["--parent-field", "parent"]
            run("import", part, "--db", db, "--level", level, "--crs", "cgcs2000", "--valid-from", PLAN_DAY, *parent)
        run("partition", "--db", db, "--level", "community", "--barriers", SAMPLE / "roads.geojson",
            "--buildings", SAMPLE / "buildings.geojson", "--seed", "1")
        run("validate", "--db", db, ok=(0, 1))
    return _made(OUT / f"chikan-partition-{street}.gpkg", make)


def redrawn_plan():
    """out/notebooks/chikan-redrawn.gpkg: the plan with cases after `partition --parent STREET --redraw` for each of
    REDRAW_STREETS and `cases reassign`; the redraw reports (--json) are kept beside it as chikan-redrawn.json."""
    reports = OUT / "chikan-redrawn.json"

    def make(db):
        shutil.copyfile(plan_with_cases(), db)
        answers = [run_json("partition", "--db", db, "--parent", street, "--redraw", "--barriers", SAMPLE / "roads.geojson",
                            "--buildings", SAMPLE / "buildings.geojson", "--json") for street in REDRAW_STREETS]
        run("cases", "reassign", "--db", db)
        reports.write_text(json.dumps(answers, ensure_ascii=False, indent=1))
    if not reports.exists():
        (OUT / "chikan-redrawn.gpkg").unlink(missing_ok=True)
    return _made(OUT / "chikan-redrawn.gpkg", make), json.loads(reports.read_text())


def roster(db, name="roster.csv"):
    """Writes the generated roster of 中华街道 (tools/sample_roster.py, as tools/demo does) for the plan's unit grids
    and returns the CSV's path; `gridplan people import` reads it."""
    units = OUT / "units-for-roster.geojson"
    run("export", "--db", db, "--level", "unit", "--format", "geojson", "--out", units, quiet=True)
    path = OUT / name
    subprocess.run([sys.executable, str(ROOT / "tools" / "sample_roster.py"), str(units), str(path)], check=True,
                   capture_output=True)
    return path


def _chinese_font():
    """Grid and people names are Chinese: use a CJK font when the machine has one (tools/setup installs
    fonts-wqy-microhei), so the figures show them rather than empty boxes."""
    import matplotlib
    from matplotlib import font_manager
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout.split()
        path = sorted(p.rstrip(":") for p in listed)[0] if listed else ""
    except OSError:
        path = ""
    if path and Path(path).exists():
        font_manager.fontManager.addfont(path)
        name = font_manager.FontProperties(fname=path).get_name()
        if "DejaVu" not in name:
            matplotlib.rcParams["font.sans-serif"] = [name, *matplotlib.rcParams["font.sans-serif"]]
            return
    print("no CJK font found (apt-get install fonts-wqy-microhei): Chinese names show as boxes")


_chinese_font()


def figure_path(name):
    FIGURES.mkdir(parents=True, exist_ok=True)
    return FIGURES / f"{name}.png"


def show(fig, name):
    """Saves the figure as FIGURES/name.png for a person to look at, then shows it inline."""
    import matplotlib.pyplot as plt
    path = figure_path(name)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    print(f"saved {_short(path)}")
    plt.show()
