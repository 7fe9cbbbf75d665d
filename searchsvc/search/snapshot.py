"""The build a server answers from: kept open, reopened when a build switches.

Each request takes a :class:`Snapshot` and uses it throughout, so a switch in the middle
of a request never mixes two builds. The previous snapshot stays open until the switch
after next, because a request may still be using it. A snapshot holds the engine's
reader of the build (:class:`searchsvc.engine.EngineReader`), the service's artifacts
(catalog facets, near-duplicate clusters, names) and the answers remembered for this build.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from ..engine import EngineReader, builder
from ..engine.postings import Columns
from ..errors import Unavailable
from ..indexer.catalog import CatalogFacet, read_catalog
from ..indexer.duplicates import FILE as DUPLICATES
from ..indexer.folder import IndexOutdated, live_path, read_meta
from ..indexer.names import read_names
from ..indexer.pipeline import TABLES
from ..indexer.vocabulary import read_vocabulary
from ..settings import Settings
from ..spelling import Lexicon

log = logging.getLogger(__name__)
T = TypeVar("T")


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
    # the names each article mentions, by kind (indexer/names.py)
    names: dict[str, CatalogFacet] = field(default_factory=dict)
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


def open_snapshot(path: Path, settings: Settings) -> Snapshot:
    """Open one build folder for searching (raises :class:`Unavailable` when unreadable)."""
    try:
        meta = read_meta(path)
        reader = builder(meta.get("engine", "whoosh")).open(path, settings)
        by_code = ArticleColumns.make(reader.columns,
                                      np.load(path / TABLES / DUPLICATES, mmap_mode="r"))
        catalog = read_catalog(path / TABLES)
        names = read_names(path / TABLES)
    # The answers go over HTTP: no server path in them; the details go to the server's log.
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
    return Snapshot(meta, Path(path), reader, by_code, catalog, settings, names)


class LiveIndex:
    """The index folder's live build, followed across switches."""

    def __init__(self, root: Path, settings: Settings):
        self.root = Path(root)
        self.settings = settings
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._retired: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        """The current build; opens (or reopens after a switch) as needed."""
        path = live_path(self.root)
        if path is None:
            raise Unavailable(
                "index_missing",
                "no index has been built yet; build one with `searchsvc index`",
            )
        current = self._snapshot
        if current is not None and current.path == path:
            return current
        with self._lock:
            if self._snapshot is None or self._snapshot.path != path:
                self._open(path)
            assert self._snapshot is not None
            return self._snapshot

    def _open(self, path: Path) -> None:
        snapshot = open_snapshot(path, self.settings)
        if self._retired is not None:
            self._retired.close()
        self._retired, self._snapshot = self._snapshot, snapshot

    def close(self) -> None:
        for snap in (self._snapshot, self._retired):
            if snap is not None:
                snap.close()
        self._snapshot = self._retired = None
