#!/usr/bin/env bash
# Cross-checks reach against independent Python oracles. This script only picks the reach binary and the Python of
# tools/python-env.sh and runs `python -m reachtools.crosscheck`: the table of cases is
# tools/reachtools/crosscheck_cases.py (each case: its inputs, the reach command, the checker, what data it needs),
# the driving is tools/reachtools/crosscheck.py, and the mechanics are in tools/reachtools/ (runner.py runs reach
# into a case folder and keeps its exit status and stderr, checking.py counts the checks, report.py prints the total).
#
# `reach wards` against geopandas (tools/crosscheck/wards.py) on Trafford's 21 wards of 2017 and Maldon's 17 of 2013
# (both bundled in fixtures/; Maldon holds the real repair case, E05004205) and, from ../shared/data, all-England
# wards (326 files, 7,681): exit status, count, order, pass-through properties, area_km2 in EPSG:27700, validity,
# written-geometry area, RFC 7946 winding and precision, reach_warning. Then `reach distance` and `reach nearest`
# against geopandas and networkx (distance.py), `reach coverage` and `reach gaps` against geopandas (coverage.py),
# `reach departures` against gtfs-kit (departures.py: per stop in a window; and the hourly table, --week on a
# Monday-Sunday week of the Chester, Newport bus and rail feeds, fixtures/gtfs/hand and the hand-made probe feed,
# every date, stop and hour in all and by route class, the 'no trip runs' notes, each date's hours summed against
# --window 00:00-24:00, --hourly --date on a Tuesday and on a Sunday the rail feed does not run), `reach score`
# against numpy/scipy (scoring.py: a hand example and three studies on a synthetic table of the 7,681 wards),
# `reach broadband` against pandas/geopandas with exact
# fractions (broadband.py: a hand-made case, Trafford with the real Ofcom 2016 files, the made-up output-area
# fixture, a national sample of the 2022 layout), `reach pt` against a time-expanded brute force (raptor.py: Newport
# bus + rail with 50 seeded origins, departures 07:00-10:00 and, with --arrive-by, deadlines 08:30-09:00 by the
# same graph reversed; the oracle's self-test on the fixtures/raptor README queries and its arrive-by case worked
# by hand run first), and
# `reach run` scenarios (docs/scenarios.md) against those oracles on feeds edited with pandas (scenarios.py: one
# study on the Newport feeds with four scenarios, remove_routes, frequency, add_route and feed + date: every
# __{name}, _change and gain/loss column, the stderr summary, schema.json, and each written scenario_*.zip read by
# gtfs-kit, validated and compared trip by trip with the pandas edit), and `reach run`'s [equity] and [left_behind]
# tables (docs/equity.md) against numpy/pandas/geopandas and PySAL's `inequality` (equity.py: the bundled Trafford
# study copied with absolute paths; every figure of equity.csv, the origins layer's per-origin distances, wards.csv's
# area_km2, origins_count/_weight, equity_class and left_behind columns, the --progress json summary; the oracle's
# hand example first), and `reach run`'s [service_profile] table (docs/transit.md) against gtfs-kit/pandas/numpy/
# scipy (service_profile.py: fixtures/newport/service_profile.toml copied with absolute paths; every row of
# service_profile.csv, 21 wards x 7 days x 24 hours, and every [service_profile] column of wards.csv; the oracle's
# self-test on fixtures/gtfs/hand first), and `reach distance`'s floating catchments, supply-weighted opportunities,
# road distance and 2nd/3rd nearest against PySAL's access, scipy and networkx (catchment.py: Trafford straight line,
# Rutland walk and car; docs/access.md).
#
# Inputs bundled in fixtures/ (Trafford's wards, output areas, services and stops; Maldon's wards; the hand-made
# cases) are always read from there: such a case never skips (a missing fixture is a failure). A case that needs
# ../shared/data skips with the missing file named when it is absent, and with CI=true that skip is a failure.
# Oracle self-checks (the oracle against hand-worked numbers or a brute force) run and can fail the run, but are
# not counted as reach checks. Builds debug reach if .build/debug/reach is missing (or uses REACH_BIN).
# Last line: 'N passed, M failed' over all eleven checkers (CI reads it); exit status 1 when anything failed.
# Run from the repo root:  tools/crosscheck/run.sh
# Env: REACH_BIN=path/to/reach, REACH_DATA=../shared/data, CROSSCHECK_TMP=/tmp/reach-crosscheck, CI=true,
#      CROSSCHECK_ONLY=transit (only coverage.py and departures.py: about a minute, half of it the hourly cases),
#      CROSSCHECK_ONLY=scoring (only scoring.py), CROSSCHECK_ONLY=broadband (only broadband.py),
#      CROSSCHECK_ONLY=pt (only raptor.py: about 2 minutes),
#      CROSSCHECK_ONLY=scenarios (only scenarios.py: about 4 minutes),
#      CROSSCHECK_ONLY=equity (only equity.py: about 5 seconds),
#      CROSSCHECK_ONLY=service_profile (only service_profile.py: about 15 seconds),
#      CROSSCHECK_ONLY=catchment (only catchment.py: about a minute)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [[ -n "${REACH_BIN:-}" ]]; then
    REACH=$REACH_BIN
else
    REACH=.build/debug/reach
    if [[ ! -x "$REACH" ]]; then
        echo "crosscheck: $REACH missing; swift build --product reach" >&2
        swift build --product reach >&2
    fi
fi
[[ -x "$REACH" ]] || { echo "crosscheck: reach binary $REACH not found or not executable" >&2; exit 1; }

PY=$(tools/python-env.sh)
export PYTHONPATH="$PWD/tools${PYTHONPATH:+:$PYTHONPATH}" # tools/reachtools
exec "$PY" -m reachtools.crosscheck --reach "$REACH"
