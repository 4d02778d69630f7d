#!/usr/bin/env bash
# Fuzzes reach's readers with libFuzzer (the Swift toolchain's `-sanitize=fuzzer`, with AddressSanitizer):
# GeoJSON, CSV, OSM PBF, GTFS and study-file TOML, one target each (tools/fuzz/Sources/).
#
#   tools/fuzz.sh [SECONDS] [TARGET...]     SECONDS per target (default 60, as CI runs); targets default to all
#
# Seeds come from fixtures/ (small files only) and tools/fuzz/seeds/; the growing corpus is kept in .fuzz/<target>/
# between runs (gitignored). A crash, leak, timeout or out-of-memory stops that target, keeps the input as
# .fuzz/artifacts/<target>/crash-*, and makes this script fail: copy the input to fixtures/fuzz/<target>/ and the
# regression test (Tests/GeoDataTests/Support/FuzzRegressionTests.swift) replays it in every `swift test`.
# Two targets run at a time on a 2-core machine. A summary (runs, corpus size, coverage) goes to .fuzz/summary.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-60}"
shift || true
all=(FuzzGeoJSON FuzzCSV FuzzPBF FuzzGTFS FuzzTOML)
targets=("${@:-${all[@]}}")
[[ $# -eq 0 ]] && targets=("${all[@]}")
jobs="${FUZZ_JOBS:-2}"

build=.build-fuzz
echo "fuzz: building the targets (release, -sanitize=fuzzer,address) into $build"
mkdir -p "$build"
# A failed build must stop the run: the fuzzers of an earlier build would otherwise run on stale code.
if ! swift build -c release --package-path tools/fuzz --scratch-path "$build" -Xswiftc -sanitize=fuzzer,address >"$build/last-build.log" 2>&1; then
    grep -E "error" "$build/last-build.log" | head -20 >&2
    echo "fuzz: the build failed (log: $build/last-build.log)" >&2
    exit 1
fi
grep -E "warning: unre|Compiling Fuzz|Build complete" "$build/last-build.log" || true
bin="$build/release"
for target in "${targets[@]}"; do
    [[ -x "$bin/$target" ]] || { echo "fuzz: $bin/$target was not built" >&2; exit 1; }
done

# Seeds: small fixture files of each kind (libFuzzer learns faster from small inputs), and the hand-made seeds.
seed() {
    local target="$1"; shift
    local dir=".fuzz/$target"
    mkdir -p "$dir"
    for file in "$@"; do
        [[ -f "$file" && $(stat -c %s "$file") -le 65536 ]] || continue
        cp "$file" "$dir/seed-$(basename "$file")"
    done
    if [[ -d "tools/fuzz/seeds/$target" ]]; then cp tools/fuzz/seeds/"$target"/* "$dir/" 2>/dev/null || true; fi
    if [[ -d "fixtures/fuzz/$target" ]]; then cp fixtures/fuzz/"$target"/* "$dir/" 2>/dev/null || true; fi
}
shopt -s nullglob
seed FuzzGeoJSON fixtures/trafford/*.geojson fixtures/england/*.json
seed FuzzCSV fixtures/trafford/*.csv fixtures/naptan/*.csv fixtures/broadband/*.csv
seed FuzzPBF fixtures/osm/*.pbf
seed FuzzTOML fixtures/trafford/study.toml
# GTFS: each feed's files in FuzzGTFS's order, joined by NUL bytes.
mkdir -p .fuzz/FuzzGTFS
for feed in fixtures/gtfs/hand fixtures/raptor/*/; do
    [[ -f "$feed/stop_times.txt" ]] || continue
    out=".fuzz/FuzzGTFS/seed-$(basename "$feed")"
    : > "$out"
    first=1
    for name in stops routes trips stop_times calendar calendar_dates frequencies; do
        [[ $first -eq 1 ]] || printf '\0' >> "$out"
        first=0
        [[ -f "$feed/$name.txt" ]] && cat "$feed/$name.txt" >> "$out"
    done
done

mkdir -p .fuzz/artifacts
# A Swift runtime trap (overflow, index out of range) is then reported by libFuzzer's own handler with the stack;
# Swift's backtracer would otherwise run under AddressSanitizer and be reported instead of the trap.
export SWIFT_BACKTRACE=enable=no
summary=.fuzz/summary.txt
: > "$summary"
failed=0
run() {
    local target="$1"
    local artifacts=".fuzz/artifacts/$target"
    mkdir -p "$artifacts"
    local log=".fuzz/$target.log"
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: a reader that balloons is a failure too.
    if "$bin/$target" ".fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" > "$log" 2>&1; then
        local runs cov corpus
        runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
        cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
        corpus=$(find ".fuzz/$target" -type f | wc -l)
        echo "$target: ${seconds} s, ${runs:-?} inputs run, corpus ${corpus} inputs, coverage ${cov:-?} edges, no crash" | tee -a "$summary"
    else
        echo "$target: FAILED; the input is in $artifacts/ and the report in $log:" | tee -a "$summary"
        grep -E "ERROR|SUMMARY|Fatal error|deadly signal|timeout|out-of-memory" "$log" | head -5 | tee -a "$summary"
        return 1
    fi
}
pids=()
for target in "${targets[@]}"; do
    run "$target" &
    pids+=($!)
    if (( ${#pids[@]} >= jobs )); then
        wait "${pids[0]}" || failed=1
        pids=("${pids[@]:1}")
    fi
done
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
echo "fuzz: summary in $summary"
exit $failed
