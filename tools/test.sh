#!/usr/bin/env bash
# The README's test command (and CI's): install what is missing, run the Swift test suite, run the bundled
# study and check that GDAL and headless Chromium read its outputs (tools/check-outputs.sh) and that it loads into a
# PostGIS the script starts itself (tools/check-postgis.sh), then the
# cross-checks against geopandas (tools/crosscheck), which need ../shared/data and PyPI for their peers, and last
# the readers' fuzzers (tools/fuzz.sh, 60 s per reader).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tools/install-deps.sh
swift build --build-tests
swift test --skip-build 2>&1 | tee /tmp/reach-swift-test.log
.build/debug/reach run fixtures/trafford/study.toml --quiet
tools/check-outputs.sh out/trafford
tools/check-postgis.sh out/trafford
tools/check-leaks.sh
tools/crosscheck/run.sh
# libFuzzer on every reader for 60 s each (two at a time); a crash fails the suite (tools/fuzz.sh).
tools/fuzz.sh "${FUZZ_SECONDS:-60}"
