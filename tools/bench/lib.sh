# Shared by the benchmarks: sourced, not run. Each sets BENCH_TAG (e.g. bench/score) and TMP first.

# /usr/bin/time -v gives the peak memory; install Debian's 'time' when it is missing.
bench_require_time() {
    [[ -x /usr/bin/time ]] && return 0
    echo "$BENCH_TAG: installing Debian package 'time' for /usr/bin/time" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2 ||
        { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2; }
}

# bench_timed NAME RUNS CMD...: RUNS timed runs of CMD; "seconds maxrss_kib" appended to $TMP/NAME.time per run,
# output in $TMP/NAME.run<i>.log; a failing run prints its last lines and exits 1.
bench_timed() {
    local name=$1 n=$2
    shift 2
    rm -f "$TMP/$name.time" "$TMP/$name".run*.log
    for i in $(seq 1 "$n"); do
        echo "$BENCH_TAG: $name run $i/$n" >&2
        if ! /usr/bin/time -v -o "$TMP/$name.timev" "$@" >"$TMP/$name.run$i.log" 2>&1; then
            echo "$BENCH_TAG: $name failed; its output:" >&2
            tail -n 30 "$TMP/$name.run$i.log" >&2
            exit 1
        fi
        bench_time_line "$TMP/$name.timev" >>"$TMP/$name.time"
    done
}

# bench_time_line TIMEV: "seconds maxrss_kib" from /usr/bin/time -v's report ("Elapsed (wall clock) time (h:mm:ss
# or m:ss): 0:12.34" and "Maximum resident set size (kbytes): N").
bench_time_line() {
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + p[k] }
                /Maximum resident set size/ { m = $2 } END { print s, m }' "$1"
}

# bench_study_pairs DIR PAIRS A B [PIN...]: `reach run DIR/A.toml` and `DIR/B.toml` with --progress json, in turn
# (A B A B ...), PAIRS times each, under /usr/bin/time -v (PIN, e.g. taskset -c 0-1, before reach); per run
# "seconds maxrss_kib" appended to DIR/NAME.time and its output in DIR/NAME.I.log; a failing run prints its last
# lines and exits 1. Uses REACH and BENCH_TAG.
bench_study_pairs() {
    local dir=$1 pairs=$2 a=$3 b=$4 i name
    shift 4
    rm -f "$dir"/*.time "$dir"/*.log
    for i in $(seq 1 "$pairs"); do
        for name in "$a" "$b"; do
            echo "$BENCH_TAG: $name run $i/$pairs" >&2
            if ! /usr/bin/time -v -o "$dir/$name.timev" "$@" "$REACH" run "$dir/$name.toml" --progress json >"$dir/$name.$i.log" 2>&1; then
                echo "$BENCH_TAG: $name failed; its output:" >&2
                tail -n 20 "$dir/$name.$i.log" >&2
                exit 1
            fi
            bench_time_line "$dir/$name.timev" >>"$dir/$name.time"
        done
    done
}

# bench_abs PATH: PATH made absolute (a study written into BENCH_TMP names its inputs so).
bench_abs() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }

# bench_national_study WRITER NAME OUTPUT WARDS ORIGINS [COMMENT]: the head of a national bench study: [study]
# (NAME, OUTPUT), [wards] (the all-England folder, WD13CD/WD13NM) and [origins] (weighted by population), with
# absolute paths; the caller appends its own tables.
bench_national_study() {
    cat <<EOT
# Written by $1.
[study]
name = "$2"
output = "$3"

[wards]
files = ["$(bench_abs "$4")"]
code_field = "WD13CD"
name_field = "WD13NM"

[origins]
${6:+# $6
}file = "$(bench_abs "$5")"
weight_field = "population"
EOT
}

# bench_require_wards DIR: the all-England ward folder of shared data (326 files, one per local authority), or exit 1.
bench_require_wards() {
    local dir=$1 n
    [[ -d "$dir" ]] || { echo "$BENCH_TAG: $dir not found (the all-England wards from shared data)" >&2; exit 1; }
    n=$(find "$dir" -maxdepth 1 -name '*.json' | wc -l)
    [[ "$n" -eq 326 ]] || { echo "$BENCH_TAG: expected 326 files in $dir, found $n" >&2; exit 1; }
}

# bench_reach SUBCOMMAND FLAG: sets REACH, the binary to time. PEERS_ONLY=1 leaves it empty (time the peers only);
# REACH_BIN is used as given; otherwise `swift build -c release --product reach` (incremental: a no-op when up to
# date) unless SKIP_BUILD=1, then .build/release/reach. The binary must have SUBCOMMAND with FLAG: an older build
# prints the top-level help instead.
bench_reach() {
    local sub=$1 flag=$2 help
    if [[ ${PEERS_ONLY:-0} == 1 ]]; then REACH=; return 0; fi
    if [[ -n "${REACH_BIN:-}" ]]; then
        REACH=$REACH_BIN
    else
        REACH=.build/release/reach
        if [[ ${SKIP_BUILD:-0} != 1 ]]; then
            echo "$BENCH_TAG: swift build -c release --product reach" >&2
            swift build -c release --product reach >&2
        fi
    fi
    [[ -x "$REACH" ]] || { echo "$BENCH_TAG: reach binary $REACH not found or not executable" >&2; exit 1; }
    # Read the help whole first: grep -q stopping early would kill reach with SIGPIPE, and pipefail report that.
    help=$("$REACH" "$sub" --help 2>&1 || true)
    if ! grep -q -- "$flag" <<<"$help"; then
        echo "$BENCH_TAG: $REACH has no '$sub' subcommand taking $flag (an older build?): rebuild, or set REACH_BIN" >&2
        exit 1
    fi
}
