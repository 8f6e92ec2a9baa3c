"""`gridplan coords` against pyproj (PROJ through Python) and prcoords (an independent GCJ-02/BD-09)."""
import numpy as np
import prcoords
import pytest
from pyproj import Transformer

RNG = np.random.default_rng(20261123)


def convert(gridplan, src, dst, xs, ys):
    text = "".join(f"{float(x)!r},{float(y)!r}\n" for x, y in zip(xs, ys))
    out = gridplan("coords", "--from", src, "--to", dst, "--precision", "12", stdin=text).stdout
    rows = [line.split(",") for line in out.strip().splitlines()]
    assert len(rows) == len(xs)
    return np.array([float(r[0]) for r in rows]), np.array([float(r[1]) for r in rows])


@pytest.mark.parametrize("src,dst,area,tolerance", [
    ("EPSG:4490", "EPSG:4546", (108.0, 20.0, 114.0, 26.0), 1e-4),    # CGCS2000 → Gauss–Krüger CM 111E, metres
    ("EPSG:4546", "EPSG:4490", (300000, 2200000, 700000, 2900000), 1e-9),  # and back, degrees
    ("EPSG:4326", "EPSG:3857", (73.0, 18.0, 135.0, 53.0), 1e-4),
    ("EPSG:4326", "EPSG:32635", (22.0, 59.0, 28.0, 61.0), 1e-4),       # Helsinki's UTM zone
    ("EPSG:4490", "EPSG:4326", (73.0, 18.0, 135.0, 53.0), 1e-12),
])
def test_proj_transforms_match_pyproj(gridplan, src, dst, area, tolerance):
    n = 3000
    xs = RNG.uniform(area[0], area[2], n)
    ys = RNG.uniform(area[1], area[3], n)
    gx, gy = convert(gridplan, src, dst, xs, ys)
    px, py = Transformer.from_crs(src, dst, always_xy=True).transform(xs, ys)
    assert np.max(np.abs(gx - px)) < tolerance
    assert np.max(np.abs(gy - py)) < tolerance


def china_points(n):
    return RNG.uniform(73.5, 134.5, n), RNG.uniform(18.5, 53.0, n)


def test_wgs84_to_gcj02_matches_prcoords(gridplan):
    xs, ys = china_points(5000)
    gx, gy = convert(gridplan, "wgs84", "gcj02", xs, ys)
    expected = [prcoords.wgs_gcj(prcoords.Coords(lat, lon)) for lon, lat in zip(xs, ys)]
    assert np.max(np.abs(gx - [c.lon for c in expected])) < 1e-9
    assert np.max(np.abs(gy - [c.lat for c in expected])) < 1e-9


def test_gcj02_inverse_is_exact_by_prcoords_forward(gridplan):
    xs, ys = china_points(5000)
    gcj = [prcoords.wgs_gcj(prcoords.Coords(lat, lon)) for lon, lat in zip(xs, ys)]
    wx, wy = convert(gridplan, "gcj02", "wgs84", [c.lon for c in gcj], [c.lat for c in gcj])
    # Our inverse recovers the original to far better than the required 1e-7 degrees …
    assert np.max(np.abs(wx - xs)) < 1e-8 and np.max(np.abs(wy - ys)) < 1e-8
    # … and agrees with prcoords' own iterative inverse, while the one-step approximation is metres off.
    bored = [prcoords.gcj_wgs_bored(c) for c in gcj]
    assert np.max(np.abs(wx - [c.lon for c in bored])) < 1e-7
    one_step = [prcoords.gcj_wgs(c) for c in gcj]
    assert np.max(np.abs(xs - [c.lon for c in one_step])) > 1e-6


def test_bd09_both_ways_match_prcoords(gridplan):
    xs, ys = china_points(3000)
    bx, by = convert(gridplan, "wgs84", "bd09", xs, ys)
    expected = [prcoords.wgs_bd(prcoords.Coords(lat, lon)) for lon, lat in zip(xs, ys)]
    assert np.max(np.abs(bx - [c.lon for c in expected])) < 1e-9
    assert np.max(np.abs(by - [c.lat for c in expected])) < 1e-9
    wx, wy = convert(gridplan, "bd09", "wgs84", bx, by)
    assert np.max(np.abs(wx - xs)) < 1e-8 and np.max(np.abs(wy - ys)) < 1e-8
    gx, gy = convert(gridplan, "bd09", "gcj02", bx, by)
    gcj = [prcoords.bd_gcj_bored(prcoords.Coords(lat, lon)) for lon, lat in zip(bx, by)]
    assert np.max(np.abs(gx - [c.lon for c in gcj])) < 1e-7


@pytest.mark.filterwarnings("ignore:Non-Chinese coords found")
def test_outside_china_no_offset_like_prcoords(gridplan):
    xs = np.array([24.94, -73.98, 139.69, 151.2])   # Helsinki, New York, Tokyo, Sydney
    ys = np.array([60.17, 40.75, 35.69, -33.87])
    gx, gy = convert(gridplan, "wgs84", "gcj02", xs, ys)
    expected = [prcoords.wgs_gcj(prcoords.Coords(lat, lon)) for lon, lat in zip(xs, ys)]
    assert np.allclose(gx, [c.lon for c in expected], atol=1e-12) and np.allclose(gx, xs, atol=1e-12)
    assert np.allclose(gy, ys, atol=1e-12)


def test_bad_lines_are_reported_with_line_numbers_and_skipped(gridplan):
    result = gridplan("coords", "--from", "wgs84", "--to", "EPSG:3857",
                      stdin="110,21\nhello\n\n111;22\n0,91\n112 23 keep-me\n", check=False)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[1].endswith(" keep-me")
    assert "line 2" in result.stderr and "line 4" in result.stderr and "line 5" in result.stderr
    assert "line 1" not in result.stderr and "line 6" not in result.stderr


def test_unknown_crs_is_a_clear_error(gridplan):
    result = gridplan("coords", "--from", "EPSG:999999", "--to", "wgs84", stdin="1,2\n", check=False)
    assert result.returncode != 0
    assert "EPSG:999999" in result.stderr
