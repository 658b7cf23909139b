#!/usr/bin/env bash
# Six months of fup, simulated: a founder imports 200 LinkedIn connections, meets 40 people,
# gets replies (or not), takes a week off; one line per morning the list is read, as a chart.
# Runs in-process from the repository's .venv (`make install`); a temporary database, no FUP_HOME.
# Options pass through: --schedule daily|mwf, --seed N, --days N, --no-chart.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python tests/simulation.py "$@"
