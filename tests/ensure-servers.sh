#!/usr/bin/env bash
# Make sure the PostgreSQL server binaries that tests/pgserver.py starts are installed.
# Runs apt-get only when no /usr/lib/postgresql/*/bin/initdb exists, so an existing
# installation is never upgraded. Set FUP_TEST_PG to use an existing server instead.
# When it cannot install (no apt-get, not root and no sudo) it only warns: the
# PostgreSQL tests then skip, or fail when CI=true (tests/conftest.py).
set -euo pipefail

if [[ -n "${FUP_TEST_PG:-}" ]]; then
    exit 0
fi

shopt -s nullglob
initdbs=(/usr/lib/postgresql/*/bin/initdb)
if (( ${#initdbs[@]} > 0 )); then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-servers: warning: no PostgreSQL server binaries and no apt-get; install PostgreSQL or set FUP_TEST_PG" >&2
    exit 0
fi

sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "ensure-servers: warning: no PostgreSQL server binaries, not root and no sudo; install PostgreSQL or set FUP_TEST_PG" >&2
        exit 0
    fi
fi

echo "ensure-servers: installing PostgreSQL (apt-get install postgresql)" >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
