"""The build a server answers from: kept open, reopened when a build switches.

Each request takes a :class:`Snapshot` and uses it throughout, so a switch in the middle
of a request never mixes two builds. The previous snapshot stays open until the switch
after next, because a request may still be using it. A snapshot holds the engine's
reader of the build (:class:`searchsvc.engine.EngineReader`), the service's artifacts
(catalog facets, near-duplicate clusters) and the answers remembered for this build.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from ..engine import EngineReader, builder
from ..engine.postings import Columns
from ..errors import Unavailable
from ..indexer import integrity
from ..indexer.catalog import CatalogFacet, read_catalog
from ..indexer.duplicates import FILE as DUPLICATES
from ..indexer.folder import IndexOutdated, live_path, previous_builds, read_meta
from ..indexer.pipeline import TABLES
from ..indexer.vocabulary import read_vocabulary
from ..settings import Settings
from ..spelling import Lexicon

log = logging.getLogger(__name__)
T = TypeVar("T")
# How often a server looks (one stat per file) whether the build's files changed under it.
CHECK_SECONDS = 2.0


@dataclass(frozen=True)
class ArticleColumns:
    """Per article code: what filters and facets read, and where it starts."""

    source: np.ndarray  # article code -> source code
    day: np.ndarray  # article code -> day code
    opening: np.ndarray  # article code -> docnum of its first paragraph (or title entry)
    duplicate_of: np.ndarray  # article code -> code of its story's earliest version

    @classmethod
    def make(cls, columns: Columns, duplicate_of: np.ndarray) -> ArticleColumns:
        count = len(columns.article_ids)
        article = np.asarray(columns.article)
        order = np.lexsort((np.asarray(columns.para), article))  # by article, then paragraph
        codes, first = np.unique(article[order], return_index=True)
        opening = np.full(count, -1, dtype=np.int64)
        opening[codes] = order[first]
        per_article = columns.per_article()
        return cls(per_article.source, per_article.day, opening, duplicate_of)


@dataclass(frozen=True)
class Snapshot:
    meta: dict
    path: Path
    engine: EngineReader
    articles_by_code: ArticleColumns
    catalog: dict[str, CatalogFacet]  # the catalog facets, by name (indexer/catalog.py)
    settings: Settings
    fingerprint: tuple = ()  # the files' sizes and times when opened (indexer/integrity.py)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _answers: OrderedDict = field(default_factory=OrderedDict)  # least recently used first
    _lexicon: list[Lexicon] = field(default_factory=list)  # made on first use

    @property
    def columns(self) -> Columns:
        """Per-entry codes: facets, filters and grouping read them."""
        return self.engine.columns

    def lexicon(self) -> Lexicon:
        """The archive's words as written, with their entry counts (for did-you-mean)."""
        with self._lock:
            if not self._lexicon:
                words, counts = read_vocabulary(self.path / TABLES)
                self._lexicon.append(Lexicon.make(zip(words, counts, strict=True)))
            return self._lexicon[0]

    def remembered(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, or what it gave for the same ``key`` on this build (at most
        ``settings.response_cache`` answers; the least recently used go first). An
        answer is never changed after it is made, so threads may share it."""
        size = self.settings.response_cache
        if not size:
            return compute()
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        answer = compute()
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > size:
                self._answers.popitem(last=False)
        return answer

    def close(self) -> None:
        self.engine.close()


def _damaged(problems: list[integrity.Damage]) -> Unavailable:
    more = f" and {len(problems) - 1} more" if problems[1:] else ""
    return Unavailable(
        "index_corrupt",
        f"the index is damaged ({problems[0]}{more}); `searchsvc check` says which build,"
        " and `searchsvc index` rebuilds it")


def open_snapshot(path: Path, settings: Settings) -> Snapshot:
    """Open one build folder for searching, after verifying that its files are the ones
    the build wrote (raises :class:`Unavailable` when unreadable or damaged)."""
    try:
        meta = read_meta(path)
        damage = integrity.verify(path, meta)
        if damage:
            log.warning("the index in %s is damaged: %s", path, "; ".join(map(str, damage)))
            raise _damaged(damage)
        reader = builder(meta.get("engine", "whoosh")).open(path, settings)
        by_code = ArticleColumns.make(reader.columns,
                                      np.load(path / TABLES / DUPLICATES, mmap_mode="r"))
        catalog = read_catalog(path / TABLES)
    # The answers go over HTTP: no server path in them; the details go to the server's log.
    except Unavailable:
        raise
    except IndexOutdated as error:
        log.warning("%s", error)
        raise Unavailable("index_outdated", error.public) from None
    except Exception as error:  # noqa: BLE001 - an engine raises many kinds on a bad index
        log.warning("the index in %s cannot be read: %r", path, error)
        raise Unavailable(
            "index_corrupt",
            f"the index cannot be read ({type(error).__name__}); rebuild it with"
            " `searchsvc index`",
        ) from None
    return Snapshot(meta, Path(path), reader, by_code, catalog, settings,
                    fingerprint=integrity.fingerprint(path, meta))


class LiveIndex:
    """The index folder's live build, followed across switches.

    When the live build is damaged (a file cut short or zeroed: indexer/integrity.py), it
    serves the newest previous build that is sound, and answers ``503 index_corrupt``
    when there is none; it looks again once the live build's files change (a rebuild, a
    restored copy)."""

    def __init__(self, root: Path, settings: Settings):
        self.root = Path(root)
        self.settings = settings
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._retired: Snapshot | None = None
        self._live: Path | None = None  # the live build the snapshot stands for
        self._next_check = 0.0
        # The live build that could not be served, its files' fingerprint, and why.
        self._failed: tuple[Path, tuple, Unavailable] | None = None

    def snapshot(self) -> Snapshot:
        """The build to answer from; opens (or reopens after a switch) as needed."""
        path = live_path(self.root)
        if path is None:
            raise Unavailable(
                "index_missing",
                "no index has been built yet; build one with `searchsvc index`",
            )
        current = self._snapshot
        if current is not None and self._live == path and time.monotonic() < self._next_check:
            return current
        with self._lock:
            now = time.monotonic()
            if self._snapshot is None or self._live != path:
                self._choose(path)
            elif now >= self._next_check:
                self._next_check = now + CHECK_SECONDS
                if self._changed(self._snapshot) or self._failed_changed(path):
                    self._choose(path)
            assert self._snapshot is not None
            return self._snapshot

    def suspect(self, snapshot: Snapshot) -> Unavailable | None:
        """After an engine failed in the middle of a request: the error to answer when the
        build it read is damaged (the next request is served from a sound build), else
        None (the failure is a bug, not the disk's)."""
        damage = integrity.verify(snapshot.path, snapshot.meta)
        if not damage:
            return None
        log.warning("the index in %s is damaged: %s", snapshot.path,
                    "; ".join(map(str, damage)))
        with self._lock:
            if self._snapshot is snapshot:
                self._next_check = 0.0
                self._snapshot = None  # the next request chooses again
                self._retire(snapshot)
        return _damaged(damage)

    @staticmethod
    def _changed(snapshot: Snapshot) -> bool:
        return integrity.fingerprint(snapshot.path, snapshot.meta) != snapshot.fingerprint

    def _failed_changed(self, live: Path) -> bool:
        return self._failed is not None and self._failed[0] == live and \
            _live_fingerprint(live) != self._failed[1]

    def _choose(self, live: Path) -> None:
        """Open ``live``, or the newest sound previous build when it is damaged."""
        failed = self._failed
        if failed is not None and failed[0] == live and _live_fingerprint(live) == failed[1]:
            error = failed[2]  # already verified, unchanged: not read again
        else:
            try:
                self._install(open_snapshot(live, self.settings), live)
                self._failed = None
                return
            except Unavailable as problem:
                if problem.code != "index_corrupt":
                    raise
                error = problem
                self._failed = (live, _live_fingerprint(live), problem)
        if self._snapshot is not None and self._live == live and self._snapshot.path != live \
                and not self._changed(self._snapshot):
            return  # already serving a previous build instead
        for previous in previous_builds(self.root, live):
            try:
                snapshot = open_snapshot(previous, self.settings)
            except Unavailable:
                continue
            log.warning("serving the previous build %s: the live one is damaged", previous)
            self._install(snapshot, live)
            return
        raise error

    def _install(self, snapshot: Snapshot, live: Path) -> None:
        if self._snapshot is not None:
            self._retire(self._snapshot)
        self._snapshot, self._live = snapshot, live
        self._next_check = time.monotonic() + CHECK_SECONDS

    def _retire(self, snapshot: Snapshot) -> None:
        """Keep ``snapshot`` open for the requests still using it, until the next retires."""
        if self._retired is not None and self._retired is not snapshot:
            self._retired.close()
        self._retired = snapshot

    def close(self) -> None:
        for snap in (self._snapshot, self._retired):
            if snap is not None:
                snap.close()
        self._snapshot = self._retired = None


def _live_fingerprint(live: Path) -> tuple:
    try:
        return integrity.fingerprint(live, read_meta(live))
    except Exception:  # noqa: BLE001 - an unreadable meta.json: its own stat instead
        try:
            status = (live / "meta.json").stat()
            return (("meta.json", status.st_size, status.st_mtime_ns),)
        except OSError:
            return ()
