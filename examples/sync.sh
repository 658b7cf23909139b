#!/usr/bin/env bash
# Touches that log themselves: a week of mail (an mbox) and a calendar (.ics) read by
# `fup sync`, the README's "Touches that log themselves", runnable on sample files.
# Needs `fup` on PATH and FUP_HOME pointing at an empty directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export TZ=Europe/Berlin
mkdir -p "$FUP_HOME"
printf 'me = ["ana@acme.example"]\n' > "$FUP_HOME/config.toml"

export FUP_NOW=2026-11-23T18:00   # Monday evening, after a meetup
fup add "Maya Chen" --company Finch --email maya@finch.example --source "fintech meetup"
fup add "Tom Weber" --company Brightly --email tom@brightly.example --channel call --cadence hot
fup add "Sara Kim" --company Loop --email sara@loop.example --met 2026-11-16

export FUP_NOW=2026-11-30T08:30   # the next Monday: what happened by mail and in the calendar
echo; echo "== fup sync mail --dry-run"
fup sync mail --mbox "$here/sync/inbox.mbox" --dry-run
echo; echo "== fup sync mail --suggest 3"
fup sync mail --mbox "$here/sync/inbox.mbox" --suggest 3
echo; echo "== fup sync calendar"
fup sync calendar --ics "$here/sync/calendar.ics"
echo; echo "== fup sync mail, again: nothing new"
fup sync mail --mbox "$here/sync/inbox.mbox"
echo; echo "== fup today"
fup today
fup show maya
