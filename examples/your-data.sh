#!/usr/bin/env bash
# Looking after the data: a mistake taken back, a backup, a check, a person erased.
# Run with `fup` on PATH and FUP_HOME pointing at an empty directory.
set -euo pipefail
export FUP_NOW=2026-11-23T09:00

fup add "Ana Ruiz" --company Acme --email ana@acme.example --next "send the deck" --due fri
fup add "Ben Okafor" --company Northwind --email ben@northwind.example

# Logged against the wrong person: see what undo would take back, take it back, log it right.
fup log ben --note "sent the deck"
fup undo --list 2
fup undo
fup log ana --note "sent the deck" && fup done ana
# A detail worth keeping: a dated line added to the notes.
fup edit ana --append-note "prefers a call to an email"

# A removed contact comes back with `fup undo` too.
fup rm ben --yes
fup undo
fup show ben > /dev/null

# A consistent copy while fup may be writing (default: backups/ beside fup.db), then a check.
fup backup
fup doctor

# Ben asks to be forgotten: his rows, his undo history and the bytes of his text, for good.
fup forget ben --yes
fup list
