"""The whoosh engine: the only package of searchsvc that imports whoosh.

Pipeline inside it: :mod:`.analysis` (searchsvc's analysis as whoosh analyzers) →
:mod:`.schema` → :mod:`.index` (build, update, switch) → :mod:`.live` (the searcher a
server keeps open) → :mod:`.parsing` (a typed query to whoosh queries) and
:mod:`.scoring` (BM25 with Lucene's idf) → :mod:`.matching` and :mod:`.facets` (hits,
ranks, counts). :class:`WhooshEngine` is what the rest of the service sees of all this.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ...corpus import Article as SourceArticle
from ...corpus import Problem
from ...models import (
    Article,
    BuildSummary,
    ExportRows,
    Health,
    Highlights,
    Hit,
    SearchRequest,
    SearchResponse,
    Source,
)
from ...settings import Settings
from . import index, matching
from .live import LiveIndex


class WhooshEngine:
    """The index folder ``root`` (``current`` → one complete build) as an
    :class:`searchsvc.engine.Engine`."""

    def __init__(self, root: Path, settings: Settings):
        self.root = Path(root)
        self.settings = settings
        self._live = LiveIndex(self.root, settings)

    def build(self, corpus: Path | None, jsonl: Path | None = None, *, update: bool = False,
              strict: bool = False, workers: int = 1, catalog: Path | None = None,
              on_article: Callable[[SourceArticle], None] | None = None,
              on_problem: Callable[[Problem], None] | None = None,
              facets: tuple[str, ...] | None = None) -> BuildSummary:
        return index.build(self.root, corpus, jsonl, update=update, strict=strict,
                           workers=workers, catalog=catalog, on_article=on_article,
                           on_problem=on_problem, settings=self.settings, facets=facets)

    def catalog_facets(self) -> tuple[str, ...]:
        return tuple(self._live.snapshot().catalog)

    def is_usable(self) -> bool:
        return index.is_usable(self.root)

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
