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
        # "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:12.34" and "Maximum resident set size (kbytes): N"
        awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + p[k] }
                    /Maximum resident set size/ { m = $2 } END { print s, m }' "$TMP/$name.timev" >>"$TMP/$name.time"
    done
}
