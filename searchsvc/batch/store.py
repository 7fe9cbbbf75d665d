"""Batch jobs and their rows, kept in one small SQLite file beside the index
(``<index folder>/batches.sqlite3``): a job's list, its progress and its results survive a
restart of the server. The only module that talks to sqlite3.

Several server processes share the file (gunicorn runs one per core). A job is counted by
one process at a time: the one that *claims* it (``owner``) and keeps its ``heartbeat``
fresh; a job whose owner died (its process is gone, or it has been silent too long) is
claimed again, and its rows not yet saved are counted then. WAL mode lets the pages read
while a job writes.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Unavailable
from ..search.tally import Tally
from .count import Outcome
from .input import Item

log = logging.getLogger(__name__)

FILE = "batches.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    fuzzy INTEGER NOT NULL,
    total INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'queued',  -- queued, running, done
    owner TEXT,
    heartbeat REAL,
    started REAL,
    run_started REAL,  -- when the current owner claimed it, and how many rows were
    run_done INTEGER,  -- done then: the rate of this run gives the ETA
    finished REAL
);
CREATE TABLE IF NOT EXISTS rows (
    job TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    line INTEGER NOT NULL,
    query TEXT NOT NULL,
    sources TEXT NOT NULL,
    date_from TEXT,
    date_to TEXT,
    counted INTEGER NOT NULL DEFAULT 0,
    articles INTEGER,
    paragraphs INTEGER,
    complete INTEGER,
    first TEXT,
    latest TEXT,
    top_sources TEXT,
    error_code TEXT,
    error TEXT,
    PRIMARY KEY (job, n)
);
CREATE INDEX IF NOT EXISTS rows_to_count ON rows (job, counted, n);
"""
_ROW_COLUMNS = ("n, line, query, sources, date_from, date_to, counted, articles, paragraphs,"
                " complete, first, latest, top_sources, error_code, error")


@dataclass(frozen=True)
class Job:
    id: str
    created: float
    fuzzy: bool
    total: int
    done: int
    errors: int
    state: str
    owner: str | None
    heartbeat: float | None
    started: float | None
    run_started: float | None
    run_done: int | None
    finished: float | None


@dataclass(frozen=True)
class StoredRow:
    n: int  # the item's place in the job, from 0
    item: Item
    outcome: Outcome | None  # None: not counted yet


def new_id() -> str:
    """Unguessable (64 bits): a job's address is all that gives its list and results."""
    return secrets.token_hex(8)


class BatchStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._ready = False

    def exists(self) -> bool:
        return self.path.is_file()

    @contextmanager
    def _connect(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """A connection for one call (sqlite3 connections are not shared between threads),
        in one transaction, committed when the block ends without an error (``write``:
        holding the write lock from the start, so that a claim is atomic). A file that
        cannot be opened or written is :class:`Unavailable` (503), without its path."""
        try:
            with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as db:
                db.execute("PRAGMA foreign_keys = ON")
                if not self._ready:
                    db.execute("PRAGMA journal_mode = WAL")
                    db.executescript(SCHEMA)
                    self._ready = True
                db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield db
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
        except sqlite3.Error as error:
            log.warning("batch jobs in %s: %r", self.path, error)
            raise Unavailable("batch_unavailable", "batch jobs cannot be kept now: the jobs"
                              f" file beside the index cannot be used ({error})") from None

    # ------------------------------------------------------------------ writing

    def create(self, items: list[Item], fuzzy: bool, now: float | None = None) -> str:
        job_id = new_id()
        with self._connect() as db:
            db.execute("INSERT INTO jobs (id, created, fuzzy, total) VALUES (?, ?, ?, ?)",
                       (job_id, now or time.time(), int(fuzzy), len(items)))
            db.executemany(
                "INSERT INTO rows (job, n, line, query, sources, date_from, date_to)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((job_id, n, item.line, item.query, json.dumps(item.sources),
                  item.date_from, item.date_to) for n, item in enumerate(items)))
        return job_id

    def claim(self, owner: str, stale: Callable[[Job], bool],
              now: float | None = None) -> Job | None:
        """The oldest unfinished job nobody counts (none, or an owner that is ``stale``),
        now ``owner``'s; None when there is none."""
        now = now or time.time()
        with self._connect() as db:
            for record in db.execute("SELECT * FROM jobs WHERE state != 'done'"
                                     " ORDER BY created, id").fetchall():
                job = _job(record)
                if job.owner is not None and job.owner != owner and not stale(job):
                    continue
                db.execute("UPDATE jobs SET owner = ?, heartbeat = ?, state = 'running',"
                           " started = coalesce(started, ?), run_started = ?, run_done = done"
                           " WHERE id = ?", (owner, now, now, now, job.id))
                return self._job(db, job.id)
        return None

    def save(self, job_id: str, owner: str, counted: Iterable[tuple[int, Outcome]],
             now: float | None = None) -> bool:
        """Store counted rows and beat the heart; False (and nothing stored) when
        ``owner`` no longer holds the job."""
        with self._connect() as db:
            if not self._holds(db, job_id, owner):
                return False
            written = 0
            failed = 0
            for n, outcome in counted:
                tally = outcome.tally or Tally(0, 0, 0, None, None, ())
                cursor = db.execute(
                    "UPDATE rows SET counted = 1, articles = ?, paragraphs = ?, complete = ?,"
                    " first = ?, latest = ?, top_sources = ?, error_code = ?, error = ?"
                    " WHERE job = ? AND n = ? AND counted = 0",
                    (*((tally.articles, tally.paragraphs, tally.complete) if outcome.tally
                       else (None, None, None)),
                     tally.first, tally.latest, json.dumps(tally.sources), outcome.error_code,
                     outcome.error, job_id, n))
                written += cursor.rowcount
                failed += cursor.rowcount if outcome.error_code else 0
            db.execute("UPDATE jobs SET done = done + ?, errors = errors + ?, heartbeat = ?"
                       " WHERE id = ?", (written, failed, now or time.time(), job_id))
        return True

    def finish(self, job_id: str, owner: str, now: float | None = None) -> bool:
        with self._connect() as db:
            if not self._holds(db, job_id, owner):
                return False
            db.execute("UPDATE jobs SET state = 'done', finished = ?, owner = NULL"
                       " WHERE id = ?", (now or time.time(), job_id))
        return True

    def prune(self, before: float) -> int:
        """Forget finished jobs older than ``before``: how many went."""
        with self._connect() as db:
            return db.execute("DELETE FROM jobs WHERE state = 'done' AND finished < ?",
                              (before,)).rowcount

    # ------------------------------------------------------------------ reading

    def job(self, job_id: str) -> Job | None:
        with self._connect(write=False) as db:
            return self._job(db, job_id)

    def unfinished(self) -> bool:
        with self._connect(write=False) as db:
            return db.execute("SELECT 1 FROM jobs WHERE state != 'done' LIMIT 1").fetchone() \
                is not None

    def pending(self, job_id: str, limit: int) -> list[StoredRow]:
        """The next ``limit`` rows not counted yet, in order."""
        with self._connect(write=False) as db:
            records = db.execute(f"SELECT {_ROW_COLUMNS} FROM rows WHERE job = ? AND"
                                 " counted = 0 ORDER BY n LIMIT ?", (job_id, limit)).fetchall()
        return [_row(record) for record in records]

    def rows(self, job_id: str, offset: int = 0, limit: int | None = None) -> list[StoredRow]:
        """The job's rows from ``offset`` (``limit`` of them, or all), counted or not."""
        with self._connect(write=False) as db:
            records = db.execute(f"SELECT {_ROW_COLUMNS} FROM rows WHERE job = ? ORDER BY n"
                                 " LIMIT ? OFFSET ?",
                                 (job_id, -1 if limit is None else limit, offset)).fetchall()
        return [_row(record) for record in records]

    @staticmethod
    def _job(db: sqlite3.Connection, job_id: str) -> Job | None:
        record = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(record) if record else None

    @staticmethod
    def _holds(db: sqlite3.Connection, job_id: str, owner: str) -> bool:
        return db.execute("SELECT 1 FROM jobs WHERE id = ? AND owner = ?",
                          (job_id, owner)).fetchone() is not None


def _job(record: tuple) -> Job:
    job = Job(*record)
    return replace(job, fuzzy=bool(job.fuzzy))


def _row(record: tuple) -> StoredRow:
    (n, line, query, sources, date_from, date_to, counted, articles, paragraphs, complete,
     first, latest, top_sources, error_code, error) = record
    item = Item(line, query, tuple(json.loads(sources)), date_from, date_to)
    if not counted:
        return StoredRow(n, item, None)
    if error_code:
        return StoredRow(n, item, Outcome(error_code=error_code, error=error))
    tally = Tally(articles, paragraphs, complete, first, latest,
                  tuple((name, count) for name, count in json.loads(top_sources)))
    return StoredRow(n, item, Outcome(tally))
