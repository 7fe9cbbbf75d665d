"""Batch search: a list of queries (names, usually) counted one row each.

:mod:`.input` reads a list or a CSV into items, :mod:`.rows` counts an item against the
archive and writes the result table (CSV, JSON Lines, a terminal table), :mod:`.store` keeps
jobs and their rows in a small SQLite file beside the index (the only module that talks to
sqlite3), and :mod:`.runner` counts jobs in a background thread of the server process. The
API's endpoints are :mod:`searchsvc.batch_api`; the page is :mod:`searchsvc.pages.batch_page`;
the command is ``searchsvc batch``.
"""

from __future__ import annotations

MAX_QUERIES = 10_000  # lines (or CSV rows) in one batch
MAX_BYTES = 4 * 1024 * 1024  # of one batch's text: 10,000 lines of about 400 characters
