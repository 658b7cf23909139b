"""`fup stats`: what the history says about your follow-up (reply rates, promises kept, activity).

Thin, like the rest of the CLI: read the WHENs and the options, call
`insight.stats.figures` once on the command's reader, then print the JSON or
hand the figures to `insight.charts` for the terminal. Rich is imported only
there, when a table is printed; this module costs the app nothing else at
start-up. Registered on the app as `stats`.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from ..dates import WHEN_HELP
from ..errors import BadInput, check_choice

STATS_FORMATS = ("table", "json")


def stats_command(
    ctx: typer.Context,
    since: Annotated[Optional[str], typer.Option("--since", metavar="WHEN", help="The period's first day (default: 12 weeks up to --until). " + WHEN_HELP)] = None,
    until: Annotated[Optional[str], typer.Option("--until", metavar="WHEN", help="The period's last day (default: today).")] = None,
    tag: Annotated[Optional[str], typer.Option("--tag", metavar="T", help="Only the contacts tagged T.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Reply rate by follow-up number, days to reply, promises kept, weekly activity and the pipeline, from your history (docs/stats.md)."""
    from ..dates import parse_date
    from ..insight import stats

    app_ctx = ctx.obj
    fmt = check_choice(fmt, STATS_FORMATS, "format")
    key = tag.strip().lower() if tag is not None else None
    if key is not None and not key:
        raise BadInput("empty tag; give the tag to count, e.g. --tag conference")
    first, last = stats.period(app_ctx.today,
                               parse_date(since, app_ctx.now) if since is not None else None,
                               parse_date(until, app_ctx.now) if until is not None else None)
    figures = stats.figures(app_ctx.store.reader(), first, last, app_ctx.today, key)
    if fmt == "json":
        from ..render import write_json

        write_json(figures)
    else:
        from ..insight.charts import print_stats

        print_stats(figures, sys.stdout)
