"""``searchsvc batch FILE``: a list counted against the index at once, in this process (no
job, no jobs file), printed as a table, CSV or JSON Lines."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from ..archive import Archive
from ..errors import SearchError
from .count import count_item
from .input import decode, read_items
from .models import BatchRow
from .store import StoredRow
from .table import csv_lines, jsonl_lines, row_dict, text_table

WRITERS = {"table": text_table, "csv": csv_lines, "jsonl": jsonl_lines}


def run_batch(archive: Archive, source: str, fmt: str, fuzzy: bool, kind: str, root: str,
              out: TextIO, tick: Callable[[], None] = lambda: None) -> int:
    """Count the list in the file ``source`` (``-``: standard input) and write its rows to
    ``out``: 0, or 2 when the list cannot be read (said on standard error)."""
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as error:
        print(f"error: cannot read {source}: {error.strerror}", file=sys.stderr)
        return 2
    try:
        items = read_items(decode(data), "csv" if kind == "auto" and source.lower()
                           .endswith(".csv") else kind)
    except SearchError as error:
        print(f"error: {source}: {error.message}", file=sys.stderr)
        return 2

    errors = 0

    def rows() -> Iterator[BatchRow]:
        nonlocal errors
        for n, item in enumerate(items):
            row = row_dict(StoredRow(n, item, count_item(archive, item, fuzzy)), fuzzy, root)
            errors += row["error"] is not None
            tick()
            yield row

    for line in WRITERS[fmt](rows()):
        out.write(line)
    out.flush()
    if errors:
        print(f"{errors:,} of {len(items):,} lines not counted (the error is in their row)",
              file=sys.stderr)
    return 0
