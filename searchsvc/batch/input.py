"""A batch's input read into items: a list of queries, one a line, or a CSV with a
``query`` column and optional ``source``, ``from`` and ``to`` columns.

What is wrong with the whole input (nothing in it, too many lines, a CSV without a query
column, too many bytes) is a :class:`~searchsvc.errors.SearchError` the API answers with a
4xx; what is wrong with one line (a query the language rejects, a bad date) is found when
that line is counted, and its row carries the error: one bad line never fails the job.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from ..errors import SearchError
from . import MAX_BYTES, MAX_QUERIES

COLUMNS = ("query", "source", "from", "to")  # what a CSV may give; other columns are ignored


class TooLarge(SearchError):
    status = 413


@dataclass(frozen=True)
class Item:
    """One query of a batch, with where it came from (``line``: 1 is the first line of
    the input, the header of a CSV included)."""

    line: int
    query: str
    sources: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark); a file that is not is read as
    Windows-1252, what spreadsheets on Windows save."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_items(text: str, kind: str = "auto") -> list[Item]:
    """The items of ``text``: ``kind`` ``lines`` (one query a line), ``csv``, or ``auto``
    (a CSV when its first line has a ``query`` column, else lines). Blank lines are
    skipped. Raises :class:`SearchError` for an empty input or one past the limits."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise TooLarge("batch_too_large", f"the list is larger than {MAX_BYTES // 2**20} MiB;"
                       f" send at most {MAX_QUERIES:,} queries", "queries")
    text = text.removeprefix("\ufeff")
    if kind == "auto":
        kind = "csv" if _has_query_column(text) else "lines"
    items, given = _csv_items(text) if kind == "csv" else _line_items(text)
    return _checked(items, given)


def items_from_json(data: object) -> list[Item]:
    """The items of a JSON body ``{"queries": [...]}``, each a query or an object with
    ``query`` and optional ``source`` (one or a list), ``from`` and ``to``."""
    queries = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(queries, list):
        raise SearchError("invalid_batch", 'a JSON body is {"queries": [...]}: a list of'
                          " queries, or of objects with query, source, from and to", "queries")
    items = []
    for number, entry in enumerate(queries[:MAX_QUERIES], 1):
        given = {"query": entry} if isinstance(entry, str) else entry
        if not isinstance(given, dict) or not isinstance(given.get("query"), str):
            raise SearchError("invalid_batch", f"queries[{number - 1}] is neither a query nor"
                              " an object with a query", "queries")
        sources = given.get("source") or []
        sources = [sources] if isinstance(sources, str) else sources
        dates = [given.get("from"), given.get("to")]
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources) \
                or not all(d is None or isinstance(d, str) for d in dates):
            raise SearchError("invalid_batch", f"queries[{number - 1}]: source is a name or a"
                              " list of names, from and to are dates as text", "queries")
        if given["query"].strip():
            items.append(Item(number, given["query"].strip(),
                              tuple(s.strip() for s in sources if s.strip()),
                              dates[0] or None, dates[1] or None))
    return _checked(items, len(items) + sum(
        1 for entry in queries[MAX_QUERIES:] if not isinstance(entry, str) or entry.strip()))


def _checked(items: list[Item], given: int) -> list[Item]:
    if not given:
        raise SearchError("empty_batch", "the list has no queries: give one query a line, or"
                          " a CSV with a query column", "queries")
    if given > MAX_QUERIES:
        raise SearchError("batch_too_long", f"the list has {given:,} queries; a batch may"
                          f" have at most {MAX_QUERIES:,}", "queries")
    return items


def _line_items(text: str) -> tuple[list[Item], int]:
    """The items (the first ``MAX_QUERIES``) and how many there are."""
    items = [Item(number, line.strip()) for number, line in enumerate(text.splitlines(), 1)
             if line.strip()]
    return items[:MAX_QUERIES], len(items)


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def _has_query_column(text: str) -> bool:
    try:
        header = next(csv.reader([_first_line(text)]), [])
    except csv.Error:
        return False
    return "query" in (cell.strip().lower() for cell in header)


def _csv_items(text: str) -> tuple[list[Item], int]:
    """The items (the first ``MAX_QUERIES``) and how many there are."""
    reader = csv.reader(io.StringIO(text))
    items: list[Item] = []
    given = 0
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            return [], 0
        names = [cell.strip().lower() for cell in header]
        if "query" not in names:
            raise SearchError("invalid_batch", "the CSV has no query column (its header is: "
                              + ", ".join(n for n in names if n)[:200] + ")", "queries")
        where = {name: names.index(name) for name in COLUMNS if name in names}
        for row in reader:
            cells = {name: row[at].strip() if at < len(row) else ""
                     for name, at in where.items()}
            if not cells["query"]:
                continue
            given += 1
            if given > MAX_QUERIES:
                continue  # only counted, to say how many there are
            sources = tuple(s.strip() for s in cells.get("source", "").split(";") if s.strip())
            items.append(Item(reader.line_num, cells["query"], sources,
                              cells.get("from") or None, cells.get("to") or None))
    except csv.Error as error:
        raise SearchError("invalid_batch", f"the CSV cannot be read at line {reader.line_num}:"
                          f" {error}", "queries") from None
    return items, given
