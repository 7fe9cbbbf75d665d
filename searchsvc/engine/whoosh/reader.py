"""One build of the whoosh engine, open for searching (:class:`searchsvc.engine.EngineReader`).

It executes a request's query (:mod:`searchsvc.request`) on the paragraph entries or on
whole articles, fetches stored entries, and gives vocabulary statistics. Its arrays
(:mod:`.tables`: postings, columns) are memory-mapped and shared by every thread and
process; each thread reads what only whoosh has (stored fields, word positions) through
searchers of its own: one whoosh searcher read from several threads at once returns
corrupt postings (docs/whoosh.md, trap 8).
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from ...request import Node, SearchBody
from ...settings import Settings
from ..columnar import search
from ..postings import Columns, Matches, SearchResult, Stored
from .array_query import Context, run, run_best
from .index import ARTICLES
from .scoring import weighting
from .tables import TABLES, read_article_ids, read_columns, read_tables


class _Searchers(threading.local):
    """This thread's searchers (opened on first use)."""

    paragraphs: Searcher | None = None
    articles: Searcher | None = None


def _open_index(path: Path):
    """A whoosh index read through plain files, not memory maps: with a map, whoosh3 copies
    each segment's postings into a BytesIO for every searcher (about 530 MB per thread on
    Reuters-21578), and every thread has searchers of its own."""
    return FileStorage(str(path), supports_mmap=False, readonly=True).open_index()


class WhooshReader:
    def __init__(self, path: Path, settings: Settings):
        self.settings = settings
        self._indexes = (_open_index(path), _open_index(path / ARTICLES))
        self.columns: Columns = read_columns(path / TABLES)
        self.tables = read_tables(path / TABLES)
        self.article_tables = read_tables(path / ARTICLES / TABLES)
        docnum_of = {article: docnum for docnum, article
                     in enumerate(read_article_ids(path / ARTICLES / TABLES))}
        # article code (columns.article_ids) <-> docnum in the article index
        self._article_docnum = np.asarray(
            [docnum_of.get(a, -1) for a in self.columns.article_ids], dtype=np.int32)
        known = self._article_docnum >= 0
        self._code = np.full(int(self._article_docnum.max(initial=-1)) + 1, -1, dtype=np.int32)
        self._code[self._article_docnum[known]] = np.flatnonzero(known)
        source = self.columns.per_article().source
        self._article_source = np.zeros(len(self._code), dtype=np.int32)
        self._article_source[self._code >= 0] = source[self._code[self._code >= 0]]
        self._mine = _Searchers()
        self._opened: list[Searcher] = []
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- executing

    def search(self, body: SearchBody) -> SearchResult:
        """A search body: the query by whoosh's postings (:mod:`.array_query`), the rest
        over the columns (:mod:`..columnar`)."""
        return search(self.columns, self.execute, self.execute_articles, body)

    def execute(self, query: Node, within: np.ndarray | None = None, score: bool = True,
                best: int | None = None) -> Matches:
        """The entries (of ``within``, sorted, when given) that ``query`` matches, with
        their scores; ``best``: exact only for the ``best`` top scores (and ties)."""
        context = self.context()
        if best is not None:
            return run_best(query, context, within, best)
        return run(query, context, within, score)

    def execute_articles(self, query: Node, within: np.ndarray | None = None,
                         score: bool = True, best: int | None = None) -> Matches:
        """The same on whole articles (title and every paragraph as one document):
        article codes (sorted), of ``within`` when given."""
        context = self.article_context()
        docnums = None
        if within is not None:
            docnums = self._article_docnum[within]
            docnums = np.sort(docnums[docnums >= 0])
        found = run_best(query, context, docnums, best) if best is not None \
            else run(query, context, docnums, score)
        codes = self._code[found.docs]
        order = np.argsort(codes, kind="stable")
        return Matches(codes[order], None if found.scores is None else found.scores[order])

    # ---------------------------------------------------------------- reading

    def stored(self, docnum: int) -> Stored:
        fields = self._searcher(0).stored_fields(docnum)
        return Stored(pid=fields["pid"], article_id=fields["article_id"], para=fields["para"],
                      title=fields.get("title", ""), source=fields.get("source_name", ""),
                      day=fields.get("day"), url=fields.get("url", ""),
                      text=fields.get("text", ""), extra=fields.get("extra") or {})

    def entries_of(self, article_id: str) -> list[int]:
        """The article's entries, in paragraph order."""
        found = self._searcher(0).docs_for_query(wq.Term("article_id", article_id))
        return sorted(found, key=lambda d: self.columns.para[d])

    def entry(self, paragraph_id: str) -> int | None:
        return next(iter(self._searcher(0).docs_for_query(wq.Term("pid", paragraph_id))), None)

    @property
    def doc_count(self) -> int:
        return self.tables.doc_count_all

    def doc_frequency(self, field: str, word: str) -> int:
        return self.tables.doc_frequency(field, word)

    # ---------------------------------------------------------------- threads

    def context(self) -> Context:
        """How :mod:`.array_query` runs a query on the paragraph index, in this thread."""
        return Context(self.tables, self.settings, self._searcher(0), self.columns.source,
                       tuple(self.columns.source_keys))

    def article_context(self) -> Context:
        """The same on the article index (document numbers of its own)."""
        return Context(self.article_tables, self.settings, self._searcher(1),
                       self._article_source, tuple(self.columns.source_keys))

    @property
    def searcher(self) -> Searcher:
        """This thread's whoosh searcher of the paragraph index."""
        return self._searcher(0)

    def _searcher(self, which: int) -> Searcher:
        name = ("paragraphs", "articles")[which]
        mine = getattr(self._mine, name)
        if mine is None:
            with self._lock:
                mine = self._indexes[which].searcher(weighting=weighting(self.settings))
                self._opened.append(mine)
            setattr(self._mine, name, mine)
        return mine

    def close(self) -> None:
        with self._lock:
            for searcher in self._opened:
                searcher.close()
            self._opened.clear()
