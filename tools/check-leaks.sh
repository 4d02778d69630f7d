#!/usr/bin/env bash
# valgrind memcheck on `reach wards` over the bundled Trafford wards: fails on any definite leak or memory error.
# Valgrind 3.19 (Debian 12) cannot read the DWARF 5 debug information Swift writes, so it runs a copy of the debug
# build with the debug sections stripped (symbols kept).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v valgrind > /dev/null || { echo "check-leaks: valgrind is missing (tools/install-deps.sh installs it)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
strip --strip-debug -o "$work/reach" .build/debug/reach
valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 --log-file="$work/valgrind.log" \
    "$work/reach" wards --wards fixtures/trafford/wards_2017.geojson --out "$work/wards.geojson" --quiet || {
    echo "check-leaks: valgrind found definite leaks or memory errors:" >&2
    grep -E "definitely lost|ERROR SUMMARY|Invalid" "$work/valgrind.log" >&2
    exit 1
}
echo "check-leaks: $(grep -E 'definitely lost' "$work/valgrind.log" | sed 's/^==[0-9]*== *//'); $(grep -E 'ERROR SUMMARY' "$work/valgrind.log" | sed 's/^==[0-9]*== *//')"
