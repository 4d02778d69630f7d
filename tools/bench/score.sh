#!/usr/bin/env bash
# Benchmarks `reach score` (docs/scoring.md) on all 7,681 English wards of 2013 against the numpy/scipy
# implementation of the same spec (tools/bench/score_peers.py scipy = tools/crosscheck/scoring_oracle.py: rankdata,
# ndtri, vectorised Monte Carlo). Study: tools/crosscheck/studies/rank_exp_reweight.toml (rank -> normal,
# exponential domains, missing values reweighted, ranks within local authorities, 1,000 Monte Carlo draws, leave
# one out; 9 indicators in 3 domains). Table: tools/crosscheck/make_ward_table.py's synthetic indicators for the
# real ward codes (fixed seed, 2 % missing), generated once and cached in BENCH_TMP.
# Each tool runs under /usr/bin/time -v (REACH_RUNS, default 3; PEER_RUNS, default 1); the bench prints median wall
# seconds, peak RSS, each tool's `timings:` steps and the ratio, checks the goal (reach median < 2 s), then
# compares the two outputs with tools/crosscheck/scoring.py's checks (floats to 1e-9, ranks identical): exit 1 if
# they disagree (a missed goal is reported, not an error).
# Builds reach in release (`swift build -c release --product reach`, a no-op when up to date) unless REACH_BIN is
# set or SKIP_BUILD=1. Run from the repo root:  tools/bench/score.sh
# Env: REACH_BIN=path/to/reach, REACH_RUNS=3, PEER_RUNS=1, SEED=20190926, STUDY=path/to/study.toml,
#      REACH_DATA=../shared/data, BENCH_TMP=/tmp/reach-bench-score, GOAL=2 (seconds)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
WARDS="$DATA/uk-geojson/wards_by_lad"
REACH_RUNS=${REACH_RUNS:-3}
PEER_RUNS=${PEER_RUNS:-1}
SEED=${SEED:-20190926}
STUDY=${STUDY:-tools/crosscheck/studies/rank_exp_reweight.toml}
TMP=${BENCH_TMP:-/tmp/reach-bench-score}
GOAL=${GOAL:-2}

[[ -f "$STUDY" ]] || { echo "bench/score: study $STUDY not found" >&2; exit 1; }

BENCH_TAG=bench/score
. tools/bench/lib.sh
bench_require_wards "$WARDS"
bench_require_time
bench_reach score --study

PY=$(tools/python-env.sh)
mkdir -p "$TMP"
TABLE="$TMP/wards-$SEED.csv"
if [[ ! -s "$TABLE" ]]; then
    "$PY" tools/crosscheck/make_ward_table.py "$TABLE" --wards "$WARDS" --seed "$SEED" >&2
fi
# Same page cache for both tools: read the inputs once before timing.
cat "$TABLE" "$STUDY" >/dev/null

run() { bench_timed "$@"; } # run NAME RUNS CMD... (tools/bench/lib.sh)

run reach "$REACH_RUNS" "$REACH" score --study "$STUDY" --in "$TABLE" --code-field WD13CD --out "$TMP/reach.csv"
run scipy "$PEER_RUNS" "$PY" tools/bench/score_peers.py scipy --study "$STUDY" --in "$TABLE" --code-field WD13CD \
    --out "$TMP/scipy.csv"

"$PY" tools/bench/score_peers.py summary --tmp "$TMP" --study "$STUDY" --table "$TABLE" --goal "$GOAL"
