"""GDAL is loaded when a command first needs it, not at every start: questions that never read a foreign
format (who-covers, cases query, summary) do not pay for its hundred shared libraries. Checked with the
dynamic loader's own account of what it loaded (LD_DEBUG=files), not with gridplan's word for it."""
import os
import subprocess

from conftest import ROOT


def loaded_libraries(binary, *args):
    env = dict(os.environ, LD_DEBUG="files")
    result = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return {line.split("file=")[1].split()[0] for line in result.stderr.splitlines() if "file=" in line}


def test_questions_do_not_load_gdal(gridplan_binary, rostered):
    db = rostered[0] if isinstance(rostered, tuple) else rostered
    for args in (["who-covers", "--db", db, "--lon", "110.37", "--lat", "21.265", "--json"],
                 ["summary", "--db", db], ["cases", "query", "--db", db, "--near", "110.37,21.265", "--nearest", "1"]):
        libraries = loaded_libraries(gridplan_binary, *args)
        assert libraries and not any("libgdal" in name for name in libraries), (args, sorted(libraries))


def test_reading_a_foreign_format_loads_gdal_on_first_use(gridplan_binary, tmp_path):
    libraries = loaded_libraries(gridplan_binary, "import", ROOT / "GeoData" / "chikan" / "streets.geojson",
                                 "--db", tmp_path / "p.gpkg", "--level", "street")
    assert any("libgdal" in name for name in libraries), sorted(libraries)
    assert (tmp_path / "p.gpkg").exists()
