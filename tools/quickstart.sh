#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the main job on the bundled fixtures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tools/install-deps.sh
swift build --product reach
.build/debug/reach run fixtures/trafford/study.toml
echo "quickstart: the map is out/trafford/map.html (open it in any browser; it needs no network)." \
    "Open out/trafford/wards.geojson in QGIS, out/trafford/wards.csv in a spreadsheet;" \
    "out/trafford/schema.json says what every column means" >&2
