#!/usr/bin/env bash
# Make sure the server binaries that the tests start themselves are installed:
#   - PostgreSQL (tests/pgserver.py): package `postgresql`, when no
#     /usr/lib/postgresql/*/bin/initdb exists. Set FUP_TEST_PG to use an existing
#     server instead (then nothing is installed for PostgreSQL).
#   - Dovecot IMAP (tests/imapserver.py): package `dovecot-imapd`, when there is no
#     `dovecot` binary (neither /usr/sbin/dovecot nor one on PATH).
# apt-get runs only for what is missing, so an existing installation is never
# upgraded, and `apt-get update` runs at most once. When it cannot install (no
# apt-get, not root and no sudo) it only warns: those server tests then skip, or
# fail when CI=true (tests/conftest.py).
set -euo pipefail

packages=()
missing=()

if [[ -z "${FUP_TEST_PG:-}" ]]; then
    shopt -s nullglob
    initdbs=(/usr/lib/postgresql/*/bin/initdb)
    shopt -u nullglob
    if (( ${#initdbs[@]} == 0 )); then
        packages+=(postgresql)
        missing+=("PostgreSQL server binaries (install PostgreSQL or set FUP_TEST_PG)")
    fi
fi

if [[ ! -x /usr/sbin/dovecot ]] && ! command -v dovecot >/dev/null 2>&1; then
    packages+=(dovecot-imapd)
    missing+=("dovecot binary (install dovecot-imapd)")
fi

if (( ${#packages[@]} == 0 )); then
    exit 0
fi

warn_missing() {
    local what
    for what in "${missing[@]}"; do
        echo "ensure-servers: warning: no ${what}; $1" >&2
    done
}

if ! command -v apt-get >/dev/null 2>&1; then
    warn_missing "there is no apt-get"
    exit 0
fi

sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        warn_missing "not root and no sudo"
        exit 0
    fi
fi

echo "ensure-servers: installing ${packages[*]} (apt-get install)" >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
