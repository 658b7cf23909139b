#!/usr/bin/env bash
# A small pipeline built over two weeks, ending on Monday 2026-11-23.
# Run with `fup` on PATH and FUP_HOME pointing at an empty directory
# (`make demo` does both), then `FUP_NOW=2026-11-23T08:30 fup today`.
set -euo pipefail

export FUP_NOW=2026-11-09T10:00   # a Monday: a conference day
fup add "Ana Ruiz" --company Acme --title "Head of Ops" --email ana@acme.example \
    --source "SaaS Summit booth" --channel email --cadence hot \
    --next "send the pricing deck" --due 2026-11-11
fup add "Ben Okafor" --company Northwind --email ben@northwind.example \
    --source "SaaS Summit panel" --channel call --tag investor --tag seed
fup add "Chloe Martin" --company Globex --email chloe@globex.example \
    --source "intro from Ana" --channel linkedin --cadence vip --birthday 11-25
fup add "Dmitri Petrov" --company Initech --email dmitri@initech.example \
    --no-meeting --source "cold list" --cadence warm

export FUP_NOW=2026-11-10T16:00
fup log dmitri email --note "opening email"
fup log ana email --note "deck sent early" && fup done ana

export FUP_NOW=2026-11-12T11:00
fup log ana --in email --note "questions on seat pricing" \
    --next "answer seat pricing questions" --due 2026-11-24
fup log ben call --outcome talked --note "interested, wants numbers" \
    --next "send Q3 numbers" --due 2026-11-20 --theirs
fup log chloe linkedin --outcome no-answer

export FUP_NOW=2026-11-16T09:00
fup add "Eva Lind" --company Hooli --email eva@hooli.example --source "dinner" \
    --channel text --cadence warm
fup log chloe linkedin --outcome left-message
fup log dmitri email --outcome talked --ask-again 2026-12-01 \
    --note "busy until December, call then"

export FUP_NOW=2026-11-19T14:00
fup add "Farid Haddad" --company Umbrella --email farid@umbrella.example \
    --source "meetup" --cadence hot --next "intro him to Chloe" --due 2026-11-20
fup log eva text --outcome not-interested --note "went with a competitor"
