"""`fup export` and `fup import`: the commands that move data in and out of fup.

Thin, like the rest of the CLI: check the options that only make sense
together, call `exporter` or `importer` once, print. Registered on the app by
`fupcli.cli`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from . import commands
from ..dates import WHEN_HELP



def export_command(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(metavar="WHAT", help="contacts, touches, commitments or due.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv (default), json, ics (due only) or vcf (contacts only: vCard 4.0).")] = "csv",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write FILE atomically (mode 0600) instead of stdout.")] = None,
    bom: Annotated[bool, typer.Option("--bom", help="Start the CSV with a UTF-8 BOM, for Excel.")] = False,
    raw: Annotated[bool, typer.Option("--raw", help="Do not neutralise cells a spreadsheet would run as formulas.")] = False,
    on: Annotated[Optional[str], typer.Option(metavar="WHEN", help="due: the day to list, as `fup today --on`. " + WHEN_HELP)] = None,
    limit: Annotated[Optional[int], typer.Option(min=0, help="due: at most N rows (0 = all).")] = None,
    days: Annotated[Optional[int], typer.Option(min=1, max=3660, help="ics: how many days ahead (default 30).")] = None,
) -> None:
    """Export contacts, touches, commitments or the due list as CSV or JSON; contacts also as vCard, the due list as an iCalendar feed."""
    commands.export(ctx.obj, what=what, fmt=fmt, output=output, bom=bom, raw=raw, on=on, limit=limit, days=days)


def import_command(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(metavar="WHAT", help="contacts, touches or commitments.")],
    file: Annotated[str, typer.Argument(metavar="FILE", help="A CSV file (contacts also .xlsx or vCard .vcf), or - for standard input.")],
    source: Annotated[str, typer.Option("--from", help="contacts: auto (detect), fup, linkedin, google, outlook, vcard or sheet (with --map).")] = "auto",
    cadence: Annotated[Optional[str], typer.Option(help="contacts: cadence for the new contacts (default none); their opening touches are spread over the coming workdays.")] = None,
    tag: Annotated[Optional[List[str]], typer.Option("--tag", help="contacts: add this tag to every imported contact.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would happen; write nothing.")] = False,
    update: Annotated[bool, typer.Option("--update", help="contacts: a field the file gives that differs replaces the stored one (else only empty fields are filled).")] = False,
    mapping: Annotated[Optional[List[str]], typer.Option("--map", metavar="FIELD=COLUMN", help="contacts: read COLUMN as fup's FIELD (name, company, title, email, phone, url, tags, notes, birthday, source); repeat for more columns.")] = None,
    encoding: Annotated[Optional[str], typer.Option(metavar="NAME", help="contacts: the file's text encoding (default: UTF-8 or UTF-16 by their marks, else Windows-1252, or Mac Roman for CR line ends).")] = None,
    date_format: Annotated[Optional[str], typer.Option("--date-format", metavar="FORMAT", help="contacts: how the file writes dates that are not ISO, e.g. %d.%m.%Y or %m/%d/%Y.")] = None,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="contacts: import the good rows and list the bad ones (default: a bad row stops the whole import).")] = False,
) -> None:
    """Import contacts (fup, LinkedIn, Google or Outlook CSV, a sheet, .xlsx, vCard), or touches and commitments (fup CSV); all or nothing."""
    commands.import_(ctx.obj, what=what, file=file, source=source, cadence=cadence, tag=tag, dry_run=dry_run,
                     update=update, mapping=mapping, encoding=encoding, date_format=date_format, skip_bad=skip_bad)
