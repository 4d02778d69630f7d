#!/usr/bin/env bash
# Benchmarks GTFS parsing at scale, the issue's goal: `reach departures` parses at least 1 million stop_times rows
# per second. The feed is the real Newport bus feed (204,361 stop_times rows) with its trips replicated COPIES
# times under new trip and service ids (tools/bench/make_big_gtfs.py; default 40 copies = 8,174,440 rows,
# 739 MB stop_times.txt), as a folder and as a zip, cached in BENCH_TMP. Timed end to end, RUNS runs each
# (median wall time, largest peak RSS from /usr/bin/time -v):
#   reach departures --gtfs FEED --date DATE --out CSV        on the folder and on the zip
#   pandas.read_csv(stop_times.txt, dtype=str), C parser      on the folder and streamed from the zip (parse only)
#   gtfs-kit read_feed + departures per stop with pandas      on the folder (the whole job, as reach)
# (tools/bench/stop_times_peers.py). Prints for each: median seconds, stop_times rows per second over the whole
# run, peak MiB, and its `timings:` steps (a step named like "stop_times"/"parse" also as rows/s).
# Then checks the answers: reach's departures per stop on the big feed equal gtfs-kit's on the big feed and
# COPIES x reach's on the source feed; exit 1 if any stop differs.
# Builds reach in release once (`swift build -c release --product reach`) unless REACH_BIN is set or SKIP_BUILD=1
# (then .build/release/reach). Run from the repo root:  tools/bench/stop_times.sh
# Env: REACH_BIN=path/to/reach, SKIP_BUILD=1, RUNS=3, COPIES=40, DATE=2024-03-05, REACH_DATA=../shared/data,
#      BENCH_TMP=/tmp/reach-bench-stoptimes, PEERS_ONLY=1 (time the Python peers only, no reach)
# Assumes reach departures writes CSV with columns stop_id and departures (docs/transit.md: departures,
# departures_per_hour per feed and stop id; rows of one stop id are summed) and prints `reach: timings: ...`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
RUNS=${RUNS:-3}
COPIES=${COPIES:-40}
DATE=${DATE:-2024-03-05}
TMP=${BENCH_TMP:-/tmp/reach-bench-stoptimes}
PEERS_ONLY=${PEERS_ONLY:-0}
SOURCE="$DATA/gtfs/newport-20240305-bus_gtfs.zip"
[[ -f "$SOURCE" ]] || { echo "bench/stop_times: $SOURCE not found (shared data absent)" >&2; exit 1; }

BENCH_TAG=bench/stop_times
. tools/bench/lib.sh
bench_require_time
bench_reach departures --gtfs

PY=$(tools/python-env.sh)
PEERS=tools/bench/stop_times_peers.py
mkdir -p "$TMP"
"$PY" tools/bench/make_big_gtfs.py --source "$SOURCE" --out-dir "$TMP" --copies "$COPIES" >&2
FEED="$TMP/feed"
ZIP="$TMP/feed.zip"
ROWS=$(cat "$TMP/feed.rows")
# Same page cache for every tool: read the inputs once before timing.
cat "$FEED"/*.txt "$ZIP" >/dev/null

run() { local name=$1; shift; bench_timed "$name" "$RUNS" "$@"; } # run NAME CMD...: RUNS timed runs (tools/bench/lib.sh)

names=()
if [[ -n "$REACH" ]]; then
    run reach-dir "$REACH" departures --gtfs "$FEED" --date "$DATE" --out "$TMP/reach-dir.csv"
    run reach-zip "$REACH" departures --gtfs "$ZIP" --date "$DATE" --out "$TMP/reach-zip.csv"
    names+=("reach-dir|reach departures (folder)" "reach-zip|reach departures (zip)")
fi
run pandas-dir "$PY" "$PEERS" pandas --gtfs "$FEED"
run pandas-zip "$PY" "$PEERS" pandas --gtfs "$ZIP"
run gtfs-kit-dir "$PY" "$PEERS" gtfs-kit --gtfs "$FEED" --date "$DATE" --out "$TMP/gtfs-kit-dir.csv"
names+=("pandas-dir|pandas read_csv stop_times (folder)" "pandas-zip|pandas read_csv stop_times (zip)"
        "gtfs-kit-dir|gtfs-kit read_feed + departures (folder)")

echo
echo "stop_times at scale: $ROWS rows ($(du -h "$FEED/stop_times.txt" | cut -f1) stop_times.txt; zip $(du -h "$ZIP" | cut -f1)), $COPIES copies of $(basename "$SOURCE"), date $DATE, $RUNS runs"
echo "M rows/s = stop_times rows / median wall seconds of the whole run (reading every table, and for reach and gtfs-kit computing and writing departures)"
"$PY" "$PEERS" summary "$TMP" "$ROWS" "${names[@]}"

status=0
echo
if [[ -n "$REACH" ]]; then
    best=$(awk '{print $1}' "$TMP/reach-dir.time" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    "$PY" - "$ROWS" "$best" <<'EOF'
import sys
rows, secs = int(sys.argv[1]), float(sys.argv[2])
rate = rows / secs / 1e6
print(f"goal: reach departures >= 1 M stop_times rows/s end to end (folder): {rate:.2f} M rows/s -> "
      f"{'met' if rate >= 1.0 else 'NOT met'}")
EOF
    echo "agreement (departures per stop, window 07:00-10:00 on $DATE):"
    "$REACH" departures --gtfs "$SOURCE" --date "$DATE" --out "$TMP/reach-source.csv" >"$TMP/reach-source.log" 2>&1 ||
        { echo "bench/stop_times: reach departures on $SOURCE failed:" >&2; tail -n 20 "$TMP/reach-source.log" >&2; exit 1; }
    "$PY" "$PEERS" check "$TMP/reach-dir.csv" "$TMP/gtfs-kit-dir.csv" || status=1
    "$PY" "$PEERS" check "$TMP/reach-zip.csv" "$TMP/reach-dir.csv" || status=1
    "$PY" "$PEERS" check "$TMP/reach-dir.csv" "$TMP/reach-source.csv" --factor-b "$COPIES" || status=1
else
    echo "PEERS_ONLY=1: reach not run"
fi
exit $status
