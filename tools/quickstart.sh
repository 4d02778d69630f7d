#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the main job on the bundled fixtures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tools/install-deps.sh
swift build --product reach
mkdir -p out
.build/debug/reach wards --wards fixtures/trafford/wards_2017.geojson --out out/trafford-wards.geojson
echo "quickstart: open out/trafford-wards.geojson in QGIS or any web map" >&2
