#!/usr/bin/env bash
# Installs what reach needs on Debian 12 beyond the Swift toolchain, only when missing:
#   libproj-dev, libgeos-dev, zlib1g-dev, libsqlite3-dev, pkg-config (build)   proj-bin, gdal-bin, python3-gdal (cs2cs, ogrinfo and
#   GDAL's validate_gpkg.py for oracles), libpq-dev (build), postgresql and postgis (the PostGIS round trip: the tests
#   start a throwaway cluster of their own)
#   time (peak memory in benchmarks), python3-venv (the crosscheck/bench peers' virtual environment),
#   chromium (tools/check-outputs.sh renders map.html headless to check it draws), valgrind and binutils' strip
#   (tools/check-leaks.sh).
# Safe to run again: it does nothing when everything is there.
set -euo pipefail
packages=(libproj-dev libgeos-dev zlib1g-dev libsqlite3-dev libpq-dev pkg-config proj-bin gdal-bin python3-gdal time python3-venv chromium poppler-utils
    postgresql postgis valgrind binutils)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "install-deps: installing ${missing[*]}" >&2
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi
