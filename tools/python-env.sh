#!/usr/bin/env bash
# Creates (idempotently) the Python virtualenv for tools/bench and tools/crosscheck at .venv-tools/ in the repo
# root, installing the pinned wheels of tools/requirements.txt. A stamp file holding the hash of the requirements
# and the interpreter version makes a second run a fast no-op.
# Prints only the venv's python path on stdout (progress goes to stderr), so other scripts do:
#   PY=$(tools/python-env.sh)
# Env: PYTHON=/path/to/python3 picks the base interpreter (default: python3 on PATH).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv-tools"
REQ="$ROOT/tools/requirements.txt"
STAMP="$VENV/.requirements.sha256"
BASE_PY=${PYTHON:-python3}

log() { printf 'python-env: %s\n' "$*" >&2; }

want_stamp() {
    # The requirements and the base interpreter's version both decide what is installed.
    { cat "$REQ"; "$1" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1
}

if [[ -x "$VENV/bin/python" && -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$(want_stamp "$VENV/bin/python")" ]]; then
    echo "$VENV/bin/python"
    exit 0
fi

# Two scripts may start at once (bench and crosscheck): one installs, the other waits.
mkdir -p "$ROOT/.venv-tools.lock.d"
exec 9>"$ROOT/.venv-tools.lock.d/lock"
flock 9
if [[ -x "$VENV/bin/python" && -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$(want_stamp "$VENV/bin/python")" ]]; then
    echo "$VENV/bin/python"
    exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating $VENV with $BASE_PY"
    rm -rf "$VENV"
    if ! "$BASE_PY" -m venv "$VENV" >&2; then
        # Debian's python3 ships venv/ensurepip in a separate package.
        log "venv creation failed; installing python3-venv with apt-get"
        rm -rf "$VENV"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq python3-venv >&2
        BASE_PY=/usr/bin/python3
        "$BASE_PY" -m venv "$VENV" >&2
    fi
fi

log "installing $(grep -cE '^[A-Za-z]' "$REQ") pinned packages from tools/requirements.txt (wheels only)"
rm -f "$STAMP"
# Wheels only, except json2html (gtfs-kit's dependency): a single pure-Python file that PyPI has only as an sdist,
# so pip builds that one package; everything else must come as a binary wheel.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: --no-binary=json2html \
    -r "$REQ" >&2
"$VENV/bin/python" -c 'import geopandas, pyogrio, shapely, pyproj, scipy, networkx, numpy, pandas, osmium, pyrosm, pandana, gtfs_kit, inequality, access' >&2
want_stamp "$VENV/bin/python" >"$STAMP"
log "ready: $("$VENV/bin/python" -c 'import shapely, pyproj, pyogrio, geopandas; print(f"geopandas {geopandas.__version__}, shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), pyproj {pyproj.__version__} (PROJ {pyproj.proj_version_str}), pyogrio {pyogrio.__version__} (GDAL {pyogrio.__gdal_version_string__})")')"
echo "$VENV/bin/python"
