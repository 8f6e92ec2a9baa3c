#!/bin/sh
# Writes a Swift source holding Leaflet's files (base64), for the web map of `gridplan serve`.
#   embed-leaflet.sh FOLDER OUTPUT FILE...     (run by the EmbedLeaflet build-tool plugin)
set -eu
folder="$1"; out="$2"; shift 2
for f in "$@"; do
  if [ ! -r "$folder/$f" ]; then
    echo "error: Leaflet file $folder/$f is missing: install Debian's libjs-leaflet (apt-get install libjs-leaflet, or tools/setup)" >&2
    exit 1
  fi
done
# The version Leaflet itself declares (Debian's 1.7.1~dfsg-7 ships files that say 1.6.0).
version=$(sed -n 's/^ *var version = "\([0-9.]*\)".*/\1/p' "$folder/leaflet.js" 2>/dev/null | head -n 1 || true)
{
  echo "// Generated at build time by Plugins/EmbedLeaflet from $folder (Debian libjs-leaflet): do not edit."
  echo "/// Leaflet's files as the web map serves them under /assets/leaflet/ (BSD-2-Clause, Vladimir Agafonkin)."
  echo "enum LeafletAssets {"
  echo "    static let version = \"$version\""
  echo "    /// Path under /assets/leaflet/ → base64 of the file."
  echo "    static let base64: [String: String] = ["
  for f in "$@"; do
    printf '        "%s": "' "$f"
    base64 -w 0 "$folder/$f"
    printf '",\n'
  done
  echo "    ]"
  echo "}"
} > "$out.tmp"
mv "$out.tmp" "$out"
