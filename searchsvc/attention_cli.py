"""``searchsvc attention``: the comparison of 2 to 5 queries from the command line, as a
table (the page's), as CSV or as the API's JSON (links relative to the server's root)."""

from __future__ import annotations

import argparse
import json
import sys
import urllib.parse

from .attention_api import attention_csv, search_args
from .attention_models import AttentionResponse
from .attention_params import attention_params
from .errors import SearchError
from .pages.attention_chart import percent, period_label


def cmd_attention(args: argparse.Namespace) -> int:
    from .admin_cli import open_index

    try:
        archive = open_index(args.index)
        wanted, _ = attention_params({
            "q": args.queries, "interval": args.interval, "source": args.source,
            "from": args.date_from, "to": args.date_to, "fuzzy": str(not args.exact),
        }, archive.settings)
        found = archive.attention(wanted).with_links(
            lambda r: "/?" + urllib.parse.urlencode(search_args(r), doseq=True))
    except SearchError as error:
        if args.format == "json":
            print(json.dumps(error.to_dict()))
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
    elif args.format == "csv":
        sys.stdout.write(attention_csv(found))
    else:
        print(table(found))
    return 0


def table(found: AttentionResponse) -> str:
    """Per period, all articles and each query's matching articles with their share."""
    interval = found.request.interval
    head = [interval, "articles"] + [series.q for series in found.series]
    rows = [[period_label(p.period, interval), f"{p.articles:,}"]
            + [f"{s.points[i].matching:,} {percent(s.points[i].share)}" for s in found.series]
            for i, p in enumerate(found.periods)]
    widths = [max(len(row[c]) for row in [head, *rows]) for c in range(len(head))]
    lines = ["  ".join(cell.ljust(w) if c == 0 else cell.rjust(w)
                       for c, (cell, w) in enumerate(zip(row, widths, strict=True)))
             for row in [head, *rows]]
    note = f"{found.articles:,} dated articles"
    if found.undated:
        note += f"; {found.undated:,} undated left out"
    return "\n".join(lines + ["", note])


def add_attention_command(commands) -> None:
    """The ``attention`` subcommand, on ``searchsvc``'s subparsers."""
    compare = commands.add_parser(
        "attention", help="compare 2 to 5 queries over time: each one's share of the"
                          " articles per day, week or month")
    compare.add_argument("queries", nargs="+", metavar="QUERY",
                         help="a query to compare (2 to 5), e.g. cocoa crude")
    compare.add_argument("--interval", choices=("day", "week", "month"), default="month",
                         help="periods: day, ISO week (Monday to Sunday) or month (default)")
    compare.add_argument("--source", action="append", default=[],
                         help="only this source, in both counts (repeatable)")
    compare.add_argument("--from", dest="date_from", metavar="DATE",
                         help="YYYY[-MM[-DD]], inclusive")
    compare.add_argument("--to", dest="date_to", metavar="DATE", help="YYYY[-MM[-DD]], inclusive")
    compare.add_argument("--exact", action="store_true", help="no name variants")
    compare.add_argument("--format", choices=("table", "csv", "json"), default="table",
                         help="a table (default), CSV rows or the API's JSON")
    compare.add_argument("--index", metavar="DIR", help="index folder")
    compare.set_defaults(handler=cmd_attention)
