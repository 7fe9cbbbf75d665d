"""A batch's result table: one row per query, as the API's JSON, CSV, JSON Lines and the
terminal's text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator

from .count import search_link
from .models import BatchRow, RowError, SourceCount
from .store import Job, StoredRow

CSV_COLUMNS = ("line", "query", "source", "from", "to", "articles", "paragraphs", "all_words",
               "first", "latest", "top_sources", "search", "error_code", "error")


def row_dict(row: StoredRow, fuzzy: bool, root: str = "/") -> BatchRow:
    """A counted row as the API sends it (``root``: the site's address for its link)."""
    item, outcome = row.item, row.outcome
    tally = outcome.tally if outcome else None
    error = RowError(code=outcome.error_code, message=outcome.error or "") \
        if outcome and outcome.error_code else None
    return {
        "line": item.line, "query": item.query, "source": list(item.sources),
        "from": item.date_from, "to": item.date_to,
        "articles": tally.articles if tally else None,
        "paragraphs": tally.paragraphs if tally else None,
        "all_words": tally.complete if tally else None,
        "first": tally.first if tally else None,
        "latest": tally.latest if tally else None,
        "top_sources": [SourceCount(source=name, articles=count) for name, count in tally.sources]
        if tally else [],
        "search": search_link(item, fuzzy, root),
        "error": error,
    }


def sources_text(row: BatchRow) -> str:
    """``CNN (3); AMN (1)``"""
    return "; ".join(f"{s['source']} ({s['articles']:,})" for s in row["top_sources"])


def csv_lines(rows: Iterable[BatchRow]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        error = row["error"]
        writer.writerow([_cell(value) for value in (
            row["line"], row["query"], ";".join(row["source"]), row["from"], row["to"],
            row["articles"], row["paragraphs"], row["all_words"], row["first"], row["latest"],
            sources_text(row), row["search"], error["code"] if error else None,
            error["message"] if error else None)])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _cell(value: object) -> object:
    """A cell a spreadsheet will not run (a query may open with - or +: OWASP's advice on
    CSV injection, as the search's exports do)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def jsonl_lines(rows: Iterable[BatchRow]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def text_table(rows: Iterable[BatchRow]) -> Iterator[str]:
    """Aligned columns for a terminal: query, articles, paragraphs, first, latest, top
    sources (a row with an error says it after its query)."""
    heading = ("query", "articles", "paragraphs", "first", "latest", "top sources")
    table: list[tuple[str, ...]] = [heading]
    for row in rows:
        if row["error"]:
            table.append((row["query"], f"error: {row['error']['message']}"))
        else:
            table.append((row["query"], f"{row['articles']:,}", f"{row['paragraphs']:,}",
                          row["first"] or "-", row["latest"] or "-", sources_text(row)))
    counted = [line for line in table if len(line) == len(heading)]
    widths = [max(len(line[i]) for line in counted) for i in range(len(heading) - 1)]
    for line in table:
        cells = [line[0].ljust(widths[0])]
        if len(line) == len(heading):
            cells += [cell.rjust(width) for cell, width in zip(line[1:-1], widths[1:], strict=True)]
        yield "  ".join(cells + [line[-1]]).rstrip() + "\n"


def when(seconds: float | None) -> str | None:
    """A stored time as ISO 8601 UTC (``2026-12-03T10:05:00Z``)."""
    if seconds is None:
        return None
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def eta_seconds(job: Job, now: float) -> int | None:
    """Seconds left at the pace of this run of the job (None when not running, or before
    its first rows are saved)."""
    if job.state != "running" or job.run_started is None or job.run_done is None:
        return None
    counted = job.done - job.run_done
    elapsed = now - job.run_started
    if counted <= 0 or elapsed <= 0:
        return None
    return round((job.total - job.done) * elapsed / counted)
