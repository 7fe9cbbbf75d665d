"""The index a server answers from: kept open, reopened when a build switches.

Each request takes a :class:`Snapshot` and uses it throughout, so a switch in the middle
of a request never mixes two indexes. The previous snapshot stays open until the switch
after next, because a request may still be using it.

A snapshot's arrays (:mod:`.tables`: postings, columns, article ids) are memory-mapped and
shared by every thread and process; each thread reads what only whoosh has (stored
fields, word positions) through searchers of its own: one whoosh searcher read from
several threads at once returns corrupt postings (docs/whoosh.md, trap 8).
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
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from ...build.catalog import CatalogFacet, read_catalog
from ...build.duplicates import FILE as DUPLICATES
from ...build.folder import IndexOutdated, live_path, read_meta
from ...errors import Unavailable
from ...settings import Settings
from ...spelling import Lexicon
from .array_query import Context
from .index import ARTICLES
from .scoring import weighting
from .tables import TABLES, Columns, Tables, read_article_ids, read_columns, read_tables

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class ArticleColumns:
    """Per article (by code): what filters and facets read, and where it starts."""

    code: np.ndarray  # docnum in the article index -> article code
    source: np.ndarray  # article code -> source code
    day: np.ndarray  # article code -> day code
    opening: np.ndarray  # article code -> docnum of its first paragraph (or title entry)
    source_by_docnum: np.ndarray  # docnum in the article index -> source code
    duplicate_of: np.ndarray  # article code -> code of its story's earliest version

    @classmethod
    def make(cls, columns: Columns, article_docnum: np.ndarray,
             duplicate_of: np.ndarray) -> ArticleColumns:
        count = len(columns.article_ids)
        article = np.asarray(columns.article)
        order = np.lexsort((np.asarray(columns.para), article))  # by article, then paragraph
        codes, first = np.unique(article[order], return_index=True)
        opening = np.full(count, -1, dtype=np.int64)
        opening[codes] = order[first]
        per_article = columns.per_article()
        source, day = per_article.source, per_article.day
        known = article_docnum >= 0
        code = np.full(int(article_docnum.max(initial=-1)) + 1, -1, dtype=np.int32)
        code[article_docnum[known]] = np.flatnonzero(known)
        by_docnum = np.zeros(len(code), dtype=np.int32)
        by_docnum[code >= 0] = source[code[code >= 0]]
        return cls(code, source, day, opening, by_docnum, duplicate_of)


class _Searchers(threading.local):
    """This thread's searchers of one snapshot (opened on first use)."""

    paragraphs: Searcher | None = None
    articles: Searcher | None = None


@dataclass(frozen=True)
class Snapshot:
    meta: dict
    path: Path
    columns: Columns  # per-paragraph codes: facets, filters and grouping read them
    tables: Tables  # the paragraph index's postings
    article_tables: Tables  # the article index's postings
    article_docnum: np.ndarray  # article code (columns.article_ids) -> docnum in ``articles``
    articles_by_code: ArticleColumns
    catalog: dict[str, CatalogFacet]  # the catalog facets, by name (catalog.py)
    settings: Settings
    _indexes: tuple  # the paragraph and the article whoosh indexes
    _mine: _Searchers = field(default_factory=_Searchers)
    _opened: list[Searcher] = field(default_factory=list)  # every thread's, to close
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _answers: OrderedDict = field(default_factory=OrderedDict)  # least recently used first
    _lexicon: list[Lexicon] = field(default_factory=list)  # made on first use

    def lexicon(self) -> Lexicon:
        """The archive's words as written, with their entry counts (for did-you-mean)."""
        with self._lock:
            if not self._lexicon:
                exact = self.tables.fields["exact"]
                words, counts = exact.words, exact.df.tolist()
                self._lexicon.append(Lexicon.make(
                    (words[row].decode("utf-8"), counts[row]) for row in range(len(words))))
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

    @property
    def searcher(self) -> Searcher:
        """This thread's searcher of the paragraph index."""
        if self._mine.paragraphs is None:
            self._mine.paragraphs = self._open(self._indexes[0])
        return self._mine.paragraphs

    @property
    def articles(self) -> Searcher:
        """This thread's searcher of the article index, for ranking articles."""
        if self._mine.articles is None:
            self._mine.articles = self._open(self._indexes[1])
        return self._mine.articles

    def context(self) -> Context:
        """How :mod:`.array_query` runs a query on the paragraph index, in this thread."""
        return Context(self.tables, self.settings, self.searcher, self.columns.source,
                       tuple(self.columns.source_keys))

    def article_context(self) -> Context:
        return Context(self.article_tables, self.settings, self.articles,
                       self.articles_by_code.source_by_docnum, tuple(self.columns.source_keys))

    def _open(self, ix) -> Searcher:
        with self._lock:
            searcher = ix.searcher(weighting=weighting(self.settings))
            self._opened.append(searcher)
        return searcher

    def close(self) -> None:
        with self._lock:
            for searcher in self._opened:
                searcher.close()
            self._opened.clear()


def _open_index(path: Path, mmap: bool):
    """A whoosh index read through plain files, not memory maps: with a map, whoosh3 copies
    each segment's postings into a BytesIO for every searcher (about 530 MB per thread on
    Reuters-21578), and every thread has searchers of its own."""
    return FileStorage(str(path), supports_mmap=mmap, readonly=True).open_index()


def open_snapshot(path: Path, settings: Settings, mmap: bool = False) -> Snapshot:
    """Open one build folder for searching (raises :class:`Unavailable` when unreadable)."""
    try:
        meta = read_meta(path)
        paragraph_ix = _open_index(path, mmap)
        article_ix = _open_index(path / ARTICLES, mmap)
        columns = read_columns(path / TABLES)
        tables = read_tables(path / TABLES)
        article_tables = read_tables(path / ARTICLES / TABLES)
        docnum_of = {article: docnum for docnum, article
                     in enumerate(read_article_ids(path / ARTICLES / TABLES))}
        article_docnum = np.asarray([docnum_of.get(a, -1) for a in columns.article_ids],
                                    dtype=np.int32)
        by_code = ArticleColumns.make(columns, article_docnum,
                                      np.load(path / TABLES / DUPLICATES, mmap_mode="r"))
        catalog = read_catalog(path / TABLES)
    # The answers go over HTTP: no server path in them; the details go to the server's log.
    except IndexOutdated as error:
        log.warning("%s", error)
        raise Unavailable("index_outdated", error.public) from None
    except Exception as error:  # noqa: BLE001 - whoosh raises many kinds on a bad index
        log.warning("the index in %s cannot be read: %r", path, error)
        raise Unavailable(
            "index_corrupt",
            f"the index cannot be read ({type(error).__name__}); rebuild it with"
            " `searchsvc index`",
        ) from None
    return Snapshot(meta, Path(path), columns, tables, article_tables, article_docnum,
                    by_code, catalog, settings, (paragraph_ix, article_ix))


class LiveIndex:
    def __init__(self, root: Path, settings: Settings):
        self.root = Path(root)
        self.settings = settings
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._retired: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        """The current index; opens (or reopens after a switch) as needed."""
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
