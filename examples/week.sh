#!/usr/bin/env bash
# A week of fup, Monday to Friday: the tour in the README, runnable.
# Needs `fup` on PATH and FUP_HOME pointing at an empty directory.
set -euo pipefail
day() { export FUP_NOW="$1"; echo; echo "== $1"; }

day 2026-11-23T18:00   # Monday evening, after a meetup
fup add "Maya Chen" --company Finch --email maya@finch.example --source "fintech meetup" \
    --channel email --next "send the case study" --due tomorrow
fup add "Tom Weber" --company Brightly --phone "+49 30 1234567" --source "fintech meetup" \
    --channel call --cadence hot
fup add "Sara Kim" --company Loop --email sara@loop.example --cadence warm --met "2026-11-16"

day 2026-11-24T08:30   # Tuesday morning
fup today
fup log maya email --note "case study sent" --done

day 2026-11-25T08:30   # Wednesday
fup today
fup log tom call --outcome no-answer
fup log sara email --note "checking in"

day 2026-11-26T08:30   # Thursday: Tom calls back and asks for a date
fup today
fup log tom --in call --outcome talked --note "call me after the holidays" --ask-again 2027-01-05
fup log maya --in email --note "loved it, let's talk pricing" \
    --next "pricing call" --due 2026-12-01

day 2026-11-27T08:30   # Friday: Sara says no
fup today
fup log sara email --outcome not-interested --note "no budget this year"
fup move maya "next wed"   # Maya asks to push the pricing call to Wednesday
fup away 2026-12-03 2026-12-04   # two days off: nothing comes due on them
fup show maya
fup list
