#!/usr/bin/env bash
# Make sure the server binaries that the tests start themselves are installed, and
# the spreadsheet they open files with:
#   - PostgreSQL (tests/pgserver.py): package `postgresql`, when no
#     /usr/lib/postgresql/*/bin/initdb exists. Set FUP_TEST_PG to use an existing
#     server instead (then nothing is installed for PostgreSQL).
#   - Dovecot IMAP (tests/imapserver.py): package `dovecot-imapd`, when there is no
#     `dovecot` binary (neither /usr/sbin/dovecot nor one on PATH).
#   - LibreOffice Calc, headless (tests/spreadsheet_app.py): package
#     `libreoffice-calc-nogui`, without its recommended packages (fonts, Java: a CSV
#     conversion needs none), when neither `soffice` nor `libreoffice` is on PATH.
# apt-get runs only for what is missing, so an existing installation is never
# upgraded, and `apt-get update` runs at most once. When it cannot install (no
# apt-get, not root and no sudo) it only warns: those tests then skip, or fail
# when CI=true (tests/conftest.py; test_spreadsheet_roundtrip.py for LibreOffice).
set -euo pipefail

packages=()
lean_packages=()  # installed without their recommended packages
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

if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then
    lean_packages+=(libreoffice-calc-nogui)
    missing+=("soffice binary (install libreoffice-calc-nogui)")
fi

if (( ${#packages[@]} + ${#lean_packages[@]} == 0 )); then
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

all_packages=("${packages[@]}" "${lean_packages[@]}")
echo "ensure-servers: installing ${all_packages[*]} (apt-get install)" >&2
"${sudo[@]}" apt-get update -qq
if (( ${#packages[@]} > 0 )); then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
fi
if (( ${#lean_packages[@]} > 0 )); then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${lean_packages[@]}"
fi
