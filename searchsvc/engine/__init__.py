"""The boundary between the service and a search engine.

An engine writes a build's index from the articles it is handed (:class:`EngineBuilder`,
:class:`IndexWriter`) and reads it back in engine-neutral arrays
(:mod:`.postings`); searching it goes through the engine's executor. Everything else (the
query language, ranking policy, facets, folding, the build folder and its switch) is the
service's. Each engine is a sub-package (``whoosh/``); the rest of ``searchsvc`` never
imports one directly but asks :func:`builder` for it by the name a build records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from ..corpus import Article as SourceArticle
from ..request import Node, SearchBody
from ..settings import Settings
from .postings import Columns, FinishedBuild, Matches, SearchResult, Stored

DEFAULT = "whoosh"


class IndexWriter(Protocol):
    """Adds articles to one build folder; nothing is searchable before :meth:`commit`."""

    def add(self, article: SourceArticle) -> None:
        """Index the article's entries: one per paragraph (one for a title-only article),
        with its id, title, source, date, url and extra metadata."""
        ...

    def commit(self) -> None:
        ...

    def cancel(self) -> None:
        """Give up: the folder is left for the caller to remove."""
        ...


class EngineReader(Protocol):
    """One build, open for searching: it executes a request's query and reads entries
    back. Entries are numbered 0..n-1 (document numbers); articles are numbered by their
    position in ``columns.article_ids`` (article codes)."""

    columns: Columns  #: per entry: its article, paragraph number, source and day codes

    def search(self, body: SearchBody) -> SearchResult:
        """One search body: its page of hits (or collapsed article groups) in the body's
        order, the total, and the aggregations' counts."""
        ...

    def execute(self, query: Node, within: np.ndarray | None = None, score: bool = True,
                best: int | None = None) -> Matches:
        """Every match of a query alone (what a scroll of ids gives, for the service's
        policies that need the whole set: tiers, folding, related coverage): the entries
        (of the sorted ``within``, when given) matching ``query``, sorted, with their scores
        (BM25 over the leaves, summed as :mod:`searchsvc.request` says);
        ``best``: the scores need be exact only for the ``best`` highest (and ties), the
        others may be lower (what a top-k page needs)."""
        ...

    def execute_articles(self, query: Node, within: np.ndarray | None = None,
                         score: bool = True, best: int | None = None) -> Matches:
        """The same over whole articles (title and every paragraph as one document):
        article codes, sorted."""
        ...

    def stored(self, docnum: int) -> Stored:
        ...

    def entries_of(self, article_id: str) -> list[int]:
        """An article's entries, in paragraph order (empty when there is no such article)."""
        ...

    def entry(self, paragraph_id: str) -> int | None:
        ...

    @property
    def doc_count(self) -> int:
        ...

    def doc_frequency(self, field: str, word: str) -> int:
        ...

    def close(self) -> None:
        ...


class EngineBuilder(Protocol):
    """How an engine writes a build, and opens one."""

    name: str

    def writer(self, path: Path, settings: Settings, append: bool) -> IndexWriter:
        """A writer into ``path``: a new, empty build, or (``append``) a copy of a build
        this engine wrote, to which articles are added."""
        ...

    def finish(self, path: Path) -> FinishedBuild:
        """Read a committed build back: counts, per-entry columns, each article's words
        and the vocabulary's document frequencies (and write what the engine's searcher
        needs besides the index itself)."""
        ...

    def open(self, path: Path, settings: Settings) -> EngineReader:
        """The committed build in ``path``, for searching."""
        ...


ENGINES = ("whoosh",)  # every engine this searchsvc has, the default first


def installed() -> tuple[str, ...]:
    """The engines whose libraries can be imported here."""
    found = []
    for name in ENGINES:
        try:
            builder(name)
        except ImportError:
            continue
        found.append(name)
    return tuple(found)


def builder(name: str = DEFAULT) -> EngineBuilder:
    """The engine called ``name`` (as ``meta.json`` records it)."""
    if name == "whoosh":
        from .whoosh import WhooshBuilder

        return WhooshBuilder()
    raise ValueError(f"unknown engine {name!r} (this searchsvc has: whoosh)")
