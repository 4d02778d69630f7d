# Where the national synthetic transit inputs live and how they are seeded: made (and cached) by
# tools/bench/raptor.sh, reused by tools/bench/scenario.sh. Sourced, not run. Env: BENCH_TMP, RUN_BENCH_TMP,
# TRIPS, TRANSIT_SEED, SERVICES, SEED.
TMP=${BENCH_TMP:-/tmp/reach-bench-raptor}
RUN_TMP=${RUN_BENCH_TMP:-/tmp/reach-bench-run}
TRIPS=${TRIPS:-1000000}
TRANSIT_SEED=${TRANSIT_SEED:-20240305}
SERVICES=${SERVICES:-20000}
SEED=${SEED:-20210321}
