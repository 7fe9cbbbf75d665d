"""The whoosh engine: the only package of searchsvc that imports whoosh.

Pipeline inside it: :mod:`.analysis` (searchsvc's analysis as whoosh analyzers) →
:mod:`.schema` → :mod:`.index` (writing a build) → :mod:`.tables` (the build as arrays) →
:mod:`.live` (the searcher a server keeps open) → :mod:`.parsing` (a typed query to whoosh
queries) and :mod:`.scoring` (BM25 with Lucene's idf) → :mod:`.matching` and
:mod:`.facets` (hits, ranks, counts).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from ...models import (
    Article,
    ExportRows,
    Health,
    Highlights,
    Hit,
    SearchRequest,
    SearchResponse,
    Source,
)
from ...settings import Settings
from ..postings import ArticleWords, FinishedBuild, Postings
from . import matching
from .index import ARTICLES, WhooshWriter, count_entries, write_arrays
from .live import LiveIndex
from .tables import TABLES, FieldPostings, read_article_ids, read_columns, read_tables


def _postings(field: FieldPostings) -> Postings:
    words = field.words
    return Postings([words[row].decode("utf-8") for row in range(len(words))],
                    field.start, field.docs)


class WhooshBuilder:
    """Writes builds with whoosh (:class:`searchsvc.engine.EngineBuilder`)."""

    name = "whoosh"

    def writer(self, path: Path, settings: Settings, append: bool) -> WhooshWriter:
        return WhooshWriter(path, settings, append=append)

    def finish(self, path: Path) -> FinishedBuild:
        write_arrays(path)
        paragraphs, title_only = count_entries(path)
        tables = read_tables(path / TABLES)
        articles = read_tables(path / ARTICLES / TABLES)
        words = ArticleWords(read_article_ids(path / ARTICLES / TABLES),
                             _postings(articles.fields["exact"]),
                             _postings(articles.fields["title_exact"]))
        return FinishedBuild(paragraphs, title_only, read_columns(path / TABLES), words,
                             tables.doc_frequency)


class WhooshEngine:
    """The index folder ``root`` (``current`` → one complete build) as an
    :class:`searchsvc.engine.Engine`."""

    def __init__(self, root: Path, settings: Settings):
        self.root = Path(root)
        self.settings = settings
        self._live = LiveIndex(self.root, settings)

    def catalog_facets(self) -> tuple[str, ...]:
        return tuple(self._live.snapshot().catalog)

    def search(self, request: SearchRequest) -> SearchResponse:
        started = time.perf_counter()
        snapshot = self._live.snapshot()
        response = snapshot.remembered(("search", request),
                                       lambda: matching.search(snapshot, request))
        # The time this answer took, whether computed now or remembered.
        return replace(response, took_ms=(time.perf_counter() - started) * 1000)

    def export(self, request: SearchRequest, limit: int, rows: str = "paragraph") -> ExportRows:
        if rows == "article":
            return matching.export_articles(self._live.snapshot(), request, limit)
        return matching.export(self._live.snapshot(), request, limit)

    def ranked(self, request: SearchRequest, k: int) -> list[tuple[str, float]]:
        return matching.ranked_articles(self._live.snapshot(), request, k)

    def highlights(self, q: str, fuzzy: bool = True) -> Highlights:
        return matching.highlights_for(self._live.snapshot(), SearchRequest(q=q, fuzzy=fuzzy))

    def article(self, article_id: str) -> Article:
        return matching.get_article(self._live.snapshot(), article_id)

    def related(self, paragraph_id: str, limit: int, q: str = "") -> list[Hit]:
        snapshot = self._live.snapshot()
        return snapshot.remembered(("related", paragraph_id, limit, q),
                                   lambda: matching.related(snapshot, paragraph_id, limit, q))

    def sources(self) -> list[Source]:
        return matching.sources(self._live.snapshot())

    def health(self) -> Health:
        return matching.health(self._live.snapshot())

    def reopen(self) -> None:
        self._live.snapshot()

    def close(self) -> None:
        self._live.close()

    def __enter__(self) -> WhooshEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
